import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/math/index.js';
import { SeededRandom } from '../../src/random/index.js';
import {
  choice,
  createSearchSpace,
  loguniform,
  lognormal,
  normal,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  sampleSpace,
  uniform,
  type Expression,
  type ParamValue,
} from '../../src/space/index.js';

/*
 * Statistical checks of every expression on 20 000 seeded draws. The thresholds are the
 * alpha = 0.001 critical values, and the seeds are fixed, so each check is deterministic and
 * fails when the formula is wrong (a shifted, scaled or floored distribution is rejected by
 * a wide margin), not by chance.
 */
const N = 20_000;
// Kolmogorov-Smirnov critical value at alpha = 0.001: 1.9495 / sqrt(n).
const KS_CRITICAL = 1.9495 / Math.sqrt(N);

function draw(expression: Expression, seed: string): ParamValue[] {
  const space = createSearchSpace({ x: expression });
  const random = new SeededRandom(seed);
  return Array.from({ length: N }, () => sampleSpace(space, random)['x'] as ParamValue);
}

function numbers(values: readonly ParamValue[]): number[] {
  return values.map((value) => {
    if (typeof value !== 'number') throw new Error(`expected a number, got ${String(value)}`);
    return value;
  });
}

function mean(xs: readonly number[]): number {
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / (xs.length - 1);
}

/** The Kolmogorov-Smirnov distance between the sample and a continuous CDF. */
function ksStatistic(xs: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / sorted.length - f, f - i / sorted.length);
  });
  return d;
}

function empiricalQuantile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))] as number;
}

/** Chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: ReadonlyMap<ParamValue, number>, probabilities: ReadonlyMap<ParamValue, number>): number {
  let statistic = 0;
  for (const [value, p] of probabilities) {
    const expected = p * N;
    statistic += ((counts.get(value) ?? 0) - expected) ** 2 / expected;
  }
  return statistic;
}

/** The alpha = 0.001 critical value of chi-square (Wilson-Hilferty), for df >= 1. */
function chiSquareCritical(df: number): number {
  const z = normalQuantile(0.999);
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function tally(values: readonly ParamValue[]): Map<ParamValue, number> {
  const counts = new Map<ParamValue, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('uniform(low, high)', () => {
  const xs = numbers(draw(uniform(2, 6), 'uniform'));

  it('stays in [low, high) with mean (low + high) / 2 and variance (high - low)^2 / 12', () => {
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(6);
    // Standard error of the mean: sqrt(16/12 / N) ~ 0.008.
    expect(Math.abs(mean(xs) - 4)).toBeLessThan(0.035);
    expect(Math.abs(variance(xs) / (16 / 12) - 1)).toBeLessThan(0.04);
  });

  it('passes Kolmogorov-Smirnov against U(low, high)', () => {
    expect(ksStatistic(xs, (x) => (x - 2) / 4)).toBeLessThan(KS_CRITICAL);
  });

  it('fails Kolmogorov-Smirnov against a shifted uniform (the check has power)', () => {
    expect(ksStatistic(xs, (x) => Math.min(1, Math.max(0, (x - 2.1) / 4)))).toBeGreaterThan(KS_CRITICAL);
  });
});

describe('loguniform(low, high)', () => {
  it('has a log that is uniform on [low, high]', () => {
    const xs = numbers(draw(loguniform(-3, 2), 'loguniform'));
    const logs = xs.map(Math.log);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(Math.exp(-3));
    expect(Math.max(...xs)).toBeLessThanOrEqual(Math.exp(2));
    expect(ksStatistic(logs, (x) => (x + 3) / 5)).toBeLessThan(KS_CRITICAL);
    expect(Math.abs(mean(logs) + 0.5)).toBeLessThan(0.05);
  });
});

describe('normal(mu, sigma)', () => {
  const xs = numbers(draw(normal(1, 2), 'normal'));

  it('has mean mu and standard deviation sigma', () => {
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(0.06);
    expect(Math.abs(Math.sqrt(variance(xs)) / 2 - 1)).toBeLessThan(0.03);
  });

  it('has the normal quantiles', () => {
    for (const p of [0.025, 0.16, 0.5, 0.84, 0.975]) {
      expect(Math.abs(empiricalQuantile(xs, p) - (1 + 2 * normalQuantile(p)))).toBeLessThan(0.08);
    }
  });

  it('passes Kolmogorov-Smirnov against N(mu, sigma)', () => {
    expect(ksStatistic(xs, (x) => normalCdf((x - 1) / 2))).toBeLessThan(KS_CRITICAL);
    expect(ksStatistic(xs, (x) => normalCdf((x - 1) / 2.2))).toBeGreaterThan(KS_CRITICAL);
  });

  it('is the constant mu when sigma is 0', () => {
    expect(new Set(draw(normal(3, 0), 'degenerate').slice(0, 100))).toEqual(new Set([3]));
  });
});

describe('lognormal(mu, sigma)', () => {
  it('has a log that is N(mu, sigma)', () => {
    const xs = numbers(draw(lognormal(0.5, 0.75), 'lognormal'));
    expect(Math.min(...xs)).toBeGreaterThan(0);
    const logs = xs.map(Math.log);
    expect(ksStatistic(logs, (x) => normalCdf((x - 0.5) / 0.75))).toBeLessThan(KS_CRITICAL);
    expect(Math.abs(mean(logs) - 0.5)).toBeLessThan(0.025);
    expect(Math.abs(Math.sqrt(variance(logs)) / 0.75 - 1)).toBeLessThan(0.03);
  });
});

describe('randint(upper)', () => {
  it('covers 0 .. upper - 1 uniformly and never reaches upper', () => {
    const values = draw(randint(7), 'randint');
    const counts = tally(values);
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const probabilities = new Map<ParamValue, number>(Array.from({ length: 7 }, (_, i) => [i, 1 / 7]));
    expect(chiSquare(counts, probabilities)).toBeLessThan(chiSquareCritical(6));
  });

  it('gives 0 for randint(1)', () => {
    expect(new Set(draw(randint(1), 'one'))).toEqual(new Set([0]));
  });
});

describe('choice(...)', () => {
  it('picks every option with equal probability', () => {
    const options = ['a', 'b', 'c', 'd', 'e'];
    const counts = tally(draw(choice(options), 'choice'));
    const probabilities = new Map<ParamValue, number>(options.map((o) => [o, 1 / options.length]));
    expect([...counts.keys()].sort()).toEqual(options);
    expect(chiSquare(counts, probabilities)).toBeLessThan(chiSquareCritical(4));
  });

  it('picks sub-spaces and values alike', () => {
    const counts = new Map<string, number>();
    for (const value of draw(choice({ kind: 'svm', C: uniform(0, 1) }, 'none', { kind: 'rf' }), 'nested')) {
      const key = typeof value === 'object' ? String(value['kind']) : String(value);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const probabilities = new Map<ParamValue, number>([
      ['svm', 1 / 3],
      ['none', 1 / 3],
      ['rf', 1 / 3],
    ]);
    expect(chiSquare(counts, probabilities)).toBeLessThan(chiSquareCritical(2));
  });
});

describe('q-variants', () => {
  const isMultiple = (x: number, q: number): boolean => Math.abs(x / q - Math.round(x / q)) < 1e-9;
  const decimals = (x: number): number => (String(x).split('.')[1] ?? '').length;

  it('quniform rounds (not floors) uniform draws: the ends get half a step each', () => {
    const values = numbers(draw(quniform(0, 1, 0.25), 'quniform'));
    expect(values.every((x) => isMultiple(x, 0.25))).toBe(true);
    const probabilities = new Map<ParamValue, number>([
      [0, 1 / 8],
      [0.25, 1 / 4],
      [0.5, 1 / 4],
      [0.75, 1 / 4],
      [1, 1 / 8],
    ]);
    expect(chiSquare(tally(values), probabilities)).toBeLessThan(chiSquareCritical(4));
  });

  it('quniform with q = 0.1 gives clean decimals', () => {
    const values = numbers(draw(quniform(0, 3, 0.1), 'quniform-decimals'));
    expect(values.every((x) => isMultiple(x, 0.1) && decimals(x) <= 1)).toBe(true);
    expect(new Set(values).size).toBe(31);
  });

  it('qloguniform is round(exp(uniform) / q) * q', () => {
    const values = numbers(draw(qloguniform(0, Math.log(100), 5), 'qloguniform'));
    expect(values.every((x) => isMultiple(x, 5))).toBe(true);
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(100);
    // P(value = 0) = P(exp(U) < 2.5) = ln(2.5) / ln(100).
    const zeros = values.filter((x) => x === 0).length / N;
    expect(Math.abs(zeros - Math.log(2.5) / Math.log(100))).toBeLessThan(0.012);
  });

  it('qnormal is round(normal / q) * q with the normal bin probabilities', () => {
    const values = numbers(draw(qnormal(0, 1, 0.5), 'qnormal'));
    expect(values.every((x) => isMultiple(x, 0.5) && decimals(x) <= 1)).toBe(true);
    const probabilities = new Map<ParamValue, number>();
    for (let k = -3; k <= 3; k += 1) probabilities.set(k * 0.5, normalCdf(k * 0.5 + 0.25) - normalCdf(k * 0.5 - 0.25));
    const counts = new Map([...tally(values)].filter(([value]) => probabilities.has(value)));
    expect(chiSquare(counts, probabilities)).toBeLessThan(chiSquareCritical(probabilities.size));
  });

  it('qlognormal is round(exp(normal) / q) * q', () => {
    const values = numbers(draw(qlognormal(0, 0.5, 0.1), 'qlognormal'));
    expect(values.every((x) => isMultiple(x, 0.1) && decimals(x) <= 1 && x >= 0)).toBe(true);
    // P(value = 1) = P(0.95 <= exp(Z / 2) < 1.05).
    const p = normalCdf(Math.log(1.05) / 0.5) - normalCdf(Math.log(0.95) / 0.5);
    const ones = values.filter((x) => x === 1).length / N;
    expect(Math.abs(ones - p)).toBeLessThan(0.01);
  });
});
