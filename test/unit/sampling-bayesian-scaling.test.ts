import { describe, expect, it } from 'vitest';

// These tests run the real sampler many times; on a loaded 2-core machine that takes longer than
// vitest's 5 s default, which says nothing about the code.
const SLOW = 120_000;
import { SeededRandom } from '../../src/random/index.js';
import {
  BayesianSampler,
  CONTINUOUS,
  GaussianProcess,
  MAX_MODEL_POINTS,
  choleskyAppendInPlace,
  choleskyInPlace,
  modelSubset,
  standardizeTargets,
  type Posterior,
  type TrainingData,
} from '../../src/sampling/bayesian/index.js';
import type { TrialObservation } from '../../src/sampling/index.js';
import { createSearchSpace } from '../../src/space/create-search-space.js';
import type { ParamSet } from '../../src/space/expression.js';
import { paramsKey } from '../../src/space/flatten.js';
import { uniform } from '../../src/space/index.js';

const num = (params: ParamSet, name: string): number => params[name] as number;

/** A random symmetric positive-definite n x n matrix (row-major): B Bᵀ + n·δ I. */
function randomSpd(n: number, random: SeededRandom, ridge: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => random.next() * 2 - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let sum = 0;
      for (let k = 0; k < n; k += 1) sum += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = sum + (i === j ? ridge : 0);
    }
  }
  return a;
}

describe('incremental Cholesky (property)', () => {
  it(
    'growing a factor row by row equals factorising the whole matrix, for 60 random SPD matrices',
    () => {
      const random = new SeededRandom('cholesky-property');
      for (let trial = 0; trial < 60; trial += 1) {
        const n = 1 + Math.floor(random.next() * 40);
        // Near-singular matrices too: a tiny ridge makes the later pivots small.
        const ridge = trial % 3 === 0 ? 1e-6 : 0.5 + random.next() * n;
        const a = randomSpd(n, random, ridge);
        const full = Float64Array.from(a);
        expect(choleskyInPlace(full, n)).toBe(true);

        const start = Math.floor(random.next() * n);
        const grown = new Float64Array(n * n);
        for (let i = 0; i < start; i += 1) for (let j = 0; j <= i; j += 1) grown[i * n + j] = a[i * n + j] as number;
        expect(choleskyInPlace(grown, start, n)).toBe(true);
        for (let m = start; m < n; m += 1) {
          const column = Float64Array.from({ length: m }, (_, i) => a[i * n + m] as number);
          expect(choleskyAppendInPlace(grown, m, n, column, a[m * n + m] as number)).toBe(true);
        }
        let scale = 0;
        for (const v of full) scale = Math.max(scale, Math.abs(v));
        for (let k = 0; k < n * n; k += 1) {
          expect(Math.abs((grown[k] as number) - (full[k] as number))).toBeLessThanOrEqual(1e-9 * scale);
        }
      }
    },
    SLOW,
  );

  it('refuses a row that makes the matrix singular and leaves the factor as it was', () => {
    const random = new SeededRandom('cholesky-singular');
    const n = 6;
    const a = randomSpd(n, random, 1);
    const l = new Float64Array((n + 1) * (n + 1));
    for (let i = 0; i < n; i += 1) for (let j = 0; j <= i; j += 1) l[i * (n + 1) + j] = a[i * n + j] as number;
    expect(choleskyInPlace(l, n, n + 1)).toBe(true);
    const before = Float64Array.from(l);
    // The new row duplicates row 2 with a slightly smaller diagonal: not positive definite.
    const column = Float64Array.from({ length: n }, (_, i) => a[i * n + 2] as number);
    expect(choleskyAppendInPlace(l, n, n + 1, column, (a[2 * n + 2] as number) * (1 - 1e-6))).toBe(false);
    expect(Array.from(l)).toEqual(Array.from(before));
  });
});

/** n points of a smooth 3-D function, standardised as the sampler would. */
function smoothData(n: number, seed: string): TrainingData {
  const random = new SeededRandom(seed);
  const d = 3;
  const features = Float64Array.from({ length: n * d }, () => random.next());
  const values = Array.from({ length: n }, (_, i) => {
    const x = features.subarray(i * d, (i + 1) * d);
    return Math.sin(3 * (x[0] as number)) + ((x[1] as number) - 0.4) ** 2 + 0.3 * (x[2] as number);
  });
  return {
    features,
    count: n,
    dimensions: d,
    kinds: new Uint8Array(d).fill(CONTINUOUS),
    targets: standardizeTargets(values),
    extraNoise: new Float64Array(n),
  };
}

const THETA = Float64Array.from([Math.log(0.4), Math.log(0.6), Math.log(0.8), 0, Math.log(1e-4)]);

