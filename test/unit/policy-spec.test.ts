import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  BanditPolicy,
  MedianStoppingPolicy,
  NoTerminationPolicy,
  policyFromSpec,
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

describe('toSpec', () => {
  it('lists every option with defaults filled in', () => {
    expect(new BanditPolicy({ slackFactor: 0.2 }).toSpec()).toEqual({
      kind: 'bandit',
      options: { slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new BanditPolicy({ slackAmount: 0.1, delayEvaluation: 3 }).toSpec()).toEqual({
      kind: 'bandit',
      options: { slackAmount: 0.1, evaluationInterval: 1, delayEvaluation: 3 },
    });
    expect(new MedianStoppingPolicy().toSpec()).toEqual({
      kind: 'median-stopping',
      options: { evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new TruncationSelectionPolicy({ truncationPercentage: 20 }).toSpec()).toEqual({
      kind: 'truncation-selection',
      options: { truncationPercentage: 20, excludeFinishedJobs: false, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(new NoTerminationPolicy().toSpec()).toEqual({ kind: 'no-termination', options: {} });
  });
});

describe('policyFromSpec', () => {
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
      const rebuilt = policyFromSpec(JSON.parse(JSON.stringify(policy.toSpec())));
      expect(rebuilt).toBeInstanceOf(policy.constructor);
      expect(rebuilt.toSpec()).toEqual(policy.toSpec());
      expect(rebuilt.decide(input)).toEqual(policy.decide(input));
    }
  });

  it('accepts a spec without options', () => {
    expect(policyFromSpec({ kind: 'median-stopping' }).toSpec()).toEqual(new MedianStoppingPolicy().toSpec());
    expect(policyFromSpec({ kind: 'no-termination' })).toBeInstanceOf(NoTerminationPolicy);
  });

  it('rejects malformed specs with ConfigError', () => {
    expect(() => policyFromSpec(null)).toThrow(
      new ConfigError('policy', 'must be an object with kind and options', null),
    );
    expect(() => policyFromSpec('bandit')).toThrow(ConfigError);
    expect(() => policyFromSpec([])).toThrow(ConfigError);
    expect(() => policyFromSpec({ kind: 'pbt', options: {} })).toThrow(
      'policy.kind: must be one of bandit, median-stopping, truncation-selection, asha, hyperband, no-termination (got "pbt")',
    );
    expect(() => policyFromSpec({ options: {} })).toThrow('policy.kind: must be one of');
    expect(() => policyFromSpec({ kind: 'bandit', options: [1] })).toThrow(
      'policy.options: must be an object (got [1])',
    );
    expect(() => policyFromSpec({ kind: 'median-stopping', options: {}, extra: 1 })).toThrow(
      'policy.extra: is not a known field; known: kind, options (got 1)',
    );
  });

  it("passes bad options to the policy's own validation", () => {
    expect(() => policyFromSpec({ kind: 'bandit', options: { slackFactor: -1 } })).toThrow(
      'BanditPolicy.slackFactor: must be a finite number > 0 (got -1)',
    );
    expect(() => policyFromSpec({ kind: 'truncation-selection', options: {} })).toThrow(
      'TruncationSelectionPolicy.truncationPercentage: is required',
    );
    expect(() => policyFromSpec({ kind: 'no-termination', options: { slackFactor: 1 } })).toThrow(ConfigError);
  });
});
