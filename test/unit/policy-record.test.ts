import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  BanditPolicy,
  MedianStoppingPolicy,
  NoTerminationPolicy,
  policyFromRecord,
  TruncationSelectionPolicy,
} from '../../src/policy/index.js';
import type { EarlyTerminationPolicy, PolicyInput } from '../../src/policy/index.js';

const policies: EarlyTerminationPolicy[] = [
  new BanditPolicy({ slackFactor: 0.2 }),
  new BanditPolicy({ slackAmount: 0.05, evaluationInterval: 2, delayEvaluation: 4 }),
  new MedianStoppingPolicy(),
  new MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 5 }),
  new TruncationSelectionPolicy({ truncationPercentage: 20 }),
  new TruncationSelectionPolicy({ truncationPercentage: 35, excludeFinishedJobs: true, evaluationInterval: 3 }),
  new NoTerminationPolicy(),
];

describe('toRecord', () => {
  it('lists every option with defaults filled in', () => {
    expect(new BanditPolicy({ slackFactor: 0.2 }).toRecord()).toEqual({
      kind: 'bandit',
      options: { slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new BanditPolicy({ slackAmount: 0.1, delayEvaluation: 3 }).toRecord()).toEqual({
      kind: 'bandit',
      options: { slackAmount: 0.1, evaluationInterval: 1, delayEvaluation: 3 },
    });
    expect(new MedianStoppingPolicy().toRecord()).toEqual({
      kind: 'median-stopping',
      options: { evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new TruncationSelectionPolicy({ truncationPercentage: 20 }).toRecord()).toEqual({
      kind: 'truncation-selection',
      options: { truncationPercentage: 20, excludeFinishedJobs: false, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new NoTerminationPolicy().toRecord()).toEqual({ kind: 'no-termination', options: {} });
  });
});

describe('policyFromRecord', () => {
  it('round-trips every policy through JSON, decisions included', () => {
    const input: PolicyInput = {
      goal: 'MAXIMIZE',
      run: { runId: 'me', values: [0.1, 0.2, 0.3, 0.3, 0.35, 0.4], finished: false },
      interval: 6,
      others: [
        { runId: 'a', values: [0.5, 0.6, 0.7, 0.8, 0.8, 0.9], finished: false },
        { runId: 'b', values: [0.4, 0.5, 0.5, 0.6, 0.6, 0.6], finished: true },
        { runId: 'c', values: [0.2, 0.3, 0.4, 0.5, 0.5, 0.55], finished: false },
      ],
    };
    for (const policy of policies) {
      const rebuilt = policyFromRecord(JSON.parse(JSON.stringify(policy.toRecord())));
      expect(rebuilt).toBeInstanceOf(policy.constructor);
      expect(rebuilt.toRecord()).toEqual(policy.toRecord());
      expect(rebuilt.decide(input)).toEqual(policy.decide(input));
    }
  });

  it('accepts a spec without options', () => {
    expect(policyFromRecord({ kind: 'median-stopping' }).toRecord()).toEqual(new MedianStoppingPolicy().toRecord());
    expect(policyFromRecord({ kind: 'no-termination' })).toBeInstanceOf(NoTerminationPolicy);
  });

  it('rejects malformed specs with ConfigError', () => {
    expect(() => policyFromRecord(null)).toThrow(
      new ConfigError('policy', 'must be an object with kind and options', null),
    );
    expect(() => policyFromRecord('bandit')).toThrow(ConfigError);
    expect(() => policyFromRecord([])).toThrow(ConfigError);
    expect(() => policyFromRecord({ kind: 'pbt', options: {} })).toThrow(
      'policy.kind: must be one of bandit, median-stopping, truncation-selection, asha, hyperband, no-termination (got "pbt")',
    );
    expect(() => policyFromRecord({ options: {} })).toThrow('policy.kind: must be one of');
    expect(() => policyFromRecord({ kind: 'bandit', options: [1] })).toThrow(
      'policy.options: must be an object (got [1])',
    );
    expect(() => policyFromRecord({ kind: 'median-stopping', options: {}, extra: 1 })).toThrow(
      'policy.extra: is not a known field; known: kind, options (got 1)',
    );
  });

  it("passes bad options to the policy's own validation", () => {
    expect(() => policyFromRecord({ kind: 'bandit', options: { slackFactor: -1 } })).toThrow(
      'BanditPolicy.slackFactor: must be a finite number > 0 (got -1)',
    );
    expect(() => policyFromRecord({ kind: 'truncation-selection', options: {} })).toThrow(
      'TruncationSelectionPolicy.truncationPercentage: is required',
    );
    expect(() => policyFromRecord({ kind: 'no-termination', options: { slackFactor: 1 } })).toThrow(ConfigError);
  });
});
