import { describe, expect, it } from 'vitest';
import { TruncationSelectionPolicy } from '../../src/policy/index.js';
import type { PolicyDecision, RunHistory } from '../../src/policy/index.js';
import type { PrimaryMetricGoal } from '../../src/metric/goal.js';

function run(runId: string, values: readonly number[], finished = false): RunHistory {
  return { runId, values, finished };
}

function judge(
  policy: TruncationSelectionPolicy,
  goal: PrimaryMetricGoal,
  values: readonly number[],
  others: readonly RunHistory[],
): PolicyDecision {
  return policy.decide({ goal, run: run('me', values), interval: values.length, others });
}

function evidenceOf(decision: PolicyDecision) {
  if (decision.kind === 'skip') throw new Error(`expected an evaluated decision, got skip: ${decision.explanation}`);
  if (decision.evidence.policy !== 'truncation-selection') throw new Error('expected truncation evidence');
  return decision.evidence;
}

/** Other runs at interval 3 whose best over 1..3 is each of `bests`. */
const othersWithBests = (bests: readonly number[], finished = false): RunHistory[] =>
  bests.map((b, i) => run(`o${i}`, [b, b, b], finished));

describe('TruncationSelectionPolicy, the floor rule', () => {
  it('n = 1: a run compared only with itself is never cut, even at 99%', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 99 });
    const decision = judge(policy, 'MAXIMIZE', [0.1], []);
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision)).toEqual({
      policy: 'truncation-selection',
      value: 0.1,
      truncationPercentage: 99,
      comparedRuns: 1,
      cutCount: 0,
      rank: 1,
      cutoff: null,
    });
  });

  it('n = 5, 20%: cuts exactly the worst one', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = othersWithBests([0.9, 0.8, 0.7, 0.6]);
    const worst = judge(policy, 'MAXIMIZE', [0.1, 0.2, 0.31], others);
    expect(worst.kind).toBe('cancel');
    expect(evidenceOf(worst)).toEqual({
      policy: 'truncation-selection',
      value: 0.31,
      truncationPercentage: 20,
      comparedRuns: 5,
      cutCount: 1,
      rank: 5,
      cutoff: 0.31,
    });
    expect(worst.explanation).toBe(
      'stopped at interval 3: rank 5 of 5, in the lowest 20% (1 run cut; cutoff 0.31) (Truncation selection)',
    );

    const secondWorst = judge(policy, 'MAXIMIZE', [0.1, 0.2, 0.65], othersWithBests([0.9, 0.8, 0.7, 0.6]));
    expect(secondWorst.kind).toBe('continue');
    expect(evidenceOf(secondWorst).rank).toBe(4);
    expect(evidenceOf(secondWorst).cutoff).toBe(0.6);
    expect(secondWorst.explanation).toBe(
      'continues at interval 3: best 0.65, rank 4 of 5, above the lowest 20% (1 run cut; cutoff 0.6) (Truncation selection)',
    );
  });

  it('n = 4, 20%: floor(0.8) = 0 cuts none, not even the worst', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.1], othersWithBests([0.9, 0.8, 0.7]));
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision)).toMatchObject({ comparedRuns: 4, cutCount: 0, rank: 4, cutoff: null });
    expect(decision.explanation).toBe(
      'continues at interval 3: best 0.1, rank 4 of 4 (20% of 4 runs cuts none) (Truncation selection)',
    );
  });

  it('n = 3, 50%: floor(1.5) = 1', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 50 });
    expect(evidenceOf(judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.1], othersWithBests([0.9, 0.8]))).cutCount).toBe(1);
    expect(judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.1], othersWithBests([0.9, 0.8])).kind).toBe('cancel');
    expect(judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.85], othersWithBests([0.9, 0.8])).kind).toBe('continue');
  });

  it('n = 10, 30%: ranks 8 to 10 are cut, rank 7 kept', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 30 });
    const others = othersWithBests([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(judge(policy, 'MAXIMIZE', [2.5, 2.5, 2.5], others).kind).toBe('cancel'); // rank 8
    const kept = judge(policy, 'MAXIMIZE', [3.5, 3.5, 3.5], others); // rank 7
    expect(kept.kind).toBe('continue');
    expect(evidenceOf(kept).cutoff).toBe(3);
  });
});

