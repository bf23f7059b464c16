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
  type Sweep,
  type TrainFunction,
} from '../../src/index.js';
import { describeValue } from '../../src/errors.js';
import { sequentialIds } from './helpers.js';

/*
 * Issue 8's corpus for the JavaScript API: configurations, search spaces, policy options and
 * experiment names a caller can get wrong, generated field by field. Each case states the field
 * the error must name, words of the rule, and how the message must show the value given; each
 * is tried along the whole path a program takes (construct, then submit to a workspace on a
 * MemoryStore), which must write nothing. (Spec files and exported sweep documents have their
 * own corpora: sweep-file-malformed.test.ts and export-malformed.test.ts.)
 */

const BAD_NUMBERS: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '1',
  null,
  true,
  {},
  [],
  'NaN',
];
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

/** What a refusal must say: the field, words of the rule, and the value as the message shows it. */
interface Expected {
  readonly field: string;
  /** Words of the rule, found in both `error.rule` and the message. */
  readonly rule: string;
  /** How the message names the field; the field itself unless the message words it otherwise. */
  readonly names?: string;
  /** How the message shows the value given. */
  readonly shows: string;
}

interface Case extends Expected {
  readonly name: string;
  /** Builds what a program would pass; cases about the experiment submit to `workspace` themselves. */
  readonly make: (workspace: Workspace) => unknown;
}

const cases: Case[] = [];
const add = (name: string, make: Case['make'], expected: Expected): void => {
  cases.push({ name, make, ...expected });
};
/** The standard wording, `field: rule (got value)`. */
const got = (field: string, rule: string, value: unknown): Expected => ({
  field,
  rule,
  shows: `(got ${describeValue(value)})`,
});
/** An expression's error: `uniform(low=5, high=1) for "x": low must be < high`. */
const expression = (rule: string, shows: string): Expected => ({ field: 'x', names: 'for "x"', rule, shows });
const space = (definition: Record<string, unknown>) => () => new RandomParameterSampling(definition as never);
const dv = describeValue;

