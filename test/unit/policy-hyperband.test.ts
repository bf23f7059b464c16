import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { HyperbandPolicy, maxBrackets, policyFromRecord } from '../../src/policy/index.js';
import type { HyperbandEvidence, HyperbandPolicyOptions, PolicyDecision, RunHistory } from '../../src/policy/index.js';

const indexed = (index: number, values: readonly number[], finished = false): RunHistory => ({
  runId: `HD_${index}`,
  index,
  values,
  finished,
});
const flat = (index: number, value: number, length: number): RunHistory =>
  indexed(index, new Array<number>(length).fill(value));

function evidenceOf(decision: PolicyDecision): HyperbandEvidence {
  if (decision.kind === 'skip') throw new Error(`expected an evaluated decision, got skip: ${decision.explanation}`);
  if (decision.evidence.policy !== 'hyperband') throw new Error('expected Hyperband evidence');
  return decision.evidence;
}

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const hyperband = (o: unknown) => () => new HyperbandPolicy(o as HyperbandPolicyOptions);

describe('HyperbandPolicy brackets', () => {
  it('has floor(log_eta(R / r_min)) + 1 brackets, bracket s starting at r_min·eta^s', () => {
    expect(maxBrackets(3, 1, 27)).toBe(4);
    expect(maxBrackets(3, 1, 26)).toBe(3);
    expect(maxBrackets(10, 1, 1000)).toBe(4); // Math.log(1000)/Math.log(10) < 3 would say 3
    expect(maxBrackets(2, 5, 9)).toBe(1);
    const policy = new HyperbandPolicy({ maxInterval: 27 });
    expect(policy.brackets).toBe(4);
    expect([0, 1, 2, 3].map((b) => policy.rungs(b))).toEqual([[1, 3, 9], [3, 9], [9], []]);
    expect(new HyperbandPolicy({ maxInterval: 100, minInterval: 2, reductionFactor: 2 }).rungs(1)).toEqual([
      4, 8, 16, 32, 64,
    ]);
  });

  it('weighs brackets as the Hyperband paper does: ceil(B·eta^(B-1-s) / (B-s)) shares', () => {
    const shares = new HyperbandPolicy({ maxInterval: 27 }).bracketShares();
    for (const [s, w] of [27, 12, 6, 4].entries()) expect(shares[s]).toBeCloseTo(w / 49, 12);
    const two = new HyperbandPolicy({ maxInterval: 27, brackets: 2 }).bracketShares();
    // B = 2: ceil(2·3/2) = 3 and ceil(2·1/1) = 2.
    expect(two[0]).toBeCloseTo(3 / 5, 12);
    expect(two[1]).toBeCloseTo(2 / 5, 12);
  });

  it('assigns runs by creation index, interleaved: frac(i·0.618…) against the shares', () => {
    const policy = new HyperbandPolicy({ maxInterval: 27 });
    // Cumulative shares 27/49 = .551, 39/49 = .796, 45/49 = .918: frac(i·φ⁻¹) = 0, .618, .236, .854, ...
    expect(Array.from({ length: 10 }, (_, i) => policy.bracketOf({ runId: 'x', index: i }))).toEqual([
      0, 1, 0, 2, 0, 0, 1, 0, 3, 1,
    ]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4900; i += 1) {
      const bracket = policy.bracketOf({ runId: 'x', index: i });
      counts[bracket] = (counts[bracket] ?? 0) + 1;
    }
    for (const [s, expected] of [2700, 1200, 600, 400].entries())
      expect(Math.abs((counts[s] ?? 0) - expected)).toBeLessThan(15);
  });

  it('falls back to a hash of the run id without an index: deterministic, and spread by the shares', () => {
    const policy = new HyperbandPolicy({ maxInterval: 27 });
    expect(policy.bracketOf({ runId: 'HD_abc_3' })).toBe(policy.bracketOf({ runId: 'HD_abc_3' }));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4900; i += 1) {
      const bracket = policy.bracketOf({ runId: `parent-sweep_${i}` });
      counts[bracket] = (counts[bracket] ?? 0) + 1;
    }
    for (const [s, expected] of [2700, 1200, 600, 400].entries())
      expect(Math.abs((counts[s] ?? 0) - expected)).toBeLessThan(200);
  });
});

