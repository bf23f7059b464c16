import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { PrimaryMetricGoal } from '../../src/metric/goal.js';
import {
  BanditPolicy,
  MedianStoppingPolicy,
  NoTerminationPolicy,
  TruncationSelectionPolicy,
} from '../../src/policy/index.js';
import { SeededRandom } from '../../src/random/seeded-random.js';
import { BayesianParameterSampling, GridParameterSampling, RandomParameterSampling } from '../../src/sampling/index.js';
import {
  decodeShareLink,
  encodeShareLink,
  exportSweepJobYaml,
  normalizeSweepFile,
  parseSweepJobText,
  parseSweepFile,
  parseSweepFileText,
  SweepFileError,
  toSweepFile,
  type SweepFileInput,
} from '../../src/sweep-file/index.js';

/** A small valid spec; tests change one thing at a time. */
function base(): Record<string, unknown> {
  return {
    search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
    sampling_algorithm: 'random',
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    trial: 'digits-mlp',
  };
}

function spaceJson(searchSpace: unknown, sampling: unknown = 'random'): unknown {
  return parseSweepFile({
    ...base(),
    search_space: searchSpace,
    sampling_algorithm: sampling,
  }).hyperDriveConfigOptions.hyperparameterSampling.toRecord().space;
}

describe('search_space: every expression type maps onto its constructor with the right arguments', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['choice', { type: 'choice', values: [16, 32, 'x', true] }, { kind: 'choice', options: [16, 32, 'x', true] }],
    ['randint', { type: 'randint', upper: 7 }, { kind: 'randint', upper: 7 }],
    ['uniform', { type: 'uniform', min_value: -1, max_value: 2.5 }, { kind: 'uniform', low: -1, high: 2.5 }],
    [
      'loguniform',
      { type: 'loguniform', min_value: -6.9, max_value: -2.3 },
      { kind: 'loguniform', low: -6.9, high: -2.3 },
    ],
    [
      'quniform',
      { type: 'quniform', min_value: 16, max_value: 64, q: 16 },
      { kind: 'quniform', low: 16, high: 64, q: 16 },
    ],
    [
      'qloguniform',
      { type: 'qloguniform', min_value: 0, max_value: 5, q: 2 },
      { kind: 'qloguniform', low: 0, high: 5, q: 2 },
    ],
    ['normal', { type: 'normal', mu: 3, sigma: 0.5 }, { kind: 'normal', mu: 3, sigma: 0.5 }],
    ['lognormal', { type: 'lognormal', mu: -1, sigma: 2 }, { kind: 'lognormal', mu: -1, sigma: 2 }],
    ['qnormal', { type: 'qnormal', mu: 10, sigma: 3, q: 0.5 }, { kind: 'qnormal', mu: 10, sigma: 3, q: 0.5 }],
    ['qlognormal', { type: 'qlognormal', mu: 1, sigma: 0.25, q: 4 }, { kind: 'qlognormal', mu: 1, sigma: 0.25, q: 4 }],
  ];
  it.each(cases)('%s', (_name, parameter, expression) => {
    expect(spaceJson({ p: parameter })).toEqual({ p: expression });
  });

  it('keeps the fields in the normalised spec as written', () => {
    for (const [, parameter] of cases) {
      expect(parseSweepFile({ ...base(), search_space: { p: parameter } }).spec.search_space).toEqual({ p: parameter });
    }
  });

  it('samples the mapped distributions (loguniform bounds are exponents)', () => {
    const parsed = parseSweepFile({
      ...base(),
      search_space: {
        lr: { type: 'loguniform', min_value: Math.log(1e-3), max_value: Math.log(1e-1) },
        units: { type: 'quniform', min_value: 16, max_value: 64, q: 16 },
        k: { type: 'randint', upper: 3 },
      },
    });
    const sampler = parsed.hyperDriveConfigOptions.hyperparameterSampling.createSampler(new SeededRandom(1));
    for (let i = 0; i < 50; i++) {
      const params = sampler.next({ observations: [] }) as Record<string, number>;
      expect(params['lr']).toBeGreaterThanOrEqual(1e-3 * 0.999);
      expect(params['lr']).toBeLessThanOrEqual(1e-1 * 1.001);
      expect([16, 32, 48, 64]).toContain(params['units']);
      expect([0, 1, 2]).toContain(params['k']);
    }
  });

  it('accepts constants beside parameters and passes them through', () => {
    const parsed = parseSweepFile({
      ...base(),
      search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 }, epochs: 5, opt: 'adam', bn: false },
    });
    expect(parsed.hyperDriveConfigOptions.hyperparameterSampling.toRecord().space).toEqual({
      lr: { kind: 'uniform', low: 0, high: 1 },
      epochs: 5,
      opt: 'adam',
      bn: false,
    });
    const params = parsed.hyperDriveConfigOptions.hyperparameterSampling
      .createSampler(new SeededRandom(3))
      .next({ observations: [] });
    expect(params).toMatchObject({ epochs: 5, opt: 'adam', bn: false });
  });

  it('keeps leading dashes in the spec and strips them for the training function', () => {
    const parsed = parseSweepFile({
      ...base(),
      search_space: { '--learning_rate': { type: 'choice', values: [0.1] } },
    });
    expect(Object.keys(parsed.spec.search_space)).toEqual(['--learning_rate']);
    const params = parsed.hyperDriveConfigOptions.hyperparameterSampling
      .createSampler(new SeededRandom(1))
      .next({ observations: [] });
    expect(params).toEqual({ learning_rate: 0.1 });
  });
});