// --- Expressions: every argument of every expression, with every kind of wrong value.
const bounded = { uniform, loguniform } as const;
for (const [kind, make] of Object.entries(bounded)) {
  add(`${kind} low > high`, space({ x: make(5, 1) }), expression('low must be < high', `${kind}(low=5, high=1)`));
  add(`${kind} low = high`, space({ x: make(2, 2) }), expression('low must be < high', `${kind}(low=2, high=2)`));
  for (const bad of BAD_NUMBERS) {
    add(
      `${kind} low ${dv(bad)}`,
      space({ x: make(bad as number, 1) }),
      expression('low must be a finite number', `${kind}(low=${dv(bad)}, high=1)`),
    );
    add(
      `${kind} high ${dv(bad)}`,
      space({ x: make(0, bad as number) }),
      expression('high must be a finite number', `${kind}(low=0, high=${dv(bad)})`),
    );
  }
}
const quantized = { quniform, qloguniform } as const;
for (const [kind, make] of Object.entries(quantized)) {
  add(
    `${kind} low > high`,
    space({ x: make(5, 1, 1) }),
    expression('low must be < high', `${kind}(low=5, high=1, q=1)`),
  );
  for (const q of [0, -1, Number.NaN, '1', null]) {
    add(
      `${kind} q ${dv(q)}`,
      space({ x: make(0, 10, q as number) }),
      expression('q must be a finite number > 0', `${kind}(low=0, high=10, q=${dv(q)})`),
    );
  }
}
const gaussian = { normal, lognormal } as const;
for (const [kind, make] of Object.entries(gaussian)) {
  add(
    `${kind} sigma < 0`,
    space({ x: make(0, -1) }),
    expression('sigma must be a finite number >= 0', `${kind}(mu=0, sigma=-1)`),
  );
  for (const bad of BAD_NUMBERS)
    add(
      `${kind} mu ${dv(bad)}`,
      space({ x: make(bad as number, 1) }),
      expression('mu must be a finite number', `${kind}(mu=${dv(bad)}, sigma=1)`),
    );
  for (const bad of BAD_NUMBERS)
    add(
      `${kind} sigma ${dv(bad)}`,
      space({ x: make(0, bad as number) }),
      expression('sigma must be a finite number >= 0', `${kind}(mu=0, sigma=${dv(bad)})`),
    );
}
const qgaussian = { qnormal, qlognormal } as const;
for (const [kind, make] of Object.entries(qgaussian)) {
  add(
    `${kind} sigma < 0`,
    space({ x: make(0, -1, 1) }),
    expression('sigma must be a finite number >= 0', `${kind}(mu=0, sigma=-1, q=1)`),
  );
  for (const q of [0, -0.5, Number.NaN, 'x']) {
    add(
      `${kind} q ${dv(q)}`,
      space({ x: make(0, 1, q as number) }),
      expression('q must be a finite number > 0', `${kind}(mu=0, sigma=1, q=${dv(q)})`),
    );
  }
}
for (const upper of [0, -1, 1.5, Number.NaN, '3', null, Number.POSITIVE_INFINITY]) {
  add(
    `randint(${dv(upper)})`,
    space({ x: randint(upper as number) }),
    expression('upper must be a positive integer', `randint(upper=${dv(upper)})`),
  );
}
add('choice()', space({ x: choice() }), expression('needs at least one option', 'choice()'));
add('choice([])', space({ x: choice([]) }), expression('needs at least one option', 'choice()'));
const optionRule = 'options[0] must be a finite number, a string, a boolean or a sub-space object';
for (const option of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol('s')]) {
  add(
    `choice(${dv(option)})`,
    space({ x: choice(option as never) }),
    expression(`${optionRule} (got ${dv(option)})`, `choice(${dv(option)})`),
  );
}
// A single array argument is the list of options, so its one option is the inner array.
add(
  'choice([[1,2]])',
  space({ x: choice([[1, 2]] as never) }),
  expression(`${optionRule} (got [1,2])`, 'choice([1,2])'),
);
add(
  'range with step 0',
  space({ x: choice(range(1, 5, 0)) }),
  expression('step must not be 0', 'range(start=1, stop=5, step=0)'),
);
add('an empty range', space({ x: choice(range(5, 1)) }), expression('is empty', 'range(start=5, stop=1, step=1)'));
add('names colliding after dash stripping', space({ '--lr': uniform(0, 1), lr: uniform(0, 1) }), {
  field: 'lr',
  names: 'parameters "--lr" and "lr"',
  rule: 'once leading dashes are stripped',
  shows: 'both become "lr"',
});
add('a name of dashes only', space({ '--': uniform(0, 1) }), {
  field: '--',
  names: 'parameter "--"',
  rule: 'empty once leading dashes are stripped',
  shows: '"--"',
});
add('a __proto__ name', space(JSON.parse('{"__proto__": 1}') as Record<string, unknown>), {
  field: '__proto__',
  names: 'parameter "__proto__"',
  rule: 'the name __proto__ is reserved by JavaScript',
  shows: '"__proto__"',
});
add('a raw object as a parameter', space({ x: { low: 0, high: 1 } }), {
  ...got('x', 'a plain object is not a parameter expression', { low: 0, high: 1 }),
  names: 'parameter "x"',
});
add('an empty space', space({}), got('searchSpace', 'must define at least one parameter', {}));
add(
  'a space that is not an object',
  () => new RandomParameterSampling('lr' as never),
  got('searchSpace', 'must be an object mapping parameter names to expressions or constants', 'lr'),
);
add(
  'random seed NaN',
  () => new RandomParameterSampling({ x: uniform(0, 1) }, { seed: Number.NaN }),
  got('RandomParameterSampling.seed', 'must be a finite integer or a non-empty string', Number.NaN),
);
add(
  'random rule unknown',
  () => new RandomParameterSampling({ x: uniform(0, 1) }, { rule: 'halton' as never }),
  got('RandomParameterSampling.rule', "must be 'random' or 'sobol'", 'halton'),
);
add(
  'random unknown option',
  () => new RandomParameterSampling({ x: uniform(0, 1) }, { sead: 1 } as never),
  got('RandomParameterSampling.sead', 'is not an option (the options are seed, rule)', 1),
);
add('grid over a uniform', () => new GridParameterSampling({ a: choice(1, 2), lr: uniform(0, 1) }), {
  field: 'lr',
  names: '"lr"',
  rule: 'GridParameterSampling accepts only choice expressions',
  shows: 'uniform(low=0, high=1)',
});
add('grid over a normal', () => new GridParameterSampling({ mu: normal(0, 1) }), {
  field: 'mu',
  names: '"mu"',
  rule: 'GridParameterSampling accepts only choice expressions',
  shows: 'normal(mu=0, sigma=1)',
});
add(
  'grid with an option',
  () => new GridParameterSampling({ a: choice(1) }, { seed: 1 } as never),
  got('GridParameterSampling.seed', 'is not an option (GridParameterSampling takes none)', 1),
);