describe('HyperbandPolicy decisions', () => {
  const policy = new HyperbandPolicy({ maxInterval: 27 });

  it('compares a run only with the runs of its bracket, at the bracket rungs', () => {
    // Indices 1, 6 and 9 are bracket 1 (first rung 3); 0, 2, 4 are bracket 0 and far better.
    const others = [flat(6, 0.9, 3), flat(9, 0.5, 4), flat(0, 0.99, 3), flat(2, 0.98, 3), flat(4, 0.97, 3)];
    const me = indexed(1, [0.1, 0.15, 0.2]);
    const decision = policy.decide({ goal: 'MAXIMIZE', run: me, interval: 3, others });
    expect(decision.kind).toBe('cancel');
    expect(evidenceOf(decision)).toEqual({
      policy: 'hyperband',
      value: 0.2,
      bracket: 1,
      brackets: 4,
      rung: 0,
      resource: 3,
      reductionFactor: 3,
      comparedRuns: 3,
      keepCount: 1,
      rank: 3,
      cutoff: 0.9,
    });
    expect(decision.explanation).toBe(
      'stopped at interval 3 (rung 0 of bracket 1, resource 3): best 0.2 is not in the top 1/3 of 3 runs at this rung (rank 3; the top 1 continues, cut-off 0.9) (Hyperband, bracket 1 of 4)',
    );
    // The best of bracket 1 continues although bracket 0 holds better runs.
    const best = policy.decide({
      goal: 'MAXIMIZE',
      run: flat(6, 0.9, 3),
      interval: 3,
      others: [me, ...others.slice(1)],
    });
    expect(best.kind).toBe('continue');
    expect(evidenceOf(best)).toMatchObject({ bracket: 1, rank: 1, comparedRuns: 3 });
  });

  it('skips intervals that are no rung of the bracket, and brackets without rungs', () => {
    const atOne = policy.decide({ goal: 'MAXIMIZE', run: indexed(1, [0.5]), interval: 1, others: [] });
    expect(atOne).toEqual({
      kind: 'skip',
      policy: 'hyperband',
      interval: 1,
      why: 'not-scheduled',
      explanation:
        'not evaluated at interval 1: bracket 1 decides only at its rungs, intervals 3, 9 (Hyperband, bracket 1 of 4)',
    });
    // Bracket 0 decides at interval 1.
    expect(policy.decide({ goal: 'MAXIMIZE', run: indexed(0, [0.5]), interval: 1, others: [] }).kind).toBe('continue');
    // Index 8 is bracket 3, whose first rung would be 27 = maxInterval: it trains to the end.
    const last = policy.decide({
      goal: 'MINIMIZE',
      run: indexed(8, new Array<number>(9).fill(1)),
      interval: 9,
      others: [],
    });
    expect(last.kind).toBe('skip');
    expect(last.explanation).toBe(
      'not evaluated at interval 9: bracket 3 has no rung below maxInterval 27, so its runs train to the end (Hyperband, bracket 3 of 4)',
    );
  });

  it('mirrors for MINIMIZE and handles too few runs and diverged runs like ASHA', () => {
    const others = [flat(6, 0.1, 3), flat(9, 0.5, 3)];
    const stopped = policy.decide({ goal: 'MINIMIZE', run: indexed(1, [0.9, 0.8, 0.7]), interval: 3, others });
    expect(stopped.kind).toBe('cancel');
    expect(evidenceOf(stopped)).toMatchObject({ value: 0.7, rank: 3, keepCount: 1, cutoff: 0.1 });
    const few = policy.decide({
      goal: 'MINIMIZE',
      run: indexed(1, [0.9, 0.8, 0.7]),
      interval: 3,
      others: [flat(6, 0.1, 3)],
    });
    expect(few.kind).toBe('continue');
    expect(few.explanation).toBe(
      'continues at interval 3 (rung 0 of bracket 1, resource 3): best 0.7; only 2 runs at this rung, too few to keep the top 1/3 (at least 3 needed) (Hyperband, bracket 1 of 4)',
    );
    const diverged = policy.decide({
      goal: 'MINIMIZE',
      run: indexed(1, [Number.NaN, Number.NaN, Number.NaN]),
      interval: 3,
      others: [flat(6, 0.1, 3)],
    });
    expect(diverged.kind).toBe('cancel');
    expect(evidenceOf(diverged)).toMatchObject({ value: null, rank: 2 });
  });
});

describe('HyperbandPolicy options', () => {
  it('requires maxInterval, and bounds brackets by what the resources allow', () => {
    expect(configError(hyperband({})).message).toBe(
      'HyperbandPolicy.maxInterval: is required and must be an integer between 2 and 1000000: the interval at which a run is complete (R), which sets the number of brackets (got undefined)',
    );
    expect(configError(hyperband({ maxInterval: 27, brackets: 5 })).message).toBe(
      'HyperbandPolicy.brackets: must be at most floor(log_3(maxInterval / minInterval)) + 1 = 4 for minInterval 1 and maxInterval 27 (got 5)',
    );
    expect(configError(hyperband({ maxInterval: 27, brackets: 0 })).message).toBe(
      'HyperbandPolicy.brackets: must be an integer >= 1 (got 0)',
    );
    expect(configError(hyperband({ maxInterval: 3, minInterval: 3 })).message).toBe(
      'HyperbandPolicy.maxInterval: must be greater than minInterval (3) (got 3)',
    );
    expect(configError(hyperband({ maxInterval: 27, slackFactor: 0.1 })).message).toBe(
      'HyperbandPolicy.slackFactor: is not a known option; known: reductionFactor, minInterval, maxInterval, brackets (got 0.1)',
    );
    expect(configError(hyperband({ maxInterval: 27, reductionFactor: 1 })).field).toBe(
      'HyperbandPolicy.reductionFactor',
    );
  });

  it('round-trips through toRecord and policyFromRecord', () => {
    const policy = new HyperbandPolicy({ maxInterval: 81, minInterval: 1, reductionFactor: 3, brackets: 3 });
    expect(policy.toRecord()).toEqual({
      kind: 'hyperband',
      options: { reductionFactor: 3, minInterval: 1, maxInterval: 81, brackets: 3 },
    });
    const rebuilt = policyFromRecord(JSON.parse(JSON.stringify(policy.toRecord())));
    expect(rebuilt).toBeInstanceOf(HyperbandPolicy);
    const input = {
      goal: 'MAXIMIZE' as const,
      run: indexed(1, [0.1, 0.2, 0.3]),
      interval: 3,
      others: [flat(6, 0.9, 3), flat(9, 0.5, 3)],
    };
    expect(rebuilt.decide(input)).toEqual(policy.decide(input));
  });
});
