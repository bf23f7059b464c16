import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeImportance,
  importanceSteps,
  minRunsToTrust,
  spearman,
  type ImportanceInput,
  type ImportanceParam,
  type ImportanceResult,
} from '../../src/analysis/importance/index.js';
import { SeededRandom } from '../../src/random/index.js';

function figures(result: ImportanceResult): Record<string, { importance: number; correlation: number | null }> {
  if (result.kind !== 'importance') throw new Error(`expected importance, got: ${result.reason}`);
  return Object.fromEntries(result.params.map((p) => [p.name, p]));
}

/** `n` random runs of `objective` over uniform parameters `names` in [0, 1]. */
function synthetic(
  names: readonly string[],
  n: number,
  objective: (v: Record<string, number>) => number,
  seed = 1,
): ImportanceInput {
  const random = new SeededRandom(seed);
  const params: ImportanceParam[] = names.map((name) => ({ name, kind: 'number', low: 0, high: 1, log: false }));
  const rows = Array.from({ length: n }, () => {
    const values = Object.fromEntries(names.map((name) => [name, random.next()]));
    return { values, target: objective(values) };
  });
  return { params, rows };
}

describe('fANOVA importance on objectives with a known answer', () => {
  it('gives the dominant parameter the most and an irrelevant one about nothing', () => {
    const input = synthetic(
      ['dominant', 'weak', 'irrelevant'],
      120,
      (v) => 10 * (v.dominant ?? 0) ** 2 + (v.weak ?? 0),
    );
    const result = computeImportance(input, { seed: 3, trees: 32 });
    const f = figures(result);
    expect(result.kind === 'importance' && result.params[0]?.name).toBe('dominant');
    expect(f.dominant?.importance).toBeGreaterThan(0.85);
    expect(f.weak?.importance).toBeGreaterThan(f.irrelevant?.importance ?? 1);
    expect(f.irrelevant?.importance).toBeLessThan(0.03);
    const sum = Object.values(f).reduce((a, b) => a + b.importance, 0);
    expect(sum).toBeCloseTo(1, 9);
    // The correlation is signed: the metric rises with both used parameters.
    expect(f.dominant?.correlation).toBeGreaterThan(0.9);
    expect(Math.abs(f.irrelevant?.correlation ?? 1)).toBeLessThan(0.25);
  });

  it('signs the correlation: a metric falling with a parameter correlates negatively', () => {
    const input = synthetic(['a', 'b'], 60, (v) => -(v.a ?? 0) + 0.01 * (v.b ?? 0));
    const f = figures(computeImportance(input, { seed: 1, trees: 8 }));
    expect(f.a?.correlation).toBeLessThan(-0.95);
    expect(f.a?.importance).toBeGreaterThan(0.9);
  });

  it('is deterministic per seed, and another seed differs only a little', () => {
    const input = synthetic(['a', 'b', 'c'], 80, (v) => (v.a ?? 0) + 0.5 * (v.b ?? 0) * (v.c ?? 0));
    const one = computeImportance(input, { seed: 'x', trees: 16 });
    expect(computeImportance(input, { seed: 'x', trees: 16 })).toEqual(one);
    const other = figures(computeImportance(input, { seed: 'y', trees: 16 }));
    for (const p of Object.keys(figures(one)))
      expect(Math.abs((other[p]?.importance ?? 0) - (figures(one)[p]?.importance ?? 0))).toBeLessThan(0.1);
  });

  it('analyses log parameters in log space: a metric linear in log10(lr) makes lr dominant', () => {
    const random = new SeededRandom(5);
    const rows = Array.from({ length: 80 }, () => {
      const lr = 10 ** (-5 + 4 * random.next());
      const other = random.next();
      return { values: { lr, other }, target: Math.log10(lr) };
    });
    const f = figures(
      computeImportance(
        {
          params: [
            { name: 'lr', kind: 'number', low: 1e-5, high: 0.1, log: true },
            { name: 'other', kind: 'number', low: 0, high: 1, log: false },
          ],
          rows,
        },
        { seed: 1, trees: 16 },
      ),
    );
    expect(f.lr?.importance).toBeGreaterThan(0.95);
  });

  it('treats a nested parameter absent from some runs as its own category', () => {
    // Two branches of a choice: "sgd" runs have momentum, "adam" runs do not. The metric depends
    // only on momentum within the sgd branch, and on the branch itself.
    const random = new SeededRandom(9);
    const rows = Array.from({ length: 150 }, () => {
      const optimizer = random.next() < 0.5 ? 'sgd' : 'adam';
      const momentum = optimizer === 'sgd' ? random.next() : undefined;
      const noise = random.next();
      const target = optimizer === 'adam' ? 1 : 3 * (momentum ?? 0);
      return { values: { optimizer, 'optimizer.momentum': momentum, noise }, target };
    });
    const result = computeImportance(
      {
        params: [
          { name: 'optimizer', kind: 'category', choices: ['sgd', 'adam'] },
          { name: 'optimizer.momentum', kind: 'number', low: 0, high: 1, log: false },
          { name: 'noise', kind: 'number', low: 0, high: 1, log: false },
        ],
        rows,
      },
      { seed: 2, trees: 16 },
    );
    const f = figures(result);
    expect(f['optimizer.momentum']?.importance).toBeGreaterThan(0.3);
    expect(f.noise?.importance).toBeLessThan(0.03);
    expect(result.kind === 'importance' && result.params.find((p) => p.name === 'optimizer.momentum')?.runs).toBe(
      rows.filter((r) => r.values['optimizer.momentum'] !== undefined).length,
    );
    // A category has no order: no correlation.
    expect(f.optimizer?.correlation).toBeNull();
  });

  it('gives a constant parameter 0 and says when there is too little to analyse', () => {
    const input = synthetic(['a', 'b'], 30, (v) => v.a ?? 0);
    const withConstant: ImportanceInput = {
      params: [...input.params, { name: 'fixed', kind: 'category', choices: ['only'] }],
      rows: input.rows.map((r) => ({ ...r, values: { ...r.values, fixed: 'only' } })),
    };
    const result = computeImportance(withConstant, { seed: 1, trees: 4 });
    expect(figures(result).fixed?.importance).toBe(0);
    expect(result.kind === 'importance' && result.trusted).toBe(true);
    expect(result.minRuns).toBe(minRunsToTrust(3));

    const few = computeImportance({ params: input.params, rows: input.rows.slice(0, 2) }, { seed: 1 });
    expect(few).toMatchObject({ kind: 'unavailable', runs: 2 });
    expect(few.kind === 'unavailable' && few.reason).toMatch(/at least 3 finished runs/);

    const flat = computeImportance(
      { params: input.params, rows: input.rows.map((r) => ({ ...r, target: 1 })) },
      { seed: 1 },
    );
    expect(flat.kind === 'unavailable' && flat.reason).toMatch(/same metric value/);

    const untrusted = computeImportance({ params: input.params, rows: input.rows.slice(0, 8) }, { seed: 1, trees: 4 });
    expect(untrusted.kind === 'importance' && untrusted.trusted).toBe(false);
    expect(() =>
      computeImportance({ params: input.params, rows: [{ values: { a: 1, b: 1 }, target: Number.NaN }] }, { seed: 1 }),
    ).toThrow(/finite number \(got NaN\)/);
  });

  it('runs in bounded steps: at least two per tree', () => {
    const input = synthetic(['a', 'b'], 40, (v) => v.a ?? 0);
    const steps = importanceSteps(input, { seed: 1, trees: 5 });
    let count = 0;
    while (steps.next().done !== true) count++;
    expect(count).toBeGreaterThanOrEqual(10);
  });
});

