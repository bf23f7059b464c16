import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  BanditPolicy,
  isScheduled,
  MedianStoppingPolicy,
  NoTerminationPolicy,
  TruncationSelectionPolicy,
} from '../../src/policy/index.js';
import type {
  BanditPolicyOptions,
  MedianStoppingPolicyOptions,
  NoTerminationPolicyOptions,
  TruncationSelectionPolicyOptions,
} from '../../src/policy/index.js';

// Untyped callers (JSON, JavaScript) can pass anything; the casts let the tests do the same.
const bandit = (o: unknown) => () => new BanditPolicy(o as BanditPolicyOptions);
const medianStopping = (o: unknown) => () => new MedianStoppingPolicy(o as MedianStoppingPolicyOptions);
const truncation = (o: unknown) => () => new TruncationSelectionPolicy(o as TruncationSelectionPolicyOptions);
const noTermination = (o: unknown) => () => new NoTerminationPolicy(o as NoTerminationPolicyOptions);

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('isScheduled', () => {
  it('applies at N when N % evaluationInterval == 0 and N >= delayEvaluation', () => {
    const at = (every: number, delay: number) => [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => isScheduled(n, every, delay));
    expect(at(1, 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(at(1, 5)).toEqual([5, 6, 7, 8]);
    expect(at(2, 0)).toEqual([2, 4, 6, 8]);
    expect(at(2, 5)).toEqual([6, 8]);
    expect(at(3, 3)).toEqual([3, 6]);
  });
});

describe('option validation messages', () => {
  it('rejects an unknown key, naming it and the known ones (exact message)', () => {
    const error = configError(bandit({ slackFactr: 0.2 }));
    expect(error.field).toBe('BanditPolicy.slackFactr');
    expect(error.rule).toBe(
      'is not a known option; known: slackFactor, slackAmount, evaluationInterval, delayEvaluation',
    );
    expect(error.value).toBe(0.2);
    expect(error.message).toBe(
      'BanditPolicy.slackFactr: is not a known option; known: slackFactor, slackAmount, evaluationInterval, delayEvaluation (got 0.2)',
    );
    expect(configError(medianStopping({ delay: 5 })).message).toBe(
      'MedianStoppingPolicy.delay: is not a known option; known: evaluationInterval, delayEvaluation (got 5)',
    );
    expect(configError(truncation({ truncationPercentage: 10, excludeFinished: true })).message).toBe(
      'TruncationSelectionPolicy.excludeFinished: is not a known option; known: truncationPercentage, excludeFinishedJobs, evaluationInterval, delayEvaluation (got true)',
    );
    expect(configError(noTermination({ evaluationInterval: 1 })).message).toBe(
      'NoTerminationPolicy.evaluationInterval: is not a known option; known: (none) (got 1)',
    );
  });

  it('rejects options that are not an object', () => {
    for (const bad of [null, 5, 'slackFactor', [0.2]]) {
      const error = configError(bandit(bad));
      expect(error.field).toBe('BanditPolicy');
      expect(error.rule).toBe('options must be an object');
    }
    expect(configError(medianStopping(null)).message).toBe(
      'MedianStoppingPolicy: options must be an object (got null)',
    );
  });

  it('Bandit needs exactly one of slackFactor and slackAmount', () => {
    const both = configError(bandit({ slackFactor: 0.1, slackAmount: 0.2 }));
    expect(both.field).toBe('BanditPolicy');
    expect(both.message).toBe(
      'BanditPolicy: needs exactly one of slackFactor and slackAmount; both were given (got {"slackFactor":0.1,"slackAmount":0.2})',
    );
    const neither = configError(bandit({ evaluationInterval: 2 }));
    expect(neither.rule).toBe('needs exactly one of slackFactor and slackAmount; neither was given');
    expect(configError(bandit(undefined)).rule).toBe(
      'needs exactly one of slackFactor and slackAmount; neither was given',
    );
  });

  it('slack values must be finite numbers > 0', () => {
    for (const key of ['slackFactor', 'slackAmount']) {
      for (const bad of [0, -0.1, Number.NaN, Infinity, -Infinity, '0.2', true, null]) {
        const error = configError(bandit({ [key]: bad }));
        expect(error.field).toBe(`BanditPolicy.${key}`);
        expect(error.rule).toBe('must be a finite number > 0');
        expect(error.value).toBe(bad);
      }
    }
    expect(configError(bandit({ slackFactor: Number.NaN })).message).toBe(
      'BanditPolicy.slackFactor: must be a finite number > 0 (got NaN)',
    );
    expect(configError(bandit({ slackAmount: '0.2' })).message).toBe(
      'BanditPolicy.slackAmount: must be a finite number > 0 (got "0.2")',
    );
  });

  it('evaluationInterval must be an integer >= 1, delayEvaluation an integer >= 0', () => {
    const builders = [
      (extra: object) => bandit({ slackFactor: 0.1, ...extra }),
      (extra: object) => medianStopping(extra),
      (extra: object) => truncation({ truncationPercentage: 10, ...extra }),
    ];
    const owners = ['BanditPolicy', 'MedianStoppingPolicy', 'TruncationSelectionPolicy'];
    builders.forEach((build, i) => {
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '2', false]) {
        const error = configError(build({ evaluationInterval: bad }));
        expect(error.field).toBe(`${owners[i]}.evaluationInterval`);
        expect(error.rule).toBe('must be an integer >= 1');
      }
      for (const bad of [-1, 0.5, Number.NaN, Infinity, '5']) {
        const error = configError(build({ delayEvaluation: bad }));
        expect(error.field).toBe(`${owners[i]}.delayEvaluation`);
        expect(error.rule).toBe('must be an integer >= 0');
      }
    });
    expect(configError(medianStopping({ evaluationInterval: 0 })).message).toBe(
      'MedianStoppingPolicy.evaluationInterval: must be an integer >= 1 (got 0)',
    );
    expect(configError(medianStopping({ delayEvaluation: -1 })).message).toBe(
      'MedianStoppingPolicy.delayEvaluation: must be an integer >= 0 (got -1)',
    );
  });

  it('truncationPercentage is required and an integer 1..99', () => {
    expect(configError(truncation({})).message).toBe(
      'TruncationSelectionPolicy.truncationPercentage: is required and must be an integer between 1 and 99 (got undefined)',
    );
    for (const bad of [0, 100, 50.5, -5, Number.NaN, Infinity, '20']) {
      const error = configError(truncation({ truncationPercentage: bad }));
      expect(error.field).toBe('TruncationSelectionPolicy.truncationPercentage');
      expect(error.rule).toBe('must be an integer between 1 and 99');
    }
    expect(configError(truncation({ truncationPercentage: 100 })).message).toBe(
      'TruncationSelectionPolicy.truncationPercentage: must be an integer between 1 and 99 (got 100)',
    );
    expect(new TruncationSelectionPolicy({ truncationPercentage: 1 }).truncationPercentage).toBe(1);
    expect(new TruncationSelectionPolicy({ truncationPercentage: 99 }).truncationPercentage).toBe(99);
  });

  it('excludeFinishedJobs must be a boolean', () => {
    for (const bad of [1, 'true', null]) {
      const error = configError(truncation({ truncationPercentage: 10, excludeFinishedJobs: bad }));
      expect(error.field).toBe('TruncationSelectionPolicy.excludeFinishedJobs');
      expect(error.rule).toBe('must be a boolean (true or false)');
    }
  });

  it('treats an option explicitly set to undefined as absent', () => {
    const policy = new BanditPolicy({ slackFactor: 0.2, slackAmount: undefined } as unknown as BanditPolicyOptions);
    expect(policy.slackAmount).toBeNull();
    expect(
      new MedianStoppingPolicy({ delayEvaluation: undefined } as unknown as MedianStoppingPolicyOptions)
        .delayEvaluation,
    ).toBe(0);
  });
});