describe('search_space: nested choice (Azure ML v2 sub-spaces)', () => {
  const nested = {
    model: {
      type: 'choice',
      values: [
        {
          kind: 'svm',
          C: { type: 'uniform', min_value: 0.1, max_value: 10 },
          kernel: { type: 'choice', values: ['rbf', 'linear'] },
        },
        { kind: 'tree', depth: { type: 'randint', upper: 8 } },
        'baseline',
      ],
    },
  };

  it('maps sub-spaces to nested expressions, constants included (even one named "type")', () => {
    expect(spaceJson(nested)).toEqual({
      model: {
        kind: 'choice',
        options: [
          {
            kind: 'svm',
            C: { kind: 'uniform', low: 0.1, high: 10 },
            kernel: { kind: 'choice', options: ['rbf', 'linear'] },
          },
          { kind: 'tree', depth: { kind: 'randint', upper: 8 } },
          'baseline',
        ],
      },
    });
    const withType = {
      model: { type: 'choice', values: [{ type: 'svm', C: { type: 'uniform', min_value: 0, max_value: 1 } }] },
    };
    expect(spaceJson(withType)).toEqual({
      model: { kind: 'choice', options: [{ type: 'svm', C: { kind: 'uniform', low: 0, high: 1 } }] },
    });
  });

  it('samples a sub-configuration from the chosen option', () => {
    const sampling = parseSweepFile({
      ...base(),
      search_space: nested,
      sampling_algorithm: { type: 'random', seed: 5 },
    }).hyperDriveConfigOptions.hyperparameterSampling;
    const sampler = sampling.createSampler(new SeededRandom(9));
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const model = (sampler.next({ observations: [] }) as Record<string, unknown>)['model'];
      if (typeof model === 'string') {
        seen.add(model);
        continue;
      }
      const sub = model as Record<string, unknown>;
      seen.add(String(sub['kind']));
      if (sub['kind'] === 'svm') {
        expect(sub['C']).toBeGreaterThanOrEqual(0.1);
        expect(sub['C']).toBeLessThanOrEqual(10);
        expect(['rbf', 'linear']).toContain(sub['kernel']);
      } else {
        expect(Number.isInteger(sub['depth'])).toBe(true);
      }
    }
    expect(seen).toEqual(new Set(['svm', 'tree', 'baseline']));
  });

  it('enumerates nested choices with grid sampling', () => {
    const gridSpace = {
      model: { type: 'choice', values: [{ kind: 'svm', C: { type: 'choice', values: [1, 10] } }, 'baseline'] },
      bs: { type: 'choice', values: [16, 32] },
    };
    const parsed = parseSweepFile({ ...base(), search_space: gridSpace, sampling_algorithm: 'grid' });
    expect(parsed.hyperDriveConfigOptions.hyperparameterSampling.size).toBe(6);
    expect(parsed.spec.limits.max_total_trials).toBe(6);
  });
});

