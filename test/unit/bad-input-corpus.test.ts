import { describe, expect, it } from 'vitest';
import {
  AshaPolicy,
  BanditPolicy,
  ConfigError,
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  HyperbandPolicy,
  MedianStoppingPolicy,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  TruncationSelectionPolicy,
  Workspace,
  choice,
  lognormal,
  loguniform,
  normal,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  randint,
  range,
  uniform,
  type HyperDriveConfigOptions,
  type TrainFunction,
} from '../../src/index.js';
import { describeValue } from '../../src/errors.js';
import { sequentialIds } from './helpers.js';

/*
 * Issue 8's corpus for the JavaScript API: configurations, search spaces and policy options a
 * caller can get wrong, generated field by field. Every one must be refused with a ConfigError
 * naming the field, the rule and the value, before anything is written to the store. (Spec files
 * and exported sweep documents have their own corpora: spec-malformed.test.ts and
 * export-sweep.test.ts.)
 */

const BAD_NUMBERS: readonly unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1', null, true, {}, [], 'NaN'];
const train: TrainFunction = (_p, run) => run.log('accuracy', 1);

function base(patch: Partial<Record<keyof HyperDriveConfigOptions, unknown>> = {}): HyperDriveConfigOptions {
  return {
    hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }, { seed: 1 }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 5,
    train,
    ...patch,
  } as HyperDriveConfigOptions;
}

const cases: { readonly name: string; readonly make: () => unknown }[] = [];
const add = (name: string, make: () => unknown): void => {
  cases.push({ name, make });
};
const space = (definition: Record<string, unknown>) => () => new RandomParameterSampling(definition as never);

// --- Expressions: every argument of every expression, with every kind of wrong value.
const bounded = { uniform, loguniform } as const;
for (const [kind, make] of Object.entries(bounded)) {
  add(`${kind} low > high`, space({ x: make(5, 1) }));
  add(`${kind} low = high`, space({ x: make(2, 2) }));
  for (const bad of BAD_NUMBERS) {
    add(`${kind} low ${describeValue(bad)}`, space({ x: make(bad as number, 1) }));
    add(`${kind} high ${describeValue(bad)}`, space({ x: make(0, bad as number) }));
  }
}
const quantized = { quniform, qloguniform } as const;
for (const [kind, make] of Object.entries(quantized)) {
  add(`${kind} low > high`, space({ x: make(5, 1, 1) }));
  for (const q of [0, -1, Number.NaN, '1', null]) add(`${kind} q ${describeValue(q)}`, space({ x: make(0, 10, q as number) }));
}
const gaussian = { normal, lognormal } as const;
for (const [kind, make] of Object.entries(gaussian)) {
  add(`${kind} sigma < 0`, space({ x: make(0, -1) }));
  for (const bad of BAD_NUMBERS) add(`${kind} mu ${describeValue(bad)}`, space({ x: make(bad as number, 1) }));
  for (const bad of BAD_NUMBERS) add(`${kind} sigma ${describeValue(bad)}`, space({ x: make(0, bad as number) }));
}
const qgaussian = { qnormal, qlognormal } as const;
for (const [kind, make] of Object.entries(qgaussian)) {
  add(`${kind} sigma < 0`, space({ x: make(0, -1, 1) }));
  for (const q of [0, -0.5, Number.NaN, 'x']) add(`${kind} q ${describeValue(q)}`, space({ x: make(0, 1, q as number) }));
}
for (const upper of [0, -1, 1.5, Number.NaN, '3', null, Number.POSITIVE_INFINITY]) add(`randint(${describeValue(upper)})`, space({ x: randint(upper as number) }));
add('choice()', space({ x: choice() }));
add('choice([])', space({ x: choice([]) }));
for (const option of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, () => 1, [[1, 2]], Symbol('s')]) {
  add(`choice(${describeValue(option)})`, space({ x: choice(option as never) }));
}
add('range with step 0', space({ x: choice(range(1, 5, 0)) }));
add('an empty range', space({ x: choice(range(5, 1)) }));
add('names colliding after dash stripping', space({ '--lr': uniform(0, 1), lr: uniform(0, 1) }));
add('a name of dashes only', space({ '--': uniform(0, 1) }));
add('a __proto__ name', space(JSON.parse('{"__proto__": 1}') as Record<string, unknown>));
add('a raw object as a parameter', space({ x: { low: 0, high: 1 } }));
add('an empty space', space({}));
add('a space that is not an object', () => new RandomParameterSampling('lr' as never));
add('random seed NaN', () => new RandomParameterSampling({ x: uniform(0, 1) }, { seed: Number.NaN }));
add('random rule unknown', () => new RandomParameterSampling({ x: uniform(0, 1) }, { rule: 'halton' as never }));
add('random unknown option', () => new RandomParameterSampling({ x: uniform(0, 1) }, { sead: 1 } as never));
add('grid over a uniform', () => new GridParameterSampling({ a: choice(1, 2), lr: uniform(0, 1) }));
add('grid over a normal', () => new GridParameterSampling({ mu: normal(0, 1) }));
add('grid with an option', () => new GridParameterSampling({ a: choice(1) }, { seed: 1 } as never));

