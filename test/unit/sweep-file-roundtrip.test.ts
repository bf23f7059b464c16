import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { HyperDriveConfig, type HyperDriveConfigOptions } from '../../src/experiment/config.js';
import { configFromRecord } from '../../src/experiment/config-from-record.js';
import { Experiment, MemoryStore, SeededRandom, Workspace, type PriorRun, type PriorSweep } from '../../src/index.js';
import { BUILTIN_EXAMPLES } from '../../src/examples/registry.js';
import { BanditPolicy } from '../../src/policy/index.js';
import { GridParameterSampling, RandomParameterSampling } from '../../src/sampling/index.js';
import { choice, loguniform, range, uniform, type SearchSpaceDefinition } from '../../src/space/index.js';
import {
  minutesToSeconds,
  parseSweepFile,
  parseSweepFileText,
  toSweepFile,
  type ParsedSweepFile,
  type SweepFile,
} from '../../src/sweep-file/index.js';
import type { SweepConfigRecord } from '../../src/store/records.js';
import { sequentialIds, tick } from './helpers.js';

const examplesDir = join(import.meta.dirname, '../../examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));

/** Spec → config → stored config → spec → config: everything must come back the same. */
function roundTrip(parsed: ParsedSweepFile): { spec: SweepFile; stored: SweepConfigRecord; again: SweepConfigRecord } {
  const stored = new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord();
  const { spec: exported, warnings } = toSweepFile(
    JSON.parse(JSON.stringify(stored)) as SweepConfigRecord,
    parsed.spec,
  );
  // Nothing in a sweep made from a spec is beyond the spec.
  expect(warnings).toEqual([]);
  const reparsed = parseSweepFile(JSON.parse(JSON.stringify(exported)));
  return { spec: reparsed.spec, stored, again: new HyperDriveConfig(reparsed.hyperDriveConfigOptions).toRecord() };
}

describe('examples/*.json', () => {
  it('has the three documented examples', () => {
    expect(exampleFiles).toEqual(expect.arrayContaining(['digits-mlp.json', 'digits-cnn.json', 'spiral.json']));
  });

  it.each(exampleFiles)('%s parses, builds a config without warnings, and round-trips losslessly', (file) => {
    const parsed = parseSweepFileText(readFileSync(join(examplesDir, file), 'utf8'), {
      source: file,
      builtinTrials: BUILTIN_EXAMPLES,
    });
    const config = new HyperDriveConfig(parsed.hyperDriveConfigOptions);
    expect(config.warnings).toEqual([]);
    const { spec, stored, again } = roundTrip(parsed);
    expect(spec).toEqual(parsed.spec);
    expect(again).toEqual(stored);
    expect(toSweepFile(stored, parsed.spec)).toEqual({ spec: parsed.spec, warnings: [] });
  });

  it('digits-mlp: seeded random sampling, Bandit, 12 trials 2 at a time, few epochs', () => {
    const parsed = parseSweepFileText(readFileSync(join(examplesDir, 'digits-mlp.json'), 'utf8'));
    const options = parsed.hyperDriveConfigOptions;
    expect(options.hyperparameterSampling).toBeInstanceOf(RandomParameterSampling);
    expect((options.hyperparameterSampling as RandomParameterSampling).seed).toBeDefined();
    expect(options.policy).toBeInstanceOf(BanditPolicy);
    expect(options).toMatchObject({ maxTotalRuns: 12, maxConcurrentRuns: 2 });
    expect(options.trial).toEqual({ kind: 'builtin', name: 'digits-mlp' });
    expect(parsed.spec.search_space['epochs']).toBeLessThanOrEqual(10);
    expect(parsed.backend).toBe('wasm');
  });

  it('spiral: a grid that runs to its end', () => {
    const parsed = parseSweepFileText(readFileSync(join(examplesDir, 'spiral.json'), 'utf8'));
    expect(parsed.hyperDriveConfigOptions.hyperparameterSampling).toBeInstanceOf(GridParameterSampling);
    expect(parsed.hyperDriveConfigOptions.maxTotalRuns).toBe(
      parsed.hyperDriveConfigOptions.hyperparameterSampling.size,
    );
  });
});

describe('toSweepFile', () => {
  const base = {
    search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
    sampling_algorithm: 'random',
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    trial: 'digits-mlp',
  };
  const variants: [string, Record<string, unknown>][] = [
    ['defaults only', {}],
    [
      'every expression type, constants and dashes',
      {
        search_space: {
          '--a': { type: 'choice', values: [1, 'two', false] },
          b: { type: 'randint', upper: 9 },
          c: { type: 'uniform', min_value: -1, max_value: 1 },
          d: { type: 'loguniform', min_value: -9, max_value: 0 },
          e: { type: 'quniform', min_value: 0, max_value: 100, q: 5 },
          f: { type: 'qloguniform', min_value: 0, max_value: 4, q: 1 },
          g: { type: 'normal', mu: 0, sigma: 2 },
          h: { type: 'lognormal', mu: 1, sigma: 0 },
          i: { type: 'qnormal', mu: 5, sigma: 1, q: 0.1 },
          j: { type: 'qlognormal', mu: 0, sigma: 1, q: 2 },
          k: 7,
          l: 'const',
        },
      },
    ],
    [
      'nested choice',
      {
        search_space: {
          model: {
            type: 'choice',
            values: [
              { type: 'svm', C: { type: 'loguniform', min_value: -3, max_value: 3 } },
              { depth: { type: 'randint', upper: 4 } },
              'none',
            ],
          },
        },
      },
    ],
    ['seeded sobol', { sampling_algorithm: { type: 'random', seed: 123, rule: 'sobol' } }],
    ['string seed', { sampling_algorithm: { type: 'random', seed: 'abc' } }],
    [
      'grid',
      {
        search_space: { a: { type: 'choice', values: [1, 2] }, b: 3 },
        sampling_algorithm: 'grid',
        limits: { max_total_trials: 2 },
      },
    ],
    [
      'bandit slack_amount',
      { early_termination: { type: 'bandit', slack_amount: 0.02, evaluation_interval: 2, delay_evaluation: 4 } },
    ],
    ['median_stopping', { early_termination: { type: 'median_stopping', delay_evaluation: 5 } }],
    [
      'truncation_selection',
      { early_termination: { type: 'truncation_selection', truncation_percentage: 30, exclude_finished_jobs: true } },
    ],
    [
      'minimize, module trial, odd timeouts',
      {
        objective: { primary_metric: 'loss', goal: 'MINIMIZE' },
        trial: { module: 'https://x.test/t.js' },
        limits: { max_total_trials: 50, max_concurrent_trials: 3, timeout: 100, trial_timeout: 7.5 },
      },
    ],
    ['a fractional timeout', { limits: { timeout: 0.1 } }],
    [
      'metadata and backend',
      {
        $schema: 'https://example.test/s.json',
        name: 'job-1',
        display_name: 'Job <1>',
        description: 'd',
        tags: { a: 1 },
        properties: { p: 'q' },
        compute: 'local',
        experiment_name: 'exp',
        backend: 'cpu',
      },
    ],
  ];
  it.each(variants)('round-trips: %s', (_name, variant) => {
    const parsed = parseSweepFile({ ...base, ...variant });
    const { spec, stored, again } = roundTrip(parsed);
    expect(spec).toEqual(parsed.spec);
    expect(again).toEqual(stored);
  });

  it('limits.trial_timeout is stored in the config as trialTimeoutSeconds and exported from it alone', () => {
    const parsed = parseSweepFile({ ...base, limits: { max_total_trials: 4, trial_timeout: 7.5 } });
    const stored = JSON.parse(
      JSON.stringify(new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord()),
    ) as SweepConfigRecord;
    expect(stored.trialTimeoutSeconds).toBe(7.5);
    // No extras: the stored config says it all.
    const { spec, warnings } = toSweepFile(stored, { experiment_name: parsed.spec.experiment_name });
    expect(warnings).toEqual([]);
    expect(spec.limits).toEqual({ max_total_trials: 4, max_concurrent_trials: 4, timeout: 604800, trial_timeout: 7.5 });
    expect(configFromRecord(stored).trialTimeoutSeconds).toBe(7.5);
    // Without a trial timeout, none appears anywhere.
    const plain = new HyperDriveConfig(
      parseSweepFile({ ...base, limits: { max_total_trials: 4 } }).hyperDriveConfigOptions,
    ).toRecord();
    expect(plain).not.toHaveProperty('trialTimeoutSeconds');
    expect(toSweepFile(plain).spec.limits).not.toHaveProperty('trial_timeout');
    expect(configFromRecord(plain).trialTimeoutSeconds).toBeUndefined();
  });

  it('exports a sweep configured in code: ranges expanded, dashes kept, a function trial replaced', () => {
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        { '--learning_rate': loguniform(-5, -1), layers: choice(range(1, 4)), keep: uniform(0.5, 1) },
        { seed: 3 },
      ),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 5,
      maxDurationMinutes: 0.5,
      policy: new BanditPolicy({ slackFactor: 0.2 }),
      train: async function trainToy() {},
    });
    expect(() => toSweepFile(config.toRecord())).toThrow(ConfigError);
    expect(() => toSweepFile(config.toRecord())).toThrow(/^trial: is a training function.*\(got "trainToy"\)$/);
    const { spec, warnings } = toSweepFile(config.toRecord(), {
      trial: { module: './toy.js' },
      experiment_name: 'toy',
    });
    expect(warnings).toEqual([]);
    expect(spec).toEqual({
      type: 'sweep',
      experiment_name: 'toy',
      search_space: {
        '--learning_rate': { type: 'loguniform', min_value: -5, max_value: -1 },
        layers: { type: 'choice', values: [1, 2, 3] },
        keep: { type: 'uniform', min_value: 0.5, max_value: 1 },
      },
      sampling_algorithm: { type: 'random', seed: 3, rule: 'random' },
      objective: { primary_metric: 'accuracy', goal: 'maximize' },
      early_termination: { type: 'bandit', slack_factor: 0.2, evaluation_interval: 1, delay_evaluation: 0 },
      limits: { max_total_trials: 5, max_concurrent_trials: 5, timeout: 30 },
      trial: { module: './toy.js' },
    });
  });

  describe('a warm-started sweep: the spec has no field for where it started, so the export says what it drops', () => {
    /** A real finished parent sweep whose runs checkpoint each epoch, in an in-memory workspace. */
    async function parent(): Promise<{ prior: PriorSweep; runs: PriorRun[] }> {
      const ws = new Workspace({
        store: new MemoryStore(),
        createSweepId: sequentialIds('HD_parent'),
        random: new SeededRandom(1),
      });
      const sweep = new Experiment(ws, 'parent').submit(
        new HyperDriveConfig({
          hyperparameterSampling: new GridParameterSampling({ lr: choice(0.01, 0.02) }),
          primaryMetricName: 'val_accuracy',
          primaryMetricGoal: 'MAXIMIZE',
          maxTotalRuns: 2,
          train: async (params, run) => {
            for (let epoch = 1; epoch <= 2; epoch++) {
              run.log('val_accuracy', Number(params['lr']) * epoch);
              await run.checkpoint(null, { epoch });
              await tick();
            }
          },
        }),
      );
      await sweep.waitForCompletion();
      return { prior: await sweep.toPrior(), runs: await ws.loadPriorRuns(sweep.id) };
    }
    const options = (patch: Partial<HyperDriveConfigOptions>): HyperDriveConfigOptions => ({
      hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0.001, 0.1) }, { seed: 5 }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 6,
      trial: { kind: 'builtin', name: 'digits-mlp' },
      ...patch,
    });

    it('resumeFrom: dropped with a warning naming the field and the parent sweeps', async () => {
      const { prior } = await parent();
      const warm = new HyperDriveConfig(options({ resumeFrom: [prior] })).toRecord();
      expect(warm.resumeFrom).toEqual(['HD_parent0']);
      const exported = toSweepFile(warm);
      // The search itself is exported whole: the same spec as the cold sweep's.
      expect(exported.spec).toEqual(toSweepFile(new HyperDriveConfig(options({})).toRecord()).spec);
      expect(exported.warnings).toEqual([
        {
          field: 'resumeFrom',
          message:
            'is not exported (the sweep spec has no field for warm start): the exported sweep starts without the results of 1 earlier sweep HD_parent0',
        },
      ]);
    });

    it('resumeChildRuns: dropped with a warning naming the field and each run', async () => {
      const { prior, runs } = await parent();
      const warm = new HyperDriveConfig(options({ resumeFrom: [prior], resumeChildRuns: runs })).toRecord();
      expect(warm.resumeChildRuns).toHaveLength(2);
      const { warnings } = toSweepFile(JSON.parse(JSON.stringify(warm)) as SweepConfigRecord);
      expect(warnings.map((w) => w.field)).toEqual(['resumeFrom', 'resumeChildRuns']);
      expect(warnings[1]?.message).toBe(
        'is not exported (the sweep spec has no field for resumed runs): the exported sweep does not continue ' +
          '2 runs HD_parent0_0 (sweep HD_parent0), HD_parent0_1 (sweep HD_parent0) from their checkpoints',
      );
    });

    it('empty lists are nothing dropped', () => {
      const stored = new HyperDriveConfig(options({})).toRecord();
      expect(toSweepFile({ ...stored, resumeFrom: [], resumeChildRuns: [] }).warnings).toEqual([]);
    });
  });

  it('refuses what the spec format cannot say, naming the spec field', () => {
    const config = (definition: SearchSpaceDefinition): SweepConfigRecord =>
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling(definition),
        primaryMetricName: 'acc',
        primaryMetricGoal: 'MAXIMIZE',
        maxTotalRuns: 2,
        trial: { kind: 'builtin', name: 'spiral' },
      }).toRecord();
    expect(() => toSweepFile(config({ 'learning rate': choice(0.1, 0.2) }))).toThrow(
      'search_space.learning rate: must consist of ASCII letters',
    );
    const stored = config({ a: choice(1, 2) });
    expect(() => toSweepFile({ ...stored, sampling: { ...stored.sampling, options: { seed: 1 } } })).toThrow(
      'sampling_algorithm.seed: is a grid sampling option the sweep spec has no field for, so it cannot be exported (got 1)',
    );
    expect(() =>
      toSweepFile({ ...stored, policy: { kind: 'bandit', options: { slackFactor: 0.1, warmup: 3 } } }),
    ).toThrow('early_termination.warmup: is a bandit option the sweep spec has no field for');
    expect(() =>
      toSweepFile({ ...stored, sampling: { ...stored.sampling, space: { a: { kind: 'uniform', low: 2, high: 1 } } } }),
    ).toThrow(/^search_space\.a: uniform\(low=2, high=1\) for "a": low must be < high/);
    const nested = { '--model': { kind: 'choice', options: ['x', { C: { kind: 'uniform', low: 2, high: 1 } }] } };
    expect(() => toSweepFile({ ...stored, sampling: { ...stored.sampling, space: nested } })).toThrow(
      /^search_space\.model\.values\[1\]\.C: uniform\(low=2, high=1\) for "model\[1\]\.C": low must be < high/,
    );
  });

  it('minutesToSeconds inverts timeout / 60 exactly', () => {
    for (const seconds of [
      1, 7, 30, 59, 60, 61, 90, 100, 333, 900, 3600, 5400, 86_399, 604_800, 0.1, 0.25, 2.5, 7.3, 1e-3, 12_345.678,
    ]) {
      expect(minutesToSeconds(seconds / 60)).toBe(seconds);
    }
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const seconds = (x % 1_000_000) / 100 + 0.01;
      const minutes = seconds / 60;
      expect(minutesToSeconds(minutes) / 60).toBe(minutes);
    }
  });
});
