import { describe, expect, it } from 'vitest';
import { BanditPolicy } from '../../src/policy/index.js';
import type { PolicyDecision, PolicyInput, RunHistory } from '../../src/policy/index.js';
import type { PrimaryMetricGoal } from '../../src/metric/goal.js';

function run(runId: string, values: readonly number[], finished = false): RunHistory {
  return { runId, values, finished };
}

function judge(
  policy: BanditPolicy,
  goal: PrimaryMetricGoal,
  values: readonly number[],
  others: readonly RunHistory[],
): PolicyDecision {
  const input: PolicyInput = { goal, run: run('me', values), interval: values.length, others };
  return policy.decide(input);
}

function evidenceOf(decision: PolicyDecision) {
  if (decision.kind === 'skip') throw new Error(`expected an evaluated decision, got skip: ${decision.explanation}`);
  if (decision.evidence.policy !== 'bandit') throw new Error('expected bandit evidence');
  return decision.evidence;
}

/** Pads a history so the judged interval is `n` while the best stays `best`. */
function ending(best: number, n: number, filler: number): number[] {
  return [...Array.from({ length: n - 1 }, () => filler), best];
}

describe('BanditPolicy, semantics §5 worked examples (MAXIMIZE)', () => {
  const leader = run('leader', [0.8]);

  it('best 0.8, slackFactor 0.2 → cut-off 0.6667', () => {
    const policy = new BanditPolicy({ slackFactor: 0.2 });
    const stopped = judge(policy, 'MAXIMIZE', ending(0.62, 5, 0.1), [leader]);
    expect(stopped.kind).toBe('cancel');
    const ev = evidenceOf(stopped);
    expect(ev.best).toBe(0.8);
    expect(ev.threshold).toBeCloseTo(0.66667, 4);
    expect(ev.value).toBe(0.62);
    expect(ev.slackFactor).toBe(0.2);
    expect(ev.slackAmount).toBeNull();
    expect(ev.comparedRuns).toBe(2);
    expect(stopped.explanation).toBe(
      'stopped at interval 5: best 0.62 < 0.8/(1+0.2) = 0.6667 (Bandit, slack factor 0.2)',
    );

    const kept = judge(policy, 'MAXIMIZE', ending(0.75, 5, 0.1), [leader]);
    expect(kept.kind).toBe('continue');
    expect(kept.explanation).toBe('continues at interval 5: best 0.75 ≥ threshold 0.6667 (Bandit)');
  });

  it('best 0.8, slackAmount 0.2 → cut-off 0.6', () => {
    const policy = new BanditPolicy({ slackAmount: 0.2 });
    const stopped = judge(policy, 'MAXIMIZE', [0.59], [leader]);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped).threshold).toBeCloseTo(0.6, 10);
    expect(evidenceOf(stopped).slackAmount).toBe(0.2);
    expect(evidenceOf(stopped).slackFactor).toBeNull();
    expect(stopped.explanation).toBe('stopped at interval 1: best 0.59 < 0.8 - 0.2 = 0.6 (Bandit, slack amount 0.2)');
    expect(judge(policy, 'MAXIMIZE', [0.61], [leader]).kind).toBe('continue');
  });

  it('slackFactor 0.1 keeps runs within ~91% of the best', () => {
    const policy = new BanditPolicy({ slackFactor: 0.1 });
    const decision = judge(policy, 'MAXIMIZE', [0.5, 0.74], [leader]);
    const ev = evidenceOf(decision);
    expect(ev.threshold / ev.best).toBeCloseTo(0.909, 3);
    expect(decision.kind).toBe('continue'); // 0.74 / 0.8 = 92.5%
    expect(judge(policy, 'MAXIMIZE', [0.5, 0.72], [leader]).kind).toBe('cancel'); // 90%
  });

  it('is strict: a run exactly at the threshold continues', () => {
    const factor = new BanditPolicy({ slackFactor: 0.2 });
    const atFactor = 0.8 / (1 + 0.2);
    expect(judge(factor, 'MAXIMIZE', [atFactor], [leader]).kind).toBe('continue');
    expect(judge(factor, 'MAXIMIZE', [atFactor - 1e-12], [leader]).kind).toBe('cancel');

    const amount = new BanditPolicy({ slackAmount: 0.5 });
    const best1 = run('best', [1]);
    expect(judge(amount, 'MAXIMIZE', [0.5], [best1]).kind).toBe('continue');
    expect(judge(amount, 'MAXIMIZE', [0.4999], [best1]).kind).toBe('cancel');
  });
});