// --- HyperDriveConfig fields.
for (const v of [0, -1, 1001, 1.5, Number.NaN, '5', null, Number.POSITIVE_INFINITY, 1e9, undefined]) add(`maxTotalRuns ${describeValue(v)}`, () => new HyperDriveConfig(base({ maxTotalRuns: v })));
for (const v of [0, 101, 2.5, '2', Number.NaN, -3]) add(`maxConcurrentRuns ${describeValue(v)}`, () => new HyperDriveConfig(base({ maxConcurrentRuns: v })));
for (const v of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10', null]) add(`maxDurationMinutes ${describeValue(v)}`, () => new HyperDriveConfig(base({ maxDurationMinutes: v })));
for (const v of ['', '   ', 5, 'a\u0000b', 'x'.repeat(300), null]) add(`primaryMetricName ${describeValue(v)}`, () => new HyperDriveConfig(base({ primaryMetricName: v })));
for (const v of ['max', 'maximize', 1, null]) add(`primaryMetricGoal ${describeValue(v)}`, () => new HyperDriveConfig(base({ primaryMetricGoal: v })));
add('sampling a plain object', () => new HyperDriveConfig(base({ hyperparameterSampling: { lr: uniform(0, 1) } })));
add('policy a plain object', () => new HyperDriveConfig(base({ policy: { slackFactor: 0.1 } })));
add('train not a function', () => new HyperDriveConfig(base({ train: 'train.py' })));
add('train and trial both', () => new HyperDriveConfig(base({ trial: { kind: 'builtin', name: 'spiral' } })));
add('trial of an unknown kind', () => new HyperDriveConfig({ ...base(), train: undefined, trial: { kind: 'python', url: 'x' } } as never));
add('module trial without a URL', () => new HyperDriveConfig({ ...base(), train: undefined, trial: { kind: 'module', url: ' ' } } as never));
add('an unknown option', () => new HyperDriveConfig({ ...base(), maxTotalRun: 5 } as never));
add('resumeFrom of ids', () => new HyperDriveConfig(base({ resumeFrom: ['HD_1'] })));
add('resumeChildRuns not an array', () => new HyperDriveConfig(base({ resumeChildRuns: 'HD_1_0' })));
add('a config that is not an object', () => new HyperDriveConfig(null as never));

// --- Policy options.
add('bandit with no slack', () => new BanditPolicy({} as never));
add('bandit with both slacks', () => new BanditPolicy({ slackFactor: 0.1, slackAmount: 0.1 } as never));
for (const v of [0, -0.1, Number.NaN, '0.1', Number.POSITIVE_INFINITY]) add(`bandit slackFactor ${describeValue(v)}`, () => new BanditPolicy({ slackFactor: v as number }));
for (const v of [0, -0.1, Number.NaN, '0.1', null]) add(`bandit slackAmount ${describeValue(v)}`, () => new BanditPolicy({ slackAmount: v as number }));
for (const v of [0, 1.5, -1, '1']) add(`evaluationInterval ${describeValue(v)}`, () => new MedianStoppingPolicy({ evaluationInterval: v as number }));
for (const v of [-1, 2.5, '5', Number.NaN]) add(`delayEvaluation ${describeValue(v)}`, () => new MedianStoppingPolicy({ delayEvaluation: v as number }));
add('median unknown option', () => new MedianStoppingPolicy({ slackFactor: 0.1 } as never));
for (const v of [0, 100, 50.5, -5, '20', undefined]) add(`truncationPercentage ${describeValue(v)}`, () => new TruncationSelectionPolicy({ truncationPercentage: v as number }));
add('excludeFinishedJobs "yes"', () => new TruncationSelectionPolicy({ truncationPercentage: 20, excludeFinishedJobs: 'yes' as never }));
for (const v of [1, 0, -2, Number.NaN]) add(`ASHA reductionFactor ${describeValue(v)}`, () => new AshaPolicy({ reductionFactor: v }));
add('ASHA minInterval 0', () => new AshaPolicy({ minInterval: 0 }));
add('ASHA maxInterval below minInterval', () => new AshaPolicy({ minInterval: 9, maxInterval: 3 }));
add('Hyperband without maxInterval', () => new HyperbandPolicy({} as never));
add('Hyperband brackets 0', () => new HyperbandPolicy({ maxInterval: 27, brackets: 0 }));

describe('the JavaScript API refuses bad input before anything runs', () => {
  it('has a large corpus, every name unique', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, { make }) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.field.length).toBeGreaterThan(0);
    expect(error.rule.length).toBeGreaterThan(0);
    // The rule in its own words, or a message written for this case that states it otherwise.
    expect(error.message.includes(error.rule) || !error.message.startsWith(`${error.field}:`)).toBe(true);
    const leaf = error.field.split(/[.[\]]/).filter(Boolean).at(-1) ?? error.field;
    expect(error.message).toContain(leaf.replace(/^-+/, ''));
  });

  it('a refused configuration writes nothing to the store', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({ store, createSweepId: sequentialIds() });
    for (const { make } of cases) {
      try {
        const made = make();
        // Only complete configs can be submitted; anything else already failed above.
        if (made instanceof HyperDriveConfig) new Experiment(workspace, 'corpus').submit(made);
      } catch {
        // Refused, as the corpus test above checks.
      }
    }
    expect(await store.listExperiments('overdrive')).toEqual([]);
    expect(await store.listSweeps('overdrive')).toEqual([]);
  });
});

