import { describe, expect, it } from 'vitest';
import { median, MedianStoppingPolicy } from '../../src/policy/index.js';
import type { PolicyDecision, RunHistory } from '../../src/policy/index.js';
import type { PrimaryMetricGoal } from '../../src/metric/goal.js';

function run(runId: string, values: readonly number[], finished = false): RunHistory {
  return { runId, values, finished };
}

function judge(
  policy: MedianStoppingPolicy,
  goal: PrimaryMetricGoal,
  values: readonly number[],
  others: readonly RunHistory[],
): PolicyDecision {
  return policy.decide({ goal, run: run('me', values), interval: values.length, others });
}

function evidenceOf(decision: PolicyDecision) {
  if (decision.kind === 'skip') throw new Error(`expected an evaluated decision, got skip: ${decision.explanation}`);
  if (decision.evidence.policy !== 'median-stopping') throw new Error('expected median evidence');
  return decision.evidence;
}

const constant = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

describe('median()', () => {
  it('takes the middle value of an odd count and the mean of the two middle of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('MedianStoppingPolicy', () => {
  const policy = new MedianStoppingPolicy();

  it('odd count: compares the best so far with the median of running averages', () => {
    // Running averages over 1..2: 0.25, 0.5, 0.75 → median 0.5.
    const others = [run('a', [0, 0.5]), run('b', [0.25, 0.75]), run('c', [0.5, 1])];
    const stopped = judge(policy, 'MAXIMIZE', [0.25, 0.375], others);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped)).toEqual({ policy: 'median-stopping', value: 0.375, median: 0.5, comparedRuns: 3 });
    expect(stopped.explanation).toBe(
      "stopped at interval 2: best 0.375 is worse than the median 0.5 of 3 other runs' running averages (Median stopping)",
    );
    const kept = judge(policy, 'MAXIMIZE', [0.625, 0.1], others);
    expect(kept.kind).toBe('continue');
    expect(kept.explanation).toBe(
      "continues at interval 2: best 0.625 is not worse than the median 0.5 of 3 other runs' running averages (Median stopping)",
    );
  });

  it('is strict: a best equal to the median continues', () => {
    const others = [run('a', [0, 0.5]), run('b', [0.25, 0.75]), run('c', [0.5, 1])];
    expect(judge(policy, 'MAXIMIZE', [0.5, 0.1], others).kind).toBe('continue');
    expect(judge(policy, 'MINIMIZE', [0.5, 0.9], others).kind).toBe('continue');
  });

  it('even count: median is the mean of the two middle averages', () => {
    const others = [run('a', [0.25]), run('b', [0.5]), run('c', [0.75]), run('d', [1])];
    const at = judge(policy, 'MAXIMIZE', [0.625], others);
    expect(evidenceOf(at).median).toBe(0.625);
    expect(at.kind).toBe('continue');
    expect(judge(policy, 'MAXIMIZE', [0.6], others).kind).toBe('cancel');
  });

  it('matches the explanation wording of the brief (4 other runs at interval 7)', () => {
    const others = [
      run('a', constant(0.5, 7)),
      run('b', constant(0.5, 7)),
      run('c', constant(0.6, 7)),
      run('d', constant(0.6, 7)),
    ];
    const stopped = judge(policy, 'MAXIMIZE', [...constant(0.3, 6), 0.41], others);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped).median).toBeCloseTo(0.55, 12);
    expect(stopped.explanation).toBe(
      "stopped at interval 7: best 0.41 is worse than the median 0.55 of 4 other runs' running averages (Median stopping)",
    );
  });

  it('includes finished runs that reached N', () => {
    const others = [run('a', [0.9, 0.9], true), run('b', [0.1, 0.1])];
    // With the finished run: median of 0.9 and 0.1 = 0.5; without, it would be 0.1.
    const decision = judge(policy, 'MAXIMIZE', [0.3, 0.3], others);
    expect(evidenceOf(decision).median).toBe(0.5);
    expect(evidenceOf(decision).comparedRuns).toBe(2);
    expect(decision.kind).toBe('cancel');
  });

  it('leaves out runs that have not reached N', () => {
    const others = [run('short', [1]), run('a', [0.1, 0.2])];
    const decision = judge(policy, 'MAXIMIZE', [0.3, 0.3], others);
    expect(evidenceOf(decision).comparedRuns).toBe(1);
    expect(evidenceOf(decision).median).toBeCloseTo(0.15, 12);
    expect(decision.kind).toBe('continue');
  });

  it('averages only intervals 1..N, and only the finite values', () => {
    // 1..2 of [0.5, NaN, 100] → finite mean 0.5 (not 50, not NaN).
    const others = [run('a', [0.5, Number.NaN, 100])];
    const decision = judge(policy, 'MAXIMIZE', [0.4, 0.45], others);
    expect(evidenceOf(decision).median).toBe(0.5);
    expect(decision.kind).toBe('cancel');
    // Infinity is not averaged either.
    const inf = judge(policy, 'MAXIMIZE', [0.4, 0.45], [run('b', [Infinity, 0.25])]);
    expect(evidenceOf(inf).median).toBe(0.25);
  });

  it('leaves out another run with no finite value in 1..N', () => {
    const others = [run('nan', [Number.NaN, Number.NaN]), run('a', [0.25, 0.25])];
    const decision = judge(policy, 'MAXIMIZE', [0.3, 0.3], others);
    expect(evidenceOf(decision).comparedRuns).toBe(1);
    expect(evidenceOf(decision).median).toBe(0.25);
  });

  it('skips with nothing-to-compare when no other run qualifies', () => {
    expect(judge(policy, 'MAXIMIZE', [0.3], [])).toMatchObject({ kind: 'skip', why: 'nothing-to-compare' });
    expect(judge(policy, 'MAXIMIZE', [0.3, 0.3], [run('short', [1])])).toMatchObject({
      kind: 'skip',
      why: 'nothing-to-compare',
    });
    expect(judge(policy, 'MAXIMIZE', [0.3], [run('nan', [Number.NaN])])).toMatchObject({
      kind: 'skip',
      why: 'nothing-to-compare',
    });
  });

  it('compares the best so far, not the latest value', () => {
    const others = [run('a', [0.5, 0.5])];
    expect(judge(policy, 'MAXIMIZE', [0.9, 0.1], others).kind).toBe('continue');
    expect(judge(policy, 'MINIMIZE', [0.1, 0.9], others).kind).toBe('continue');
  });

  it('MINIMIZE: worse means above the median', () => {
    const others = [run('a', [0.25]), run('b', [0.5]), run('c', [0.75])];
    expect(judge(policy, 'MINIMIZE', [0.6], others).kind).toBe('cancel');
    expect(judge(policy, 'MINIMIZE', [0.4], others).kind).toBe('continue');
  });

  it('negative metrics', () => {
    const others = [run('a', [-3, -1]), run('b', [-5, -3]), run('c', [-1, -1])];
    // Averages -2, -4, -1 → median -2.
    const max = judge(policy, 'MAXIMIZE', [-2.5, -2.25], others);
    expect(evidenceOf(max).median).toBe(-2);
    expect(max.kind).toBe('cancel');
    expect(judge(policy, 'MAXIMIZE', [-1.5, -3], others).kind).toBe('continue');
    expect(judge(policy, 'MINIMIZE', [-1.5, -1.75], others).kind).toBe('cancel');
    expect(judge(policy, 'MINIMIZE', [-2.5, -1], others).kind).toBe('continue');
  });

  it('never takes a non-finite value as the run best', () => {
    const others = [run('a', [0.5, 0.5])];
    const decision = judge(policy, 'MAXIMIZE', [Infinity, 0.4], others);
    expect(evidenceOf(decision).value).toBe(0.4);
    expect(decision.kind).toBe('cancel');
  });

  it('cancels a run with no finite value when there is a median, value null', () => {
    const decision = judge(policy, 'MINIMIZE', [Number.NaN, Number.NaN], [run('a', [1, 1])]);
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision).value).toBeNull();
    expect(decision.explanation).toContain('diverged');
  });

  it('interval 1, delay 5 (the recommended setting) starts at the 5th report', () => {
    const delayed = new MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 5 });
    const others = [run('a', constant(1, 10))];
    const kinds = [1, 2, 3, 4, 5, 6].map((n) => judge(delayed, 'MAXIMIZE', constant(0, n), others).kind);
    expect(kinds).toEqual(['skip', 'skip', 'skip', 'skip', 'cancel', 'cancel']);
    expect(judge(delayed, 'MAXIMIZE', [0], others)).toMatchObject({ why: 'not-scheduled', policy: 'median-stopping' });
  });

  it('interval 2, delay 0 evaluates even intervals', () => {
    const every2 = new MedianStoppingPolicy({ evaluationInterval: 2 });
    const others = [run('a', constant(1, 10))];
    const kinds = [1, 2, 3, 4].map((n) => judge(every2, 'MAXIMIZE', constant(0, n), others).kind);
    expect(kinds).toEqual(['skip', 'cancel', 'skip', 'cancel']);
  });
});