describe('readonly option fields and defaults', () => {
  it('fills in the defaults', () => {
    const b = new BanditPolicy({ slackAmount: 0.3 });
    expect([b.kind, b.slackFactor, b.slackAmount, b.evaluationInterval, b.delayEvaluation]).toEqual([
      'bandit',
      null,
      0.3,
      1,
      0,
    ]);
    const m = new MedianStoppingPolicy();
    expect([m.kind, m.evaluationInterval, m.delayEvaluation]).toEqual(['median-stopping', 1, 0]);
    const t = new TruncationSelectionPolicy({ truncationPercentage: 25, evaluationInterval: 3, delayEvaluation: 4 });
    expect([t.kind, t.truncationPercentage, t.excludeFinishedJobs, t.evaluationInterval, t.delayEvaluation]).toEqual([
      'truncation-selection',
      25,
      false,
      3,
      4,
    ]);
    const n = new NoTerminationPolicy();
    expect([n.kind, n.evaluationInterval, n.delayEvaluation]).toEqual(['no-termination', 1, 0]);
  });
});

describe('NoTerminationPolicy', () => {
  it('always skips with why no-policy', () => {
    const policy = new NoTerminationPolicy();
    for (const values of [[Number.NaN], [0.1, 0.1, 0.1, 0.1, 0.1]]) {
      const decision = policy.decide({
        goal: 'MAXIMIZE',
        run: { runId: 'me', values, finished: false },
        interval: values.length,
        others: [{ runId: 'x', values: [1, 1, 1, 1, 1], finished: false }],
      });
      expect(decision).toMatchObject({
        kind: 'skip',
        why: 'no-policy',
        policy: 'no-termination',
        interval: values.length,
      });
    }
  });
});

describe('decide input guard', () => {
  it('refuses an interval the run has not reported, or one below 1', () => {
    const policy = new MedianStoppingPolicy();
    const runHistory = { runId: 'me', values: [0.1, 0.2], finished: false };
    expect(() => policy.decide({ goal: 'MAXIMIZE', run: runHistory, interval: 3, others: [] })).toThrow(RangeError);
    expect(() => policy.decide({ goal: 'MAXIMIZE', run: runHistory, interval: 0, others: [] })).toThrow(RangeError);
    expect(() => policy.decide({ goal: 'MAXIMIZE', run: runHistory, interval: 1.5, others: [] })).toThrow(RangeError);
  });
});