describe('TruncationSelectionPolicy, ties and goals', () => {
  it('ties favour the run: two tied worst with only one slot cut are both kept', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const decision = judge(policy, 'MAXIMIZE', [0.3, 0.3, 0.3], othersWithBests([0.9, 0.8, 0.7, 0.3]));
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision).rank).toBe(4); // shares the better rank
    expect(evidenceOf(decision).cutoff).toBe(0.3);
  });

  it('ties inside the cut group are cut together', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 40 });
    const decision = judge(policy, 'MAXIMIZE', [0.3, 0.3, 0.3], othersWithBests([0.9, 0.8, 0.7, 0.3]));
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toMatchObject({ rank: 4, cutCount: 2, cutoff: 0.3 });
  });

  it('all tied: nobody is cut', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 60 });
    const decision = judge(policy, 'MAXIMIZE', [0.5, 0.5, 0.5], othersWithBests([0.5, 0.5, 0.5, 0.5]));
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision).rank).toBe(1);
  });

  it('MINIMIZE: the highest values are the worst', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = othersWithBests([0.1, 0.2, 0.3, 0.4]);
    const worst = judge(policy, 'MINIMIZE', [0.9, 0.9, 0.9], others);
    expect(worst.kind).toBe('cancel');
    expect(evidenceOf(worst)).toMatchObject({ rank: 5, cutoff: 0.9 });
    expect(judge(policy, 'MINIMIZE', [0.9, 0.9, 0.05], others).kind).toBe('continue');
    expect(judge(policy, 'MAXIMIZE', [0.9, 0.9, 0.9], others).kind).toBe('continue');
  });

  it('negative metrics rank by value, not magnitude', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = othersWithBests([-1, -2, -3, -4]);
    expect(judge(policy, 'MAXIMIZE', [-5, -5, -5], others).kind).toBe('cancel');
    expect(judge(policy, 'MINIMIZE', [-5, -5, -5], others).kind).toBe('continue');
    expect(judge(policy, 'MINIMIZE', [-0.5, -0.5, -0.5], others).kind).toBe('cancel');
  });

  it("uses each run's best over 1..N, not its latest value nor later values", () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = [
      run('a', [0.9, 0.1, 0.1]),
      run('b', [0.8, 0.1, 0.1]),
      run('c', [0.7, 0.1, 0.1]),
      run('d', [0.1, 0.1, 0.1, 0.99]),
    ];
    // d's best over 1..3 is 0.1, so d (not this run, best 0.5) is the worst.
    expect(judge(policy, 'MAXIMIZE', [0.5, 0.2, 0.2], others).kind).toBe('continue');
  });
});

describe('TruncationSelectionPolicy, which runs are compared', () => {
  it('leaves out runs that have not reached N', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = [...othersWithBests([0.9, 0.8, 0.7]), run('short', [0.99, 0.99])];
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.1], others);
    expect(evidenceOf(decision).comparedRuns).toBe(4);
    expect(decision.kind).toBe('continue');
  });

  it('includes finished runs by default, leaves them out with excludeFinishedJobs', () => {
    const others = [...othersWithBests([0.9], true), ...othersWithBests([0.8, 0.7, 0.6])];
    const included = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const a = judge(included, 'MAXIMIZE', [0.5, 0.5, 0.5], others);
    expect(a.kind).toBe('cancel');
    expect(evidenceOf(a).comparedRuns).toBe(5);

    const excluded = new TruncationSelectionPolicy({ truncationPercentage: 20, excludeFinishedJobs: true });
    const b = judge(excluded, 'MAXIMIZE', [0.5, 0.5, 0.5], others);
    expect(b.kind).toBe('continue');
    expect(evidenceOf(b).comparedRuns).toBe(4);
  });

  it('never takes a non-finite value as a best', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    // o0's Infinity does not count; its best is 0.05, below this run.
    const others = [run('o0', [Infinity, 0.05, 0.05]), ...othersWithBests([0.9, 0.8, 0.7])];
    const decision = judge(policy, 'MAXIMIZE', [0.1, Infinity, 0.1], others);
    expect(evidenceOf(decision).value).toBe(0.1);
    expect(evidenceOf(decision).rank).toBe(4);
    expect(decision.kind).toBe('continue');
  });

  it('another run with no finite value counts in n and ranks last', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const others = [run('nan', [Number.NaN, Number.NaN, Number.NaN]), ...othersWithBests([0.9, 0.8, 0.7])];
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.1, 0.1], others);
    expect(decision.kind).toBe('continue');
    // The truncated group holds only the diverged run, which has no value to show.
    expect(evidenceOf(decision)).toMatchObject({ comparedRuns: 5, cutCount: 1, rank: 4, cutoff: null });
  });

  it('a run with no finite value is cancelled when anything finite is compared, value null', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    const decision = judge(policy, 'MAXIMIZE', [Number.NaN, Number.NaN], [run('a', [0.5, 0.5])]);
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toMatchObject({ value: null, comparedRuns: 2, cutCount: 0, rank: 2 });
    expect(decision.explanation).toContain('diverged');
  });

  it('skips when nothing compared has a finite value', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 20 });
    expect(judge(policy, 'MAXIMIZE', [Number.NaN], [])).toMatchObject({ kind: 'skip', why: 'nothing-to-compare' });
    expect(judge(policy, 'MAXIMIZE', [Number.NaN], [run('x', [Number.NaN])])).toMatchObject({
      kind: 'skip',
      why: 'nothing-to-compare',
    });
  });
});

describe('TruncationSelectionPolicy schedule', () => {
  const others = [
    run(
      'a',
      Array.from({ length: 10 }, () => 1),
    ),
  ];
  const zeros = (n: number): number[] => Array.from({ length: n }, () => 0);

  it('interval 1, delay 5', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 50, delayEvaluation: 5 });
    const kinds = [3, 4, 5, 6].map((n) => judge(policy, 'MAXIMIZE', zeros(n), others).kind);
    expect(kinds).toEqual(['skip', 'skip', 'cancel', 'cancel']);
  });

  it('interval 2, delay 0', () => {
    const policy = new TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 2 });
    const kinds = [1, 2, 3, 4].map((n) => judge(policy, 'MAXIMIZE', zeros(n), others).kind);
    expect(kinds).toEqual(['skip', 'cancel', 'skip', 'cancel']);
    expect(judge(policy, 'MAXIMIZE', zeros(3), others)).toEqual({
      kind: 'skip',
      policy: 'truncation-selection',
      interval: 3,
      why: 'not-scheduled',
      explanation: 'not evaluated at interval 3: the policy applies every 2 intervals (Truncation selection)',
    });
  });
});
