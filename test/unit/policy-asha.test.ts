import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { PrimaryMetricGoal } from '../../src/metric/goal.js';
import { AshaPolicy, policyFromRecord } from '../../src/policy/index.js';
import type { AshaEvidence, AshaPolicyOptions, PolicyDecision, RunHistory } from '../../src/policy/index.js';

function run(runId: string, values: readonly number[], finished = false): RunHistory {
  return { runId, values, finished };
}

function judge(
  policy: AshaPolicy,
  goal: PrimaryMetricGoal,
  values: readonly number[],
  others: readonly RunHistory[],
): PolicyDecision {
  return policy.decide({ goal, run: run('me', values), interval: values.length, others });
}

function evidenceOf(decision: PolicyDecision): AshaEvidence {
  if (decision.kind === 'skip') throw new Error(`expected an evaluated decision, got skip: ${decision.explanation}`);
  if (decision.evidence.policy !== 'asha') throw new Error('expected ASHA evidence');
  return decision.evidence;
}

/** A run that reported `best` at each of `length` intervals. */
const curve = (id: string, best: number, length: number, finished = false): RunHistory =>
  run(id, new Array<number>(length).fill(best), finished);

const asha = (o: unknown) => () => new AshaPolicy(o as AshaPolicyOptions);

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('AshaPolicy rungs', () => {
  it('sit at minInterval·reductionFactor^(earlyStoppingRate + k)', () => {
    expect(new AshaPolicy().rungs(5)).toEqual([1, 3, 9, 27, 81]);
    expect(new AshaPolicy({ reductionFactor: 2, minInterval: 3 }).rungs(4)).toEqual([3, 6, 12, 24]);
    expect(new AshaPolicy({ minInterval: 2, earlyStoppingRate: 1 }).rungs(3)).toEqual([6, 18, 54]);
    // maxInterval is where a run is complete: no rung there or beyond.
    expect(new AshaPolicy({ maxInterval: 27 }).rungs()).toEqual([1, 3, 9]);
    expect(new AshaPolicy({ maxInterval: 28 }).rungs()).toEqual([1, 3, 9, 27]);
    expect(new AshaPolicy({ minInterval: 2, earlyStoppingRate: 1 }).delayEvaluation).toBe(6);
  });

  it('decides only at rungs, saying which they are', () => {
    const policy = new AshaPolicy({ maxInterval: 27 });
    const skipped = [2, 4, 5, 8, 10, 26, 27, 28].map((n) =>
      judge(policy, 'MAXIMIZE', new Array<number>(n).fill(0.5), []),
    );
    for (const decision of skipped) {
      expect(decision.kind).toBe('skip');
      if (decision.kind === 'skip') expect(decision.why).toBe('not-scheduled');
    }
    expect(skipped[1]?.explanation).toBe(
      'not evaluated at interval 4: ASHA decides only at its rungs, intervals 1, 3, 9 (ASHA)',
    );
    expect(judge(new AshaPolicy(), 'MAXIMIZE', [1, 1], []).explanation).toBe(
      'not evaluated at interval 2: ASHA decides only at its rungs, intervals 1, 3, 9, 27, 81, ... (ASHA)',
    );
    // At rung intervals it is evaluated (here: compared with itself only, so it continues).
    for (const n of [1, 3, 9])
      expect(judge(policy, 'MAXIMIZE', new Array<number>(n).fill(0.5), []).kind).toBe('continue');
  });
});