describe('Spearman correlation', () => {
  it('matches hand-computed values, ties averaged', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // x ranks 1, 2.5, 2.5, 4; y ranks 1, 2, 3, 4: r = 4.5 / sqrt(4.5 * 5) (scipy.stats.spearmanr gives 0.9486832980505138).
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

interface OptunaFixture {
  readonly optuna: string;
  readonly space: Record<
    string,
    { kind: 'number'; low: number; high: number } | { kind: 'category'; choices: string[] }
  >;
  readonly trials: readonly { params: Record<string, number | string>; value: number }[];
  readonly optunaMean: Record<string, number>;
  readonly optunaBySeed: readonly { seed: number; importances: Record<string, number> }[];
}

describe("cross-check against Optuna's FanovaImportanceEvaluator", () => {
  const fixture = JSON.parse(
    readFileSync(new URL('fixtures/optuna-fanova.json', import.meta.url), 'utf8'),
  ) as OptunaFixture;
  const params: ImportanceParam[] = Object.entries(fixture.space).map(([name, s]) =>
    s.kind === 'number'
      ? { name, kind: 'number', low: s.low, high: s.high, log: false }
      : { name, kind: 'category', choices: s.choices },
  );
  const input: ImportanceInput = {
    params,
    rows: fixture.trials.map((t) => ({ values: t.params, target: t.value })),
  };

  it('agrees with Optuna 5.0.0 within 0.03 per parameter and ranks them the same', () => {
    // Same method, different random draws (our bootstrap is not numpy's), so the figures agree
    // to within the spread Optuna itself shows across its seeds, not digit for digit.
    const ours = figures(computeImportance(input, { seed: 0 }));
    const spreadAcrossOptunaSeeds = Math.max(
      ...Object.keys(fixture.optunaMean).map((name) => {
        const values = fixture.optunaBySeed.map((r) => r.importances[name] ?? 0);
        return Math.max(...values) - Math.min(...values);
      }),
    );
    expect(spreadAcrossOptunaSeeds).toBeLessThan(0.03);
    for (const [name, theirs] of Object.entries(fixture.optunaMean))
      expect(Math.abs((ours[name]?.importance ?? -1) - theirs), name).toBeLessThan(0.03);
    const rank = (f: Record<string, number>): string[] => Object.keys(f).sort((a, b) => (f[b] ?? 0) - (f[a] ?? 0));
    expect(rank(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, v.importance])))).toEqual(
      rank(fixture.optunaMean),
    );
  });
});