describe('metrics a training function may log', () => {
  it('a non-number fails only its run; NaN and ±Infinity are recorded but never best', async () => {
    const hostile: readonly unknown[] = ['0.9', null, undefined, {}, [], true, 10n, Symbol('m')];
    const values: readonly number[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, 0.5];
    const store = new MemoryStore();
    const workspace = new Workspace({ store, createSweepId: sequentialIds('HD_metric') });
    const sweep = new Experiment(workspace, 'metrics').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ i: choice(...hostile.map((_, i) => i), 100) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: hostile.length + 1,
        maxConcurrentRuns: 3,
        train: (params, run) => {
          const i = Number(params['i']);
          if (i === 100) {
            for (const v of values) run.log('accuracy', v);
            return;
          }
          run.log('accuracy', hostile[i] as number);
        },
      }),
    );
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Completed');
    const runs = sweep.getChildren();
    for (const run of runs.slice(0, hostile.length)) {
      expect(run.status).toBe('Failed');
      expect(run.error?.message).toMatch(/^TypeError: run\.log\("accuracy"\): value must be a number \(got /);
    }
    const numeric = runs.at(-1);
    expect(numeric?.status).toBe('Completed');
    expect(numeric?.intervals).toBe(values.length);
    expect(numeric?.bestMetric).toBe(1e308);
    const stored = (await store.listMetrics(sweep.id, numeric?.id)).map((p) => p.value);
    expect(stored).toEqual(values);
  });
});