describe('AshaPolicy: the top 1/eta at a rung', () => {
  // Six others reached interval 9; one reached only 5 and must not count however good it is.
  const others = [
    curve('a', 0.9, 9),
    curve('b', 0.74, 12, true),
    curve('c', 0.7, 9),
    curve('d', 0.65, 10, true),
    curve('e', 0.5, 9),
    curve('f', 0.3, 9),
    curve('late', 0.99, 5),
  ];

  it('stops a run outside the top 1/3 of the 7 runs that reached rung 2 (the worked example)', () => {
    const decision = judge(new AshaPolicy(), 'MAXIMIZE', [0.2, 0.4, 0.5, 0.55, 0.58, 0.6, 0.6, 0.61, 0.6], others);
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toEqual({
      policy: 'asha',
      value: 0.61,
      rung: 2,
      resource: 9,
      reductionFactor: 3,
      earlyStoppingRate: 0,
      comparedRuns: 7,
      keepCount: 2,
      rank: 5,
      cutoff: 0.74,
    });
    expect(decision.explanation).toBe(
      'stopped at interval 9 (rung 2, resource 9): best 0.61 is not in the top 1/3 of 7 runs at this rung (rank 5; the top 2 continue, cut-off 0.74) (ASHA)',
    );
  });

  it('keeps a run in the top 1/3, and one tied with the cut-off', () => {
    const top = judge(new AshaPolicy(), 'MAXIMIZE', [...new Array<number>(8).fill(0.1), 0.8], others);
    expect(top.kind).toBe('continue');
    expect(evidenceOf(top)).toMatchObject({ rank: 2, keepCount: 2, cutoff: 0.8 });
    expect(top.explanation).toBe(
      'continues at interval 9 (rung 2, resource 9): best 0.8 is in the top 1/3 of 7 runs at this rung (rank 2; the top 2 continue, cut-off 0.8) (ASHA)',
    );
    const tied = judge(new AshaPolicy(), 'MAXIMIZE', [...new Array<number>(8).fill(0.1), 0.74], others);
    expect(tied.kind).toBe('continue');
    expect(evidenceOf(tied)).toMatchObject({ rank: 2, cutoff: 0.74 });
  });

  it("uses the run's best up to the rung, not its latest value", () => {
    // 0.95 at interval 2, then a collapse: its value at rung 2 is still 0.95.
    const decision = judge(new AshaPolicy(), 'MAXIMIZE', [0.1, 0.95, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2], others);
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision)).toMatchObject({ value: 0.95, rank: 1 });
    // And a value reported after the rung does not count at it: at interval 3 only 1..3 do.
    const y = run('y', [0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.6]);
    const early = judge(new AshaPolicy(), 'MAXIMIZE', [0.1, 0.2, 0.3], [curve('x', 0.5, 3), y, curve('z', 0.7, 3)]);
    // y's best up to 3 is 0.3 (its 0.6 came at 9): 0.7, 0.5, then the judged run tied with y.
    expect(evidenceOf(early)).toMatchObject({
      rung: 1,
      resource: 3,
      value: 0.3,
      comparedRuns: 4,
      keepCount: 1,
      rank: 3,
    });
    expect(evidenceOf(early).cutoff).toBe(0.7);
    expect(early.kind).toBe('cancel');
  });

  it('mirrors for MINIMIZE', () => {
    const losses = [
      curve('a', 0.1, 9),
      curve('b', 0.26, 9, true),
      curve('c', 0.3, 9),
      curve('d', 0.35, 9),
      curve('e', 0.5, 9),
      curve('f', 0.7, 9),
    ].map((r) =>
      run(
        r.runId,
        r.values.map((v, i) => (i === r.values.length - 1 ? v : v * 2)),
        r.finished,
      ),
    );
    const stopped = judge(new AshaPolicy(), 'MINIMIZE', [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.42, 0.4, 0.39], losses);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped)).toMatchObject({ value: 0.39, comparedRuns: 7, keepCount: 2, rank: 5, cutoff: 0.26 });
    expect(stopped.explanation).toBe(
      'stopped at interval 9 (rung 2, resource 9): best 0.39 is not in the top 1/3 of 7 runs at this rung (rank 5; the top 2 continue, cut-off 0.26) (ASHA)',
    );
    const kept = judge(new AshaPolicy(), 'MINIMIZE', [0.9, 0.2, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25], losses);
    expect(kept.kind).toBe('continue');
    expect(evidenceOf(kept)).toMatchObject({ value: 0.2, rank: 2, cutoff: 0.2 });
  });

  it('continues, saying why, while fewer than eta runs reached the rung', () => {
    const decision = judge(new AshaPolicy(), 'MAXIMIZE', [0.05, 0.1, 0.1], [curve('a', 0.9, 3)]);
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision)).toEqual({
      policy: 'asha',
      value: 0.1,
      rung: 1,
      resource: 3,
      reductionFactor: 3,
      earlyStoppingRate: 0,
      comparedRuns: 2,
      keepCount: 0,
      rank: 2,
      cutoff: null,
    });
    expect(decision.explanation).toBe(
      'continues at interval 3 (rung 1, resource 3): best 0.1; only 2 runs at this rung, too few to keep the top 1/3 (at least 3 needed) (ASHA)',
    );
    // With eta runs the top 1/eta holds one run, and the worse ones stop.
    const third = judge(new AshaPolicy(), 'MAXIMIZE', [0.05, 0.1, 0.1], [curve('a', 0.9, 3), curve('b', 0.2, 3)]);
    expect(third.kind).toBe('cancel');
    expect(evidenceOf(third)).toMatchObject({ comparedRuns: 3, keepCount: 1, rank: 3, cutoff: 0.9 });
  });

  it('counts the rung in reductionFactor: eta 2 keeps the top half', () => {
    const policy = new AshaPolicy({ reductionFactor: 2, minInterval: 2 });
    const others = [curve('a', 0.9, 4), curve('b', 0.8, 4), curve('c', 0.3, 4)];
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.2, 0.4, 0.5], others);
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toMatchObject({
      rung: 1,
      resource: 4,
      reductionFactor: 2,
      comparedRuns: 4,
      keepCount: 2,
      rank: 3,
      cutoff: 0.8,
    });
    expect(decision.explanation).toContain('is not in the top 1/2 of 4 runs at this rung');
  });
});