// --- HyperDriveConfig fields.
for (const v of [0, -1, 1001, 1.5, Number.NaN, '5', null, Number.POSITIVE_INFINITY, 1e9, undefined]) {
  add(
    `maxTotalRuns ${dv(v)}`,
    () => new HyperDriveConfig(base({ maxTotalRuns: v })),
    got(
      'maxTotalRuns',
      v === undefined ? 'is required: an integer between 1 and 1000' : 'must be an integer between 1 and 1000',
      v,
    ),
  );
}
for (const v of [0, 101, 2.5, '2', Number.NaN, -3])
  add(
    `maxConcurrentRuns ${dv(v)}`,
    () => new HyperDriveConfig(base({ maxConcurrentRuns: v })),
    got('maxConcurrentRuns', 'must be an integer between 1 and 100', v),
  );
for (const v of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10', null])
  add(
    `maxDurationMinutes ${dv(v)}`,
    () => new HyperDriveConfig(base({ maxDurationMinutes: v })),
    got('maxDurationMinutes', 'must be a finite number > 0', v),
  );
for (const v of ['', '   ', 5, null])
  add(
    `primaryMetricName ${dv(v)}`,
    () => new HyperDriveConfig(base({ primaryMetricName: v })),
    got('primaryMetricName', 'must be a non-empty string', v),
  );
add(
  'primaryMetricName with a control character',
  () => new HyperDriveConfig(base({ primaryMetricName: 'a\u0000b' })),
  got('primaryMetricName', 'must not contain control characters', 'a\u0000b'),
);
add(
  'primaryMetricName of 300 characters',
  () => new HyperDriveConfig(base({ primaryMetricName: 'x'.repeat(300) })),
  got('primaryMetricName', 'must be at most 255 characters', 'x'.repeat(300)),
);
for (const v of ['max', 'maximize', 1, null])
  add(
    `primaryMetricGoal ${dv(v)}`,
    () => new HyperDriveConfig(base({ primaryMetricGoal: v })),
    got('primaryMetricGoal', 'must be one of "MAXIMIZE", "MINIMIZE"', v),
  );
const plainSpace = { lr: uniform(0, 1) };
add(
  'sampling a plain object',
  () => new HyperDriveConfig(base({ hyperparameterSampling: plainSpace })),
  got(
    'hyperparameterSampling',
    'must be a RandomParameterSampling, GridParameterSampling or BayesianParameterSampling',
    plainSpace,
  ),
);
add(
  'policy a plain object',
  () => new HyperDriveConfig(base({ policy: { slackFactor: 0.1 } })),
  got('policy', 'must be a BanditPolicy, MedianStoppingPolicy', { slackFactor: 0.1 }),
);
add(
  'train not a function',
  () => new HyperDriveConfig(base({ train: 'train.py' })),
  got('train', 'must be a training function train(params, run)', 'train.py'),
);
add(
  'train and trial both',
  () => new HyperDriveConfig(base({ trial: { kind: 'builtin', name: 'spiral' } })),
  got('trial', 'must not be given together with train: give exactly one', { kind: 'builtin', name: 'spiral' }),
);
add(
  'trial of an unknown kind',
  () => new HyperDriveConfig({ ...base(), train: undefined, trial: { kind: 'python', url: 'x' } } as never),
  got('trial.kind', 'must be one of "builtin", "module"', 'python'),
);
add(
  'module trial without a URL',
  () => new HyperDriveConfig({ ...base(), train: undefined, trial: { kind: 'module', url: ' ' } } as never),
  got('trial.url', 'must be the URL of an ES module exporting train(params, run)', ' '),
);
add(
  'an unknown option',
  () => new HyperDriveConfig({ ...base(), maxTotalRun: 5 } as never),
  got('maxTotalRun', 'is not a known option; known: hyperparameterSampling', 5),
);
add(
  'resumeFrom of ids',
  () => new HyperDriveConfig(base({ resumeFrom: ['HD_1'] })),
  got('resumeFrom[0]', 'must be an earlier sweep from workspace.loadPriorSweep(id) or sweep.toPrior()', 'HD_1'),
);
add(
  'resumeChildRuns not an array',
  () => new HyperDriveConfig(base({ resumeChildRuns: 'HD_1_0' })),
  got('resumeChildRuns', 'must be an array of earlier runs', 'HD_1_0'),
);
add(
  'a config that is not an object',
  () => new HyperDriveConfig(null as never),
  got('HyperDriveConfig', 'must be an object', null),
);

// --- Policy options.
add(
  'bandit with no slack',
  () => new BanditPolicy({} as never),
  got('BanditPolicy', 'needs exactly one of slackFactor and slackAmount; neither was given', {}),
);
add(
  'bandit with both slacks',
  () => new BanditPolicy({ slackFactor: 0.1, slackAmount: 0.1 } as never),
  got('BanditPolicy', 'needs exactly one of slackFactor and slackAmount; both were given', {
    slackFactor: 0.1,
    slackAmount: 0.1,
  }),
);
for (const v of [0, -0.1, Number.NaN, '0.1', Number.POSITIVE_INFINITY])
  add(
    `bandit slackFactor ${dv(v)}`,
    () => new BanditPolicy({ slackFactor: v as number }),
    got('BanditPolicy.slackFactor', 'must be a finite number > 0', v),
  );
for (const v of [0, -0.1, Number.NaN, '0.1', null])
  add(
    `bandit slackAmount ${dv(v)}`,
    () => new BanditPolicy({ slackAmount: v as number }),
    got('BanditPolicy.slackAmount', 'must be a finite number > 0', v),
  );
for (const v of [0, 1.5, -1, '1'])
  add(
    `evaluationInterval ${dv(v)}`,
    () => new MedianStoppingPolicy({ evaluationInterval: v as number }),
    got('MedianStoppingPolicy.evaluationInterval', 'must be an integer >= 1', v),
  );
for (const v of [-1, 2.5, '5', Number.NaN])
  add(
    `delayEvaluation ${dv(v)}`,
    () => new MedianStoppingPolicy({ delayEvaluation: v as number }),
    got('MedianStoppingPolicy.delayEvaluation', 'must be an integer >= 0', v),
  );
add(
  'median unknown option',
  () => new MedianStoppingPolicy({ slackFactor: 0.1 } as never),
  got('MedianStoppingPolicy.slackFactor', 'is not a known option; known: evaluationInterval, delayEvaluation', 0.1),
);
for (const v of [0, 100, 50.5, -5, '20', undefined]) {
  add(
    `truncationPercentage ${dv(v)}`,
    () => new TruncationSelectionPolicy({ truncationPercentage: v as number }),
    got(
      'TruncationSelectionPolicy.truncationPercentage',
      v === undefined ? 'is required and must be an integer between 1 and 99' : 'must be an integer between 1 and 99',
      v,
    ),
  );
}
add(
  'excludeFinishedJobs "yes"',
  () => new TruncationSelectionPolicy({ truncationPercentage: 20, excludeFinishedJobs: 'yes' as never }),
  got('TruncationSelectionPolicy.excludeFinishedJobs', 'must be a boolean (true or false)', 'yes'),
);
for (const v of [1, 0, -2, Number.NaN])
  add(
    `ASHA reductionFactor ${dv(v)}`,
    () => new AshaPolicy({ reductionFactor: v }),
    got('AshaPolicy.reductionFactor', 'must be an integer between 2 and 100', v),
  );
add(
  'ASHA minInterval 0',
  () => new AshaPolicy({ minInterval: 0 }),
  got('AshaPolicy.minInterval', 'must be an integer between 1 and 1000000', 0),
);
add(
  'ASHA maxInterval below minInterval',
  () => new AshaPolicy({ minInterval: 9, maxInterval: 3 }),
  got('AshaPolicy.maxInterval', 'must be greater than minInterval (9)', 3),
);
add(
  'Hyperband without maxInterval',
  () => new HyperbandPolicy({} as never),
  got('HyperbandPolicy.maxInterval', 'is required and must be an integer between 2 and 1000000', undefined),
);
add(
  'Hyperband brackets 0',
  () => new HyperbandPolicy({ maxInterval: 27, brackets: 0 }),
  got('HyperbandPolicy.brackets', 'must be an integer >= 1', 0),
);

// --- The experiment and the submit call: refused with a workspace already in hand.
for (const v of ['', '  ', 7, null, 'a\nb', 'e'.repeat(256)]) {
  const rule =
    typeof v !== 'string' || v.trim() === ''
      ? 'must be a non-empty string'
      : v.length > 255
        ? 'must be at most 255 characters'
        : 'must not contain control characters';
  add(
    `experiment name ${dv(v)}`,
    (workspace) => new Experiment(workspace, v as string).submit(new HyperDriveConfig(base())),
    got('Experiment.name', rule, v),
  );
}
const optionsNotConfig = { ...base() };
add(
  'submit of plain options, not a HyperDriveConfig',
  (workspace) => new Experiment(workspace, 'corpus').submit(optionsNotConfig as never),
  got('config', 'must be a HyperDriveConfig', optionsNotConfig),
);

type Outcome =
  | { readonly kind: 'refused'; readonly error: unknown }
  | { readonly kind: 'submitted'; readonly sweep: Sweep };

/**
 * The whole path a program takes: build what the case builds, wrap a part (a sampling or a
 * policy) into a config, and submit it, so that a check that let a bad value through would be
 * caught by the store check rather than pass unnoticed.
 */
function tryWholePath(c: Pick<Case, 'make'>, workspace: Workspace): Outcome {
  try {
    const made = c.make(workspace);
    const submit = (config: HyperDriveConfig): Outcome => ({
      kind: 'submitted',
      sweep: new Experiment(workspace, 'corpus').submit(config),
    });
    if (made instanceof HyperDriveConfig) return submit(made);
    if (made instanceof RandomParameterSampling || made instanceof GridParameterSampling)
      return submit(new HyperDriveConfig(base({ hyperparameterSampling: made })));
    if (
      made instanceof BanditPolicy ||
      made instanceof MedianStoppingPolicy ||
      made instanceof TruncationSelectionPolicy ||
      made instanceof AshaPolicy ||
      made instanceof HyperbandPolicy
    ) {
      return submit(new HyperDriveConfig(base({ policy: made })));
    }
    return {
      kind: 'refused',
      error: new Error(`the case built something the path cannot submit: ${describeValue(made)}`),
    };
  } catch (error) {
    return { kind: 'refused', error };
  }
}

/** Everything the store holds for the workspace: experiments, sweeps and each sweep's runs. */
async function storeContents(store: MemoryStore): Promise<{ experiments: number; sweeps: number; runs: number }> {
  const sweeps = await store.listSweeps('overdrive');
  const runs = await Promise.all(sweeps.map((s) => store.listRuns(s.id)));
  return {
    experiments: (await store.listExperiments('overdrive')).length,
    sweeps: sweeps.length,
    runs: runs.flat().length,
  };
}

describe('the JavaScript API refuses bad input before anything runs', () => {
  it('has a large corpus, every name unique', () => {
    console.log(`bad-input corpus (JavaScript API): ${cases.length} cases`);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const store = new MemoryStore();
    const workspace = new Workspace({ store, createSweepId: sequentialIds() });
    const outcome = tryWholePath(c, workspace);
    if (outcome.kind === 'submitted') await outcome.sweep.waitForCompletion();
    expect(outcome.kind).toBe('refused');
    const error = (outcome as { error: unknown }).error as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe(c.field);
    expect(error.rule).toContain(c.rule);
    expect(error.message).toContain(c.rule);
    expect(error.message).toContain(c.names ?? c.field);
    expect(error.message).toContain(c.shows);
    await store.flush();
    expect(await storeContents(store)).toEqual({ experiments: 0, sweeps: 0, runs: 0 });
  });

  it('the store check sees what a valid configuration writes along the same path', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({ store, createSweepId: sequentialIds() });
    const outcome = tryWholePath({ make: () => new HyperDriveConfig(base()) }, workspace);
    expect(outcome.kind).toBe('submitted');
    if (outcome.kind === 'submitted') await outcome.sweep.waitForCompletion();
    await store.flush();
    expect(await storeContents(store)).toEqual({ experiments: 1, sweeps: 1, runs: 5 });
  });
});

describe('metrics a training function may log', () => {
  it('a non-number fails only its run; NaN and ±Infinity are recorded but never best', async () => {
    const hostile: readonly unknown[] = ['0.9', null, undefined, {}, [], true, 10n, Symbol('m')];
    const values: readonly number[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e308,
      -1e308,
      0.5,
    ];
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