describe('BanditPolicy, MINIMIZE mirrored', () => {
  const leader = run('leader', [0.5]);

  it('slackFactor: cancels above best*(1+sf)', () => {
    const policy = new BanditPolicy({ slackFactor: 0.2 });
    const stopped = judge(policy, 'MINIMIZE', [0.61], [leader]);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped).threshold).toBeCloseTo(0.6, 12);
    expect(stopped.explanation).toBe('stopped at interval 1: best 0.61 > 0.5*(1+0.2) = 0.6 (Bandit, slack factor 0.2)');
    const kept = judge(policy, 'MINIMIZE', [0.55], [leader]);
    expect(kept.kind).toBe('continue');
    expect(kept.explanation).toBe('continues at interval 1: best 0.55 ≤ threshold 0.6 (Bandit)');
    // Exactly at the threshold: strict, so it continues.
    expect(judge(policy, 'MINIMIZE', [0.5 * 1.2], [leader]).kind).toBe('continue');
  });

  it('slackAmount: cancels above best + sa', () => {
    const policy = new BanditPolicy({ slackAmount: 0.25 });
    const stopped = judge(policy, 'MINIMIZE', [0.8], [leader]);
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped).threshold).toBe(0.75);
    expect(stopped.explanation).toBe('stopped at interval 1: best 0.8 > 0.5 + 0.25 = 0.75 (Bandit, slack amount 0.25)');
    expect(judge(policy, 'MINIMIZE', [0.75], [leader]).kind).toBe('continue');
    expect(judge(policy, 'MINIMIZE', [0.7], [leader]).kind).toBe('continue');
  });

  it('uses the lowest value as best, and the run keeps its own lowest', () => {
    const policy = new BanditPolicy({ slackAmount: 0.1 });
    // Latest value 0.9 is bad but the run's best so far (0.55) is within the slack.
    const decision = judge(policy, 'MINIMIZE', [0.55, 0.9], [leader]);
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision).value).toBe(0.55);
    expect(evidenceOf(decision).best).toBe(0.5);
  });
});

describe('BanditPolicy with negative metrics (slack on |best_N|)', () => {
  it('MAXIMIZE factor: threshold = best − |best|·sf/(1+sf), below best', () => {
    const policy = new BanditPolicy({ slackFactor: 0.25 });
    const leader = run('leader', [-1]);
    const stopped = judge(policy, 'MAXIMIZE', [-1.25], [leader]);
    expect(stopped.kind).toBe('cancel');
    const ev = evidenceOf(stopped);
    expect(ev.threshold).toBeCloseTo(-1.2, 12);
    expect(ev.threshold).toBeLessThan(ev.best);
    expect(stopped.explanation).toBe(
      'stopped at interval 1: best -1.25 < -1 - |-1|*0.25/(1+0.25) = -1.2 (Bandit, slack factor 0.25)',
    );
    // A naive best/(1+sf) would give -0.8 and cancel this run, which is within the slack.
    expect(judge(policy, 'MAXIMIZE', [-1.1], [leader]).kind).toBe('continue');
  });

  it('MAXIMIZE amount: best − sa', () => {
    const policy = new BanditPolicy({ slackAmount: 0.5 });
    const leader = run('leader', [-1]);
    expect(evidenceOf(judge(policy, 'MAXIMIZE', [-1.4], [leader])).threshold).toBe(-1.5);
    expect(judge(policy, 'MAXIMIZE', [-1.4], [leader]).kind).toBe('continue');
    expect(judge(policy, 'MAXIMIZE', [-1.6], [leader]).kind).toBe('cancel');
  });

  it('MINIMIZE factor: threshold = best + |best|·sf, above best', () => {
    const policy = new BanditPolicy({ slackFactor: 0.5 });
    const leader = run('leader', [-2]);
    const kept = judge(policy, 'MINIMIZE', [-1.5], [leader]);
    // A naive best*(1+sf) = -3 would cancel this run.
    expect(kept.kind).toBe('continue');
    expect(evidenceOf(kept).threshold).toBe(-1);
    const stopped = judge(policy, 'MINIMIZE', [-0.9], [leader]);
    expect(stopped.kind).toBe('cancel');
    expect(stopped.explanation).toBe(
      'stopped at interval 1: best -0.9 > -2 + |-2|*0.5 = -1 (Bandit, slack factor 0.5)',
    );
  });

  it('MINIMIZE amount: best + sa', () => {
    const policy = new BanditPolicy({ slackAmount: 0.5 });
    const leader = run('leader', [-2]);
    expect(judge(policy, 'MINIMIZE', [-1.4], [leader]).kind).toBe('cancel');
    expect(judge(policy, 'MINIMIZE', [-1.5], [leader]).kind).toBe('continue');
  });
});