describe('AshaPolicy and non-finite values', () => {
  it('stops a diverged run whenever a run at the rung has a finite value, even with too few runs', () => {
    const decision = judge(
      new AshaPolicy(),
      'MAXIMIZE',
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NaN],
      [curve('a', 0.2, 3)],
    );
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toMatchObject({ value: null, comparedRuns: 2, keepCount: 0, rank: 2, cutoff: null });
    expect(decision.explanation).toBe(
      'stopped at interval 3 (rung 1, resource 3): no finite value up to this interval (diverged), behind 1 run with a finite value at this rung (ASHA)',
    );
  });

  it('ranks diverged runs last, and skips when nothing at the rung is finite', () => {
    const nan = (id: string): RunHistory => run(id, [Number.NaN, Number.NaN, Number.NaN]);
    const decision = judge(new AshaPolicy(), 'MINIMIZE', [0.5, 0.4, 0.3], [nan('a'), nan('b'), curve('c', 0.2, 3)]);
    // 0.2, 0.3, NaN, NaN: keepCount floor(4/3) = 1, the judged run is second.
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toMatchObject({ comparedRuns: 4, keepCount: 1, rank: 2, cutoff: 0.2 });
    const nothing = judge(new AshaPolicy(), 'MAXIMIZE', [Number.NaN], [run('a', [Number.NaN])]);
    expect(nothing).toEqual({
      kind: 'skip',
      policy: 'asha',
      interval: 1,
      why: 'nothing-to-compare',
      explanation: 'not evaluated at interval 1 (rung 0, resource 1): no run at this rung has a finite value (ASHA)',
    });
  });

  it('does not count the judged run twice when others carries its own id', () => {
    const me = run('me', [0.1, 0.1, 0.1]);
    const decision = new AshaPolicy().decide({
      goal: 'MAXIMIZE',
      run: me,
      interval: 3,
      others: [me, curve('a', 0.5, 3)],
    });
    expect(evidenceOf(decision).comparedRuns).toBe(2);
  });
});

describe('AshaPolicy options', () => {
  it('refuses unknown options, naming the known ones (HyperDrive schedules do not apply)', () => {
    expect(configError(asha({ evaluationInterval: 1 })).message).toBe(
      'AshaPolicy.evaluationInterval: is not a known option; known: reductionFactor, minInterval, maxInterval, earlyStoppingRate (got 1)',
    );
    expect(configError(asha(null)).message).toBe('AshaPolicy: options must be an object (got null)');
  });

  it('validates each option with the field, the rule and the value', () => {
    for (const bad of [1, 1.5, 101, '3', Number.NaN]) {
      const error = configError(asha({ reductionFactor: bad }));
      expect(error.field).toBe('AshaPolicy.reductionFactor');
      expect(error.rule).toBe('must be an integer between 2 and 100');
      expect(error.value).toBe(bad);
    }
    expect(configError(asha({ minInterval: 0 })).message).toBe(
      'AshaPolicy.minInterval: must be an integer between 1 and 1000000 (got 0)',
    );
    expect(configError(asha({ earlyStoppingRate: -1 })).message).toBe(
      'AshaPolicy.earlyStoppingRate: must be an integer between 0 and 30 (got -1)',
    );
    expect(configError(asha({ minInterval: 5, maxInterval: 5 })).message).toBe(
      'AshaPolicy.maxInterval: must be greater than minInterval (5) (got 5)',
    );
    expect(configError(asha({ maxInterval: 27, earlyStoppingRate: 3 })).message).toBe(
      'AshaPolicy.maxInterval: must be greater than the first rung, minInterval·reductionFactor^earlyStoppingRate = 1·3^3 = 27, so that at least one rung lies below it (got 27)',
    );
    expect(configError(asha({ minInterval: 1000, reductionFactor: 100, earlyStoppingRate: 2 })).message).toBe(
      'AshaPolicy.earlyStoppingRate: must leave the first rung (minInterval·reductionFactor^earlyStoppingRate = 1000·100^2) at most 1000000 (got 2)',
    );
  });

  it('round-trips through toRecord and policyFromRecord, decisions included', () => {
    for (const policy of [
      new AshaPolicy(),
      new AshaPolicy({ reductionFactor: 4, minInterval: 2, maxInterval: 64, earlyStoppingRate: 1 }),
    ]) {
      const rebuilt = policyFromRecord(JSON.parse(JSON.stringify(policy.toRecord())));
      expect(rebuilt).toBeInstanceOf(AshaPolicy);
      expect(rebuilt.toRecord()).toEqual(policy.toRecord());
      const input = {
        goal: 'MAXIMIZE' as const,
        run: run('me', new Array<number>(8).fill(0.2)),
        interval: 8,
        others: [curve('a', 0.9, 8), curve('b', 0.8, 8), curve('c', 0.1, 8)],
      };
      expect(rebuilt.decide(input)).toEqual(policy.decide(input));
    }
    expect(new AshaPolicy().toRecord()).toEqual({
      kind: 'asha',
      options: { reductionFactor: 3, minInterval: 1, earlyStoppingRate: 0 },
    });
  });
});