describe('sampling_algorithm', () => {
  it('"random" and {type: "random"} give independent draws without a seed', () => {
    for (const form of ['random', { type: 'random' }]) {
      const parsed = parseSweepFile({ ...base(), sampling_algorithm: form });
      const sampling = parsed.hyperDriveConfigOptions.hyperparameterSampling;
      expect(sampling).toBeInstanceOf(RandomParameterSampling);
      expect(sampling.toRecord().options).toEqual({ rule: 'random' });
      expect(parsed.spec.sampling_algorithm).toEqual({ type: 'random', rule: 'random' });
    }
  });

  it('passes seed and rule through; the same seed replays the same configurations', () => {
    const parsed = parseSweepFile({ ...base(), sampling_algorithm: { type: 'random', seed: 42, rule: 'sobol' } });
    const sampling = parsed.hyperDriveConfigOptions.hyperparameterSampling as RandomParameterSampling;
    expect(sampling.seed).toBe(42);
    expect(sampling.rule).toBe('sobol');
    expect(parsed.spec.sampling_algorithm).toEqual({ type: 'random', seed: 42, rule: 'sobol' });
    const again = parseSweepFile({ ...base(), sampling_algorithm: { type: 'random', seed: 42, rule: 'sobol' } });
    const draw = (s: RandomParameterSampling): unknown[] => {
      const sampler = s.createSampler(new SeededRandom(Math.random()));
      return Array.from({ length: 5 }, () => sampler.next({ observations: [] }));
    };
    expect(draw(again.hyperDriveConfigOptions.hyperparameterSampling as RandomParameterSampling)).toEqual(
      draw(sampling),
    );
  });

  it('accepts a string seed and Azure\'s logbase "e"', () => {
    const parsed = parseSweepFile({ ...base(), sampling_algorithm: { type: 'random', seed: 'exp-1', logbase: 'e' } });
    expect((parsed.hyperDriveConfigOptions.hyperparameterSampling as RandomParameterSampling).seed).toBe('exp-1');
    expect(parsed.spec.sampling_algorithm).toEqual({ type: 'random', seed: 'exp-1', rule: 'random' });
  });

  it('"grid" and {type: "grid"} enumerate choices', () => {
    for (const form of ['grid', { type: 'grid' }]) {
      const parsed = parseSweepFile({
        ...base(),
        search_space: {
          layers: { type: 'choice', values: [1, 2, 3] },
          bs: { type: 'choice', values: [16, 32] },
          epochs: 3,
        },
        sampling_algorithm: form,
      });
      expect(parsed.hyperDriveConfigOptions.hyperparameterSampling).toBeInstanceOf(GridParameterSampling);
      expect(parsed.hyperDriveConfigOptions.hyperparameterSampling.size).toBe(6);
      expect(parsed.spec.sampling_algorithm).toEqual({ type: 'grid' });
    }
  });

  it('"bayesian" builds a BayesianParameterSampling, seeded when the spec gives a seed', () => {
    for (const form of ['bayesian', { type: 'bayesian' }]) {
      const parsed = parseSweepFile({ ...base(), sampling_algorithm: form });
      expect(parsed.hyperDriveConfigOptions.hyperparameterSampling).toBeInstanceOf(BayesianParameterSampling);
      expect(parsed.hyperDriveConfigOptions.hyperparameterSampling.toRecord().options).toEqual({});
      expect(parsed.spec.sampling_algorithm).toEqual({ type: 'bayesian' });
      expect(normalizeSweepFile({ ...base(), sampling_algorithm: form }).sampling_algorithm).toEqual({
        type: 'bayesian',
      });
      expect(() => parseSweepFile({ ...base(), sampling_algorithm: form, limits: { max_total_trials: 0 } })).toThrow(
        ConfigError,
      );
    }
    const seeded = parseSweepFile({ ...base(), sampling_algorithm: { type: 'bayesian', seed: 7 } });
    expect(seeded.spec.sampling_algorithm).toEqual({ type: 'bayesian', seed: 7 });
    expect((seeded.hyperDriveConfigOptions.hyperparameterSampling as BayesianParameterSampling).seed).toBe(7);
    const config = new HyperDriveConfig(seeded.hyperDriveConfigOptions);
    expect(toSweepFile(config.toRecord(), seeded.spec).spec.sampling_algorithm).toEqual({ type: 'bayesian', seed: 7 });
    expect(() => parseSweepFile({ ...base(), sampling_algorithm: { type: 'bayesian', seed: 1.5 } })).toThrow(
      'sampling_algorithm.seed: must be an integer (at most 2^53 - 1 in magnitude) or a non-empty string (got 1.5)',
    );
  });
});