describe('subset-of-data model', () => {
  it('is the data itself, so exactly the exact GP, up to MAX_MODEL_POINTS observations', () => {
    const data = smoothData(MAX_MODEL_POINTS, 'exact');
    const subset = modelSubset(data, MAX_MODEL_POINTS);
    expect(subset.data).toBe(data);
    const exact = GaussianProcess.create(data, THETA);
    const scaled = GaussianProcess.create(subset.data, THETA);
    expect(exact).not.toBeNull();
    expect(scaled).not.toBeNull();
    const random = new SeededRandom('probe');
    const a: Posterior = { mean: 0, variance: 0 };
    const b: Posterior = { mean: 0, variance: 0 };
    for (let k = 0; k < 50; k += 1) {
      const x = Float64Array.from({ length: 3 }, () => random.next());
      exact!.predict(x, 0, a);
      scaled!.predict(x, 0, b);
      expect(b.mean).toBe(a.mean);
      expect(b.variance).toBe(a.variance);
    }
  });

  it(
    'beyond it keeps the best half and a spread of the rest, and predicts like the exact GP where the search looks',
    () => {
      const n = 600;
      const data = smoothData(n, 'large');
      const subset = modelSubset(data, MAX_MODEL_POINTS);
      expect(subset.data.count).toBe(MAX_MODEL_POINTS);
      expect(subset.rows).toEqual([...subset.rows].sort((x, y) => x - y));
      const order = Array.from({ length: n }, (_, i) => i).sort(
        (x, y) => (data.targets[x] as number) - (data.targets[y] as number),
      );
      for (const best of order.slice(0, MAX_MODEL_POINTS / 2)) expect(subset.rows).toContain(best);
      // The spread reaches the worst ranks, so the model still knows how bad the bad region is.
      const rank = new Map(order.map((row, r) => [row, r]));
      const worstKept = Math.max(...subset.rows.map((row) => rank.get(row) as number));
      expect(worstKept).toBeGreaterThanOrEqual(n - Math.ceil((n - MAX_MODEL_POINTS / 2) / (MAX_MODEL_POINTS / 2)) - 1);

      const exact = GaussianProcess.create(data, THETA)!;
      const scaled = GaussianProcess.create(subset.data, THETA)!;
      const a: Posterior = { mean: 0, variance: 0 };
      const b: Posterior = { mean: 0, variance: 0 };
      const random = new SeededRandom('near-best');
      let worst = 0;
      // Around the 20 best observations, where expected improvement is decided.
      for (const row of order.slice(0, 20)) {
        for (let k = 0; k < 5; k += 1) {
          const x = Float64Array.from({ length: 3 }, (_, c) =>
            Math.min(1, Math.max(0, (data.features[row * 3 + c] as number) + 0.03 * (random.next() - 0.5))),
          );
          exact.predict(x, 0, a);
          scaled.predict(x, 0, b);
          worst = Math.max(worst, Math.abs(a.mean - b.mean));
        }
      }
      // Standardised units: the targets span about 3.5 of them.
      expect(worst).toBeLessThan(0.05);
    },
    SLOW,
  );
});

describe('the scaled sampler', () => {
  const definition = { x: uniform(0, 1), y: uniform(0, 1), z: uniform(0, 1) };
  const space = createSearchSpace(definition);
  const f = (p: ParamSet): number => (num(p, 'x') - 0.3) ** 2 + Math.sin(5 * num(p, 'y')) + num(p, 'z');

  it(
    'suggests exactly what the exact GP suggests while the sweep is within MAX_MODEL_POINTS',
    () => {
      const scaled = new BayesianSampler({ space, seed: 's', initialPoints: 4 });
      const exact = new BayesianSampler({
        space,
        seed: 's',
        initialPoints: 4,
        scaling: { modelPoints: Number.POSITIVE_INFINITY, refitEveryCallUntil: Number.POSITIVE_INFINITY },
      });
      const observations: TrialObservation[] = [];
      for (let i = 0; i < 30; i += 1) {
        const a = scaled.suggest(observations, 'MINIMIZE').params;
        const b = exact.suggest(observations, 'MINIMIZE').params;
        expect(a).toEqual(b);
        observations.push({ params: a, best: f(a), state: 'completed' });
      }
    },
    SLOW,
  );

  it(
    'gives 8 concurrent trials 8 distinct configurations, none a repeat of a finished one, past the subset size',
    () => {
      const sampler = new BayesianSampler({ space, seed: 'batch', initialPoints: 4 });
      const random = new SeededRandom('history');
      const observations: TrialObservation[] = Array.from({ length: MAX_MODEL_POINTS + 40 }, () => {
        const params = { x: random.next(), y: random.next(), z: random.next() };
        return { params, best: f(params), state: 'completed' as const };
      });
      const keys = new Set(observations.map((o) => paramsKey(o.params)));
      const batch: ParamSet[] = [];
      for (let i = 0; i < 8; i += 1) {
        const params = sampler.suggest(observations, 'MINIMIZE').params;
        expect(keys.has(paramsKey(params))).toBe(false);
        keys.add(paramsKey(params));
        batch.push(params);
        observations.push({ params, best: undefined, state: 'running' });
      }
      expect(new Set(batch.map(paramsKey)).size).toBe(8);
      // Pending-aware (kriging believer): the batch spreads out instead of piling on one optimum.
      let closest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < batch.length; i += 1) {
        for (let j = 0; j < i; j += 1) {
          const a = batch[i] as ParamSet;
          const b = batch[j] as ParamSet;
          closest = Math.min(
            closest,
            Math.hypot(num(a, 'x') - num(b, 'x'), num(a, 'y') - num(b, 'y'), num(a, 'z') - num(b, 'z')),
          );
        }
      }
      expect(closest).toBeGreaterThan(1e-3);
    },
    SLOW,
  );
});
