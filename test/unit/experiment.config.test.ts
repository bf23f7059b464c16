import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
  BayesianParameterSampling,
  ConfigError,
  GridParameterSampling,
  HyperDriveConfig,
  PrimaryMetricGoal,
  RandomParameterSampling,
  choice,
  uniform,
  type HyperDriveConfigOptions,
} from '../../src/index.js';

const sampling = new RandomParameterSampling({ lr: uniform(0.01, 0.1) }, { seed: 1 });
const base: HyperDriveConfigOptions = {
  hyperparameterSampling: sampling,
  primaryMetricName: 'accuracy',
  primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
  maxTotalRuns: 20,
  train: () => {},
};

function configError(options: unknown): ConfigError {
  try {
    new HyperDriveConfig(options as HyperDriveConfigOptions);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('HyperDriveConfig defaults', () => {
  it('defaults concurrency to maxTotalRuns, duration to 10080 minutes, policy to none', () => {
    const config = new HyperDriveConfig(base);
    expect(config.maxConcurrentRuns).toBe(20);
    expect(config.maxDurationMinutes).toBe(10080);
    expect(config.policy.kind).toBe('no-termination');
    expect(config.warnings).toEqual([]);
  });

  it('caps the default concurrency at the 100-run limit', () => {
    expect(new HyperDriveConfig({ ...base, maxTotalRuns: 1000 }).maxConcurrentRuns).toBe(100);
  });

  it('has no trial timeout unless given one, and stores it only when given', () => {
    const none = new HyperDriveConfig(base);
    expect(none.trialTimeoutSeconds).toBeUndefined();
    expect(none.toRecord()).not.toHaveProperty('trialTimeoutSeconds');
    const timed = new HyperDriveConfig({ ...base, trialTimeoutSeconds: 7.5 });
    expect(timed.trialTimeoutSeconds).toBe(7.5);
    expect(timed.toRecord().trialTimeoutSeconds).toBe(7.5);
  });

  it('accepts the limits at their bounds', () => {
    const low = new HyperDriveConfig({ ...base, maxTotalRuns: 1, maxConcurrentRuns: 1 });
    expect([low.maxTotalRuns, low.maxConcurrentRuns]).toEqual([1, 1]);
    const high = new HyperDriveConfig({ ...base, maxTotalRuns: 1000, maxConcurrentRuns: 100, maxDurationMinutes: 0.5 });
    expect([high.maxTotalRuns, high.maxConcurrentRuns, high.maxDurationMinutes]).toEqual([1000, 100, 0.5]);
  });

  it('describes itself as JSON for the store', () => {
    const spec = new HyperDriveConfig({ ...base, policy: new BanditPolicy({ slackFactor: 0.1 }) }).toRecord();
    expect(spec).toMatchObject({
      primaryMetricName: 'accuracy',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 20,
      maxConcurrentRuns: 20,
      maxDurationMinutes: 10080,
      policy: { kind: 'bandit' },
      sampling: { kind: 'random' },
      trial: { kind: 'function', name: 'train' },
    });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});

describe('HyperDriveConfig validation names the field, the rule and the value', () => {
  const cases: Array<[string, Partial<Record<keyof HyperDriveConfigOptions | 'maxTotalRun', unknown>>, string]> = [
    ['maxTotalRuns 0', { maxTotalRuns: 0 }, 'maxTotalRuns: must be an integer between 1 and 1000 (got 0)'],
    ['maxTotalRuns 1001', { maxTotalRuns: 1001 }, 'maxTotalRuns: must be an integer between 1 and 1000 (got 1001)'],
    ['maxTotalRuns 2.5', { maxTotalRuns: 2.5 }, 'maxTotalRuns: must be an integer between 1 and 1000 (got 2.5)'],
    ['maxTotalRuns "5"', { maxTotalRuns: '5' }, 'maxTotalRuns: must be an integer between 1 and 1000 (got "5")'],
    ['maxTotalRuns NaN', { maxTotalRuns: Number.NaN }, 'maxTotalRuns: must be an integer between 1 and 1000 (got NaN)'],
    [
      'maxTotalRuns missing',
      { maxTotalRuns: undefined },
      'maxTotalRuns: is required: an integer between 1 and 1000 (got undefined)',
    ],
    [
      'maxConcurrentRuns 0',
      { maxConcurrentRuns: 0 },
      'maxConcurrentRuns: must be an integer between 1 and 100 (got 0)',
    ],
    [
      'maxConcurrentRuns 101',
      { maxConcurrentRuns: 101 },
      'maxConcurrentRuns: must be an integer between 1 and 100 (got 101)',
    ],
    ['maxDurationMinutes 0', { maxDurationMinutes: 0 }, 'maxDurationMinutes: must be a finite number > 0 (got 0)'],
    ['maxDurationMinutes -5', { maxDurationMinutes: -5 }, 'maxDurationMinutes: must be a finite number > 0 (got -5)'],
    [
      'maxDurationMinutes Infinity',
      { maxDurationMinutes: Number.POSITIVE_INFINITY },
      'maxDurationMinutes: must be a finite number > 0 (got Infinity)',
    ],
    ['trialTimeoutSeconds 0', { trialTimeoutSeconds: 0 }, 'trialTimeoutSeconds: must be a finite number > 0 (got 0)'],
    [
      'trialTimeoutSeconds -1',
      { trialTimeoutSeconds: -1 },
      'trialTimeoutSeconds: must be a finite number > 0 (got -1)',
    ],
    [
      'trialTimeoutSeconds NaN',
      { trialTimeoutSeconds: Number.NaN },
      'trialTimeoutSeconds: must be a finite number > 0 (got NaN)',
    ],
    [
      'trialTimeoutSeconds Infinity',
      { trialTimeoutSeconds: Number.POSITIVE_INFINITY },
      'trialTimeoutSeconds: must be a finite number > 0 (got Infinity)',
    ],
    [
      'trialTimeoutSeconds "60"',
      { trialTimeoutSeconds: '60' },
      'trialTimeoutSeconds: must be a finite number > 0 (got "60")',
    ],
    [
      'trialTimeoutSeconds null',
      { trialTimeoutSeconds: null },
      'trialTimeoutSeconds: must be a finite number > 0 (got null)',
    ],
    ['empty metric name', { primaryMetricName: '' }, 'primaryMetricName: must be a non-empty string (got "")'],
    ['metric name not a string', { primaryMetricName: 3 }, 'primaryMetricName: must be a non-empty string (got 3)'],
    [
      'goal lowercase',
      { primaryMetricGoal: 'maximize' },
      'primaryMetricGoal: must be one of "MAXIMIZE", "MINIMIZE" (got "maximize")',
    ],
    ['train missing', { train: undefined }, 'train: must be a training function train(params, run) (got undefined)'],
    [
      'sampling missing',
      { hyperparameterSampling: { lr: 1 } },
      'hyperparameterSampling: must be a RandomParameterSampling, GridParameterSampling or BayesianParameterSampling (got {"lr":1})',
    ],
    [
      'policy not a policy',
      { policy: { slackFactor: 0.1 } },
      'policy: must be a BanditPolicy, MedianStoppingPolicy, TruncationSelectionPolicy, AshaPolicy, HyperbandPolicy or NoTerminationPolicy (got {"slackFactor":0.1})',
    ],
    [
      'unknown option',
      { maxTotalRun: 5 },
      'maxTotalRun: is not a known option; known: hyperparameterSampling, primaryMetricName, primaryMetricGoal, maxTotalRuns, maxConcurrentRuns, maxDurationMinutes, trialTimeoutSeconds, policy, train, trial, resumeFrom, resumeChildRuns, data (got 5)',
    ],
  ];
  it.each(cases)('%s', (_name, patch, message) => {
    const error = configError({ ...base, ...patch });
    expect(error.message).toBe(message);
    expect(error.field).toBe(message.slice(0, message.indexOf(':')));
  });

  it('takes a built-in example or a module URL instead of a function, but not both', () => {
    const { train: _train, ...rest } = base;
    const builtin = new HyperDriveConfig({ ...rest, trial: { kind: 'builtin', name: 'digits-mlp' } });
    expect(builtin.trial).toEqual({ kind: 'builtin', name: 'digits-mlp' });
    expect(builtin.toRecord().trial).toEqual({ kind: 'builtin', name: 'digits-mlp' });
    expect(configError({ ...base, trial: { kind: 'builtin', name: 'x' } }).message).toBe(
      'trial: must not be given together with train: give exactly one (got {"kind":"builtin","name":"x"})',
    );
    expect(configError({ ...rest, trial: { kind: 'module', url: '' } }).message).toBe(
      'trial.url: must be the URL of an ES module exporting train(params, run) (got "")',
    );
    expect(configError({ ...rest, trial: { kind: 'python', url: 'x' } }).message).toBe(
      'trial.kind: must be one of "builtin", "module" (got "python")',
    );
  });

  it('rejects a non-object', () => {
    expect(configError(null).message).toBe('HyperDriveConfig: must be an object (got null)');
  });

  it('rejects grid sampling over a non-choice expression before any training', () => {
    expect(() => new GridParameterSampling({ batch: choice(16, 32), lr: uniform(0.01, 0.1) })).toThrow(ConfigError);
    expect(() => new GridParameterSampling({ batch: choice(16, 32), lr: uniform(0.01, 0.1) })).toThrow(/"lr"/);
  });

  it('warns, without refusing, when Bayesian sampling has fewer than 20 runs per sampled parameter', () => {
    const sampling = new BayesianParameterSampling({
      lr: uniform(0.01, 0.1),
      model: choice({ kind: 'svm', C: uniform(0.1, 1) }, 'tree'),
      epochs: 5,
    });
    expect(new HyperDriveConfig({ ...base, hyperparameterSampling: sampling, maxTotalRuns: 59 }).warnings).toEqual([
      'Bayesian sampling works best with maxTotalRuns >= 20 x the number of parameters (60); got 59',
    ]);
    expect(new HyperDriveConfig({ ...base, hyperparameterSampling: sampling, maxTotalRuns: 60 }).warnings).toEqual([]);
  });

  it('warns when the grid is smaller than maxTotalRuns', () => {
    const grid = new GridParameterSampling({ num_hidden_layers: choice(1, 2, 3), batch_size: choice(16, 32) });
    const config = new HyperDriveConfig({ ...base, hyperparameterSampling: grid });
    expect(config.warnings).toEqual([
      'the search space has 6 configurations, fewer than maxTotalRuns 20: the sweep ends after 6 runs',
    ]);
  });
});

describe('configFromRecord', () => {
  it('rebuilds an equivalent config from its stored spec', async () => {
    const { configFromRecord } = await import('../../src/experiment/config-from-record.js');
    const original = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        {
          '--lr': uniform(0.01, 0.1),
          layers: choice(1, 2, 3),
          model: choice({ kind: 'svm', C: uniform(0.1, 1) }, 'tree'),
        },
        { seed: 9, rule: 'sobol' },
      ),
      primaryMetricName: 'val_loss',
      primaryMetricGoal: PrimaryMetricGoal.MINIMIZE,
      maxTotalRuns: 30,
      maxConcurrentRuns: 3,
      maxDurationMinutes: 12,
      trialTimeoutSeconds: 90,
      policy: new BanditPolicy({ slackAmount: 0.05, delayEvaluation: 4 }),
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const stored = JSON.parse(JSON.stringify(original.toRecord()));
    const rebuilt = configFromRecord(stored);
    expect(rebuilt.toRecord()).toEqual(original.toRecord());
    expect(rebuilt.trialTimeoutSeconds).toBe(90);
    const a = original.hyperparameterSampling.createSampler({ next: () => 0.5 });
    const b = rebuilt.hyperparameterSampling.createSampler({ next: () => 0.5 });
    for (let i = 0; i < 5; i++) expect(await b.next({ observations: [] })).toEqual(await a.next({ observations: [] }));
  });

  it('asks for the training function of a function sweep', async () => {
    const { configFromRecord } = await import('../../src/experiment/config-from-record.js');
    const spec = new HyperDriveConfig(base).toRecord();
    expect(() => configFromRecord(spec)).toThrow(
      'train: is required: this sweep trained the function "train", which cannot be stored (got undefined)',
    );
    expect(configFromRecord(spec, () => {}).maxTotalRuns).toBe(20);
  });
});