describe('early_termination', () => {
  const policyOf = (early: unknown): unknown =>
    parseSweepFile({ ...base(), early_termination: early }).hyperDriveConfigOptions.policy;

  it('bandit with slack_factor', () => {
    const policy = policyOf({ type: 'bandit', slack_factor: 0.2, evaluation_interval: 2, delay_evaluation: 5 });
    expect(policy).toBeInstanceOf(BanditPolicy);
    expect((policy as BanditPolicy).toRecord()).toEqual({
      kind: 'bandit',
      options: { slackFactor: 0.2, evaluationInterval: 2, delayEvaluation: 5 },
    });
  });

  it('bandit with slack_amount, schedule defaults 1 and 0', () => {
    const parsed = parseSweepFile({ ...base(), early_termination: { type: 'bandit', slack_amount: 0.05 } });
    expect((parsed.hyperDriveConfigOptions.policy as BanditPolicy).toRecord()).toEqual({
      kind: 'bandit',
      options: { slackAmount: 0.05, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(parsed.spec.early_termination).toEqual({
      type: 'bandit',
      slack_amount: 0.05,
      evaluation_interval: 1,
      delay_evaluation: 0,
    });
  });

  it('median_stopping', () => {
    const policy = policyOf({ type: 'median_stopping', evaluation_interval: 1, delay_evaluation: 5 });
    expect(policy).toBeInstanceOf(MedianStoppingPolicy);
    expect((policy as MedianStoppingPolicy).toRecord()).toEqual({
      kind: 'median-stopping',
      options: { evaluationInterval: 1, delayEvaluation: 5 },
    });
    expect((policyOf({ type: 'median_stopping' }) as MedianStoppingPolicy).toRecord().options).toEqual({
      evaluationInterval: 1,
      delayEvaluation: 0,
    });
  });

  it('truncation_selection, exclude_finished_jobs defaulting to false', () => {
    const policy = policyOf({
      type: 'truncation_selection',
      truncation_percentage: 20,
      exclude_finished_jobs: true,
      evaluation_interval: 3,
    });
    expect(policy).toBeInstanceOf(TruncationSelectionPolicy);
    expect((policy as TruncationSelectionPolicy).toRecord()).toEqual({
      kind: 'truncation-selection',
      options: { truncationPercentage: 20, excludeFinishedJobs: true, evaluationInterval: 3, delayEvaluation: 0 },
    });
    const spec = parseSweepFile({
      ...base(),
      early_termination: { type: 'truncation_selection', truncation_percentage: 10 },
    }).spec;
    expect(spec.early_termination).toEqual({
      type: 'truncation_selection',
      truncation_percentage: 10,
      evaluation_interval: 1,
      delay_evaluation: 0,
      exclude_finished_jobs: false,
    });
  });

  it('none given: no policy option, so HyperDriveConfig uses NoTerminationPolicy', () => {
    const parsed = parseSweepFile(base());
    expect('policy' in parsed.hyperDriveConfigOptions).toBe(false);
    expect('early_termination' in parsed.spec).toBe(false);
    expect(new HyperDriveConfig(parsed.hyperDriveConfigOptions).policy).toBeInstanceOf(NoTerminationPolicy);
  });
});

describe('limits', () => {
  const options = (limits: unknown, extra: Record<string, unknown> = {}) =>
    parseSweepFile({ ...base(), ...extra, ...(limits === undefined ? {} : { limits }) });

  it('maps max_total_trials, max_concurrent_trials, and timeout seconds to minutes', () => {
    const parsed = options({ max_total_trials: 12, max_concurrent_trials: 2, timeout: 5400 });
    expect(parsed.hyperDriveConfigOptions).toMatchObject({
      maxTotalRuns: 12,
      maxConcurrentRuns: 2,
      maxDurationMinutes: 90,
    });
    expect(options({ max_total_trials: 3, timeout: 90 }).hyperDriveConfigOptions.maxDurationMinutes).toBe(1.5);
    expect(options({ max_total_trials: 3, timeout: 1 }).hyperDriveConfigOptions.maxDurationMinutes).toBeCloseTo(
      1 / 60,
      15,
    );
  });

  it('defaults: 1000 trials (Azure), concurrency = trials capped at 100, 10080 minutes (semantics §6)', () => {
    const parsed = options(undefined);
    expect(parsed.hyperDriveConfigOptions).toMatchObject({
      maxTotalRuns: 1000,
      maxConcurrentRuns: 100,
      maxDurationMinutes: 10080,
    });
    expect(parsed.spec.limits).toEqual({ max_total_trials: 1000, max_concurrent_trials: 100, timeout: 604800 });
    expect(options({}).spec.limits).toEqual(parsed.spec.limits);
    expect(options({ max_total_trials: 7 }).spec.limits).toEqual({
      max_total_trials: 7,
      max_concurrent_trials: 7,
      timeout: 604800,
    });
  });

  it('a grid without max_total_trials runs its whole grid (no "fewer than maxTotalRuns" warning)', () => {
    const grid = {
      search_space: { a: { type: 'choice', values: [1, 2, 3] }, b: { type: 'choice', values: ['x', 'y'] } },
      sampling_algorithm: 'grid',
    };
    const parsed = options(undefined, grid);
    expect(parsed.hyperDriveConfigOptions.maxTotalRuns).toBe(6);
    expect(new HyperDriveConfig(parsed.hyperDriveConfigOptions).warnings).toEqual([]);
    expect(options({ max_total_trials: 4 }, grid).hyperDriveConfigOptions.maxTotalRuns).toBe(4);
  });

  it('maps trial_timeout (seconds) to trialTimeoutSeconds, with nothing to warn about', () => {
    const parsed = options({ max_total_trials: 5, trial_timeout: 120 });
    expect(parsed.spec.limits.trial_timeout).toBe(120);
    expect(parsed.hyperDriveConfigOptions.trialTimeoutSeconds).toBe(120);
    expect(new HyperDriveConfig(parsed.hyperDriveConfigOptions).trialTimeoutSeconds).toBe(120);
    expect(parsed.warnings).toEqual([]);
    expect(options({ max_total_trials: 5, trial_timeout: 7.5 }).hyperDriveConfigOptions.trialTimeoutSeconds).toBe(7.5);
    // Without it, no per-trial limit.
    const none = options({ max_total_trials: 5 });
    expect(none.hyperDriveConfigOptions).not.toHaveProperty('trialTimeoutSeconds');
    expect(new HyperDriveConfig(none.hyperDriveConfigOptions).trialTimeoutSeconds).toBeUndefined();
    expect(() => options({ trial_timeout: 0 })).toThrow(
      'limits.trial_timeout: must be a finite number of seconds > 0 (got 0)',
    );
  });

  it('trial_timeout comes through every way a spec is read, without a warning: text, Azure job, share link', async () => {
    const spec = { ...base(), limits: { trial_timeout: 30 } };
    expect(parseSweepFileText(JSON.stringify(spec)).warnings).toEqual([]);
    expect(parseSweepJobText(JSON.stringify(spec)).warnings).toEqual([]);
    // An Azure job carries it as Azure's own limit.
    const azure = exportSweepJobYaml(parseSweepFile(spec).spec).text;
    expect(azure).toContain('trial_timeout: 30');
    const imported = parseSweepJobText(azure);
    expect(imported.origin).toBe('azure');
    expect(imported.spec.limits.trial_timeout).toBe(30);
    expect(imported.hyperDriveConfigOptions.trialTimeoutSeconds).toBe(30);
    expect(imported.warnings).toEqual([]);
    const shared = await decodeShareLink(await encodeShareLink(parseSweepFile(spec).spec, 'https://example.org/'));
    expect(shared.spec.limits.trial_timeout).toBe(30);
    expect(shared.hyperDriveConfigOptions.trialTimeoutSeconds).toBe(30);
    expect(shared.warnings).toEqual([]);
  });

  it('accepts the extremes of each range', () => {
    expect(options({ max_total_trials: 1, max_concurrent_trials: 1 }).hyperDriveConfigOptions).toMatchObject({
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
    });
    expect(options({ max_total_trials: 1000, max_concurrent_trials: 100 }).hyperDriveConfigOptions).toMatchObject({
      maxTotalRuns: 1000,
      maxConcurrentRuns: 100,
    });
  });
});

describe('objective, trial, backend, metadata and defaults', () => {
  it('maps the goal case-insensitively', () => {
    for (const [goal, expected] of [
      ['maximize', PrimaryMetricGoal.MAXIMIZE],
      ['MAXIMIZE', PrimaryMetricGoal.MAXIMIZE],
      ['Minimize', PrimaryMetricGoal.MINIMIZE],
      ['minimize', PrimaryMetricGoal.MINIMIZE],
    ] as const) {
      const parsed = parseSweepFile({ ...base(), objective: { primary_metric: 'loss', goal } });
      expect(parsed.hyperDriveConfigOptions.primaryMetricGoal).toBe(expected);
      expect(parsed.hyperDriveConfigOptions.primaryMetricName).toBe('loss');
      expect(parsed.spec.objective.goal).toBe(expected.toLowerCase());
    }
  });

  it('maps each trial form', () => {
    const trial = (t: unknown) => parseSweepFile({ ...base(), trial: t });
    expect(trial('spiral').hyperDriveConfigOptions.trial).toEqual({ kind: 'builtin', name: 'spiral' });
    expect(trial('spiral').spec.trial).toEqual({ builtin: 'spiral' });
    expect(trial({ builtin: 'digits-cnn' }).hyperDriveConfigOptions.trial).toEqual({
      kind: 'builtin',
      name: 'digits-cnn',
    });
    expect(trial({ module: './trials/my-train.js' }).hyperDriveConfigOptions.trial).toEqual({
      kind: 'module',
      url: './trials/my-train.js',
    });
    expect(trial({ module: 'https://example.org/train.mjs' }).spec.trial).toEqual({
      module: 'https://example.org/train.mjs',
    });
  });

  it('checks built-in names against a list when one is given', () => {
    const builtinTrials = ['digits-mlp', 'digits-cnn', 'spiral'];
    expect(parseSweepFile(base(), { builtinTrials }).hyperDriveConfigOptions.trial).toEqual({
      kind: 'builtin',
      name: 'digits-mlp',
    });
    expect(() => parseSweepFile({ ...base(), trial: 'mnist' }, { builtinTrials })).toThrow(
      'trial: must be one of the built-in examples: digits-mlp, digits-cnn, spiral (got "mnist")',
    );
    expect(parseSweepFile({ ...base(), trial: 'mnist' }).spec.trial).toEqual({ builtin: 'mnist' });
  });

  it('fills the defaults', () => {
    const parsed = parseSweepFile(base());
    expect(parsed.experimentName).toBe('default');
    expect(parsed.spec.type).toBe('sweep');
    expect(parsed.spec.experiment_name).toBe('default');
    expect('backend' in parsed).toBe(false);
    expect('backend' in parsed.spec).toBe(false);
  });

  it('passes the backend and experiment name through', () => {
    const parsed = parseSweepFile({ ...base(), experiment_name: 'digits_2024-a', backend: 'webgpu' });
    expect(parsed.experimentName).toBe('digits_2024-a');
    expect(parsed.backend).toBe('webgpu');
    expect(parsed.spec.backend).toBe('webgpu');
  });

  it('keeps the Azure bookkeeping fields it accepts', () => {
    const metadata = {
      $schema: 'https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json',
      type: 'sweep',
      name: 'sweep-job-01',
      display_name: 'Digits <sweep> ✨',
      description: 'Line one\nline two',
      tags: { team: 'vision', version: 2, prod: false },
      properties: { owner: 'me' },
      compute: 'azureml:cpu-cluster',
    };
    const parsed = parseSweepFile({ ...base(), ...metadata });
    expect(parsed.spec).toMatchObject(metadata);
  });

  it('builds options HyperDriveConfig accepts, with the same config spec', () => {
    const parsed = parseSweepFile({
      ...base(),
      early_termination: { type: 'bandit', slack_factor: 0.1, delay_evaluation: 5 },
      limits: { max_total_trials: 20, max_concurrent_trials: 4, timeout: 3600 },
    } satisfies Record<string, unknown>);
    const config = new HyperDriveConfig(parsed.hyperDriveConfigOptions);
    expect(config.toRecord()).toMatchObject({
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 20,
      maxConcurrentRuns: 4,
      maxDurationMinutes: 60,
      policy: { kind: 'bandit', options: { slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 5 } },
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
  });

  it('type-checks a hand-written spec with SweepFileInput', () => {
    const input: SweepFileInput = {
      search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 }, epochs: 3 },
      sampling_algorithm: { type: 'random', seed: 1 },
      objective: { primary_metric: 'accuracy', goal: 'MAXIMIZE' },
      limits: { max_total_trials: 4 },
      trial: 'spiral',
    };
    expect(parseSweepFile(input).hyperDriveConfigOptions.maxTotalRuns).toBe(4);
  });

  it('returns frozen results', () => {
    const parsed = parseSweepFile(base());
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.spec)).toBe(true);
    expect(Object.isFrozen(parsed.spec.search_space)).toBe(true);
    expect(Object.isFrozen(parsed.hyperDriveConfigOptions)).toBe(true);
  });

  it('does not read inherited properties or mutate its input', () => {
    const input = base();
    const snapshot = JSON.stringify(input);
    parseSweepFile(input);
    expect(JSON.stringify(input)).toBe(snapshot);
    const inherited = Object.create({ limits: { max_total_trials: 0 } }) as Record<string, unknown>;
    Object.assign(inherited, base());
    // Not a plain object: refused as a whole rather than half-read.
    expect(() => parseSweepFile(inherited)).toThrow(ConfigError);
  });
});

describe('source', () => {
  it('prefixes messages with the source and keeps field, rule and value', () => {
    const error = (() => {
      try {
        parseSweepFile({ ...base(), limits: { max_total_trials: 0 } }, { source: 'my-spec.json' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SweepFileError);
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as SweepFileError;
    expect(e.field).toBe('limits.max_total_trials');
    expect(e.rule).toBe('must be an integer between 1 and 1000');
    expect(e.value).toBe(0);
    expect(e.source).toBe('my-spec.json');
    expect(e.message).toBe('my-spec.json: limits.max_total_trials: must be an integer between 1 and 1000 (got 0)');
  });
});