describe('BanditPolicy, which values make best_N', () => {
  const policy = new BanditPolicy({ slackFactor: 0.2 });

  it('includes the run itself: a lone run is compared with its own best', () => {
    const decision = judge(policy, 'MAXIMIZE', [0.5, 0.9, 0.3], []);
    expect(decision.kind).toBe('continue');
    expect(evidenceOf(decision).best).toBe(0.9);
    expect(evidenceOf(decision).comparedRuns).toBe(1);
  });

  it('counts other runs that have fewer than N reports with what they have', () => {
    const short = run('short', [0.95]);
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.2, 0.7], [short]);
    expect(evidenceOf(decision).best).toBe(0.95);
    expect(decision.kind).toBe('cancel'); // 0.7 < 0.95/1.2 = 0.7917
  });

  it("ignores other runs' values after interval N", () => {
    const later = run('later', [0.1, 0.1, 0.1, 0.99]);
    const decision = judge(policy, 'MAXIMIZE', [0.1, 0.2, 0.7], [later]);
    expect(evidenceOf(decision).best).toBe(0.7);
    expect(decision.kind).toBe('continue');
  });

  it('includes finished runs', () => {
    const done = run('done', [0.2, 1.0], true);
    expect(evidenceOf(judge(policy, 'MAXIMIZE', [0.5, 0.6], [done])).best).toBe(1);
  });

  it('never takes a non-finite value as best', () => {
    const wild = run('wild', [Infinity, Number.NaN, 0.7]);
    const maxEv = evidenceOf(judge(policy, 'MAXIMIZE', [0.5, 0.5, 0.6], [wild]));
    expect(maxEv.best).toBe(0.7);
    const wildMin = run('wild', [-Infinity, Number.NaN, 0.3]);
    const minEv = evidenceOf(judge(policy, 'MINIMIZE', [0.5, 0.5, 0.35], [wildMin]));
    expect(minEv.best).toBe(0.3);
    // The judged run's own Infinity is not its best either.
    const own = evidenceOf(judge(policy, 'MAXIMIZE', [Infinity, 0.65], [run('x', [0.7])]));
    expect(own.value).toBe(0.65);
  });

  it('counts a run with no finite value as the worst: cancelled, value null', () => {
    const decision = judge(policy, 'MAXIMIZE', [Number.NaN, Number.NaN], [run('ok', [0.5])]);
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision).value).toBeNull();
    expect(evidenceOf(decision).comparedRuns).toBe(1);
    expect(decision.explanation).toContain('diverged');
  });

  it('skips when no run has a finite value up to N', () => {
    const decision = judge(policy, 'MAXIMIZE', [Number.NaN], [run('bad', [Number.NaN, 0.9])]);
    expect(decision).toMatchObject({ kind: 'skip', why: 'nothing-to-compare', interval: 1 });
  });

  it('ignores an entry of `others` that is the judged run itself', () => {
    const me = run('me', [0.5]);
    const decision = judge(policy, 'MAXIMIZE', [0.5], [me, run('b', [0.55])]);
    expect(evidenceOf(decision).comparedRuns).toBe(2);
  });
});

describe('BanditPolicy schedule', () => {
  const leader = run(
    'leader',
    Array.from({ length: 10 }, () => 1),
  );

  it('evaluationInterval 2, delay 0: evaluates even intervals only', () => {
    const policy = new BanditPolicy({ slackAmount: 0.1, evaluationInterval: 2 });
    const kinds = [1, 2, 3, 4, 5, 6].map((n) => judge(policy, 'MAXIMIZE', ending(0, n, 0), [leader]).kind);
    expect(kinds).toEqual(['skip', 'cancel', 'skip', 'cancel', 'skip', 'cancel']);
  });

  it('interval 1, delay 5: evaluates every report from the 5th on', () => {
    const policy = new BanditPolicy({ slackAmount: 0.1, evaluationInterval: 1, delayEvaluation: 5 });
    const kinds = [1, 2, 3, 4, 5, 6, 7].map((n) => judge(policy, 'MAXIMIZE', ending(0, n, 0), [leader]).kind);
    expect(kinds).toEqual(['skip', 'skip', 'skip', 'skip', 'cancel', 'cancel', 'cancel']);
    const skipped = judge(policy, 'MAXIMIZE', [0, 0], [leader]);
    expect(skipped).toEqual({
      kind: 'skip',
      policy: 'bandit',
      interval: 2,
      why: 'not-scheduled',
      explanation: 'not evaluated at interval 2: the policy applies every interval from interval 5 (Bandit)',
    });
  });

  it('interval 3, delay 4: first evaluation at 6', () => {
    const policy = new BanditPolicy({ slackAmount: 0.1, evaluationInterval: 3, delayEvaluation: 4 });
    const evaluated = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter(
      (n) => judge(policy, 'MAXIMIZE', ending(0, n, 0), [leader]).kind !== 'skip',
    );
    expect(evaluated).toEqual([6, 9]);
  });
});
