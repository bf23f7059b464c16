import { describe, expect, it } from 'vitest';
import { ConfigError, describeValue } from '../../src/errors.js';
import { SOBOL_MAX_DIMENSIONS } from '../../src/sampling/index.js';
import { parseSweepFile, SWEEP_FILE_TOP_LEVEL_KEYS } from '../../src/sweep-file/index.js';

/*
 * A generated table of malformed specs. Each row changes one thing in a valid spec and states
 * the exact field the error must name, a fragment of the rule it must state, and the value it
 * must show. The table is built from small generators (per numeric field, per name field) so
 * that every field is tried with every kind of wrong value.
 */

const DELETE = Symbol('delete');
type Patch = Readonly<Record<string, unknown>>;

function valid(): Record<string, unknown> {
  return {
    experiment_name: 'digits',
    search_space: {
      lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 },
      bs: { type: 'choice', values: [16, 32] },
    },
    sampling_algorithm: { type: 'random', seed: 1 },
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    early_termination: { type: 'bandit', slack_factor: 0.1 },
    limits: { max_total_trials: 10, max_concurrent_trials: 2, timeout: 600 },
    trial: 'digits-mlp',
  };
}

/** Applies `{ 'a.b.c': value }` patches to a fresh valid spec; a DELETE value removes the key. */
function patched(patch: Patch): Record<string, unknown> {
  const spec = valid();
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target: Record<string, unknown> = spec;
    for (const key of keys) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    if (value === DELETE) delete target[last];
    else target[last] = value;
  }
  return spec;
}

interface Row {
  readonly name: string;
  /** A patch on the valid spec, or a whole input. */
  readonly input: Patch | { readonly whole: unknown };
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;
}

const rows: Row[] = [];
function row(name: string, input: Row['input'], field: string, rule: string, value: unknown): void {
  rows.push({ name, input, field, rule, value });
}

// --- The document as a whole -------------------------------------------------------------
for (const whole of [42, 'sweep', null, [], true]) {
  row(`root ${describeValue(whole)}`, { whole }, 'spec', 'must be a JSON object describing a sweep job', whole);
}
row(
  'unknown top-level key',
  { max_total_runs: 5 },
  'max_total_runs',
  `is not a known field of a sweep spec; known fields: ${SWEEP_FILE_TOP_LEVEL_KEYS.join(', ')}`,
  5,
);
row('camelCase top-level key', { searchSpace: {} }, 'searchSpace', 'did you mean "search_space"?', {});
row(
  'HTML as a top-level key',
  { '<img src=x onerror=alert(1)>': 1 },
  '<img src=x onerror=alert(1)>',
  'is not a known field of a sweep spec',
  1,
);
row('type other than sweep', { type: 'command' }, 'type', 'must be "sweep"', 'command');

// --- Names ----------------------------------------------------------------------------------
const badNames: [string, unknown, string][] = [
  ['HTML', '<script>alert(1)</script>', 'must consist of ASCII letters'],
  ['unicode', 'expérience', 'must consist of ASCII letters'],
  ['emoji', 'sweep🚀', 'must consist of ASCII letters'],
  ['a space', 'my sweep', 'must consist of ASCII letters'],
  ['empty', '', 'must be a non-empty string'],
  ['a number', 5, 'must be a non-empty string'],
  ['too long', 'a'.repeat(256), 'must be at most 255 characters'],
];
for (const [what, value, rule] of badNames) {
  row(`experiment_name ${what}`, { experiment_name: value }, 'experiment_name', rule, value);
}
row('job name with HTML', { name: '<b>job</b>' }, 'name', 'must consist of ASCII letters', '<b>job</b>');
row(
  'display_name with a control character',
  { display_name: 'a\u0007b' },
  'display_name',
  'must not contain control characters',
  'a\u0007b',
);
row('display_name not a string', { display_name: 7 }, 'display_name', 'must be a string', 7);
row('tags not an object', { tags: 'x' }, 'tags', 'must be an object of names to strings', 'x');
row('a tag holding an object', { tags: { a: { b: 1 } } }, 'tags.a', 'must be a string, a finite number or a boolean', {
  b: 1,
});
row('$schema not a string', { $schema: 1 }, '$schema', 'must be a string', 1);

// --- search_space ---------------------------------------------------------------------------
row('search_space missing', { search_space: DELETE }, 'search_space', 'is required', undefined);
row('search_space an array', { search_space: [] }, 'search_space', 'must be an object mapping parameter names', []);
row('search_space empty', { search_space: {} }, 'search_space', 'must define at least one parameter', {});
for (const [what, name] of [
  ['unicode', 'λ'],
  ['HTML', '<b>lr</b>'],
  ['a space', 'learning rate'],
  ['only dashes', '--'],
  ['a leading digit', '1st'],
] as const) {
  row(
    `parameter name with ${what}`,
    { [`search_space.${name}`]: 1 },
    `search_space.${name}`,
    'must consist of ASCII letters',
    name,
  );
}
row(
  'parameter names colliding once dashes are stripped',
  { 'search_space.--lr': 0.1 },
  'search_space.--lr',
  'must differ from "lr"',
  '--lr',
);
row('parameter null', { 'search_space.lr': null }, 'search_space.lr', 'must be a parameter object', null);
row('parameter an array', { 'search_space.lr': [0.1, 0.2] }, 'search_space.lr', 'an array is neither', [0.1, 0.2]);
for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
  row(
    `constant ${describeValue(value)}`,
    { 'search_space.epochs': value },
    'search_space.epochs',
    'must be a finite number when it is a constant',
    value,
  );
}
row(
  'parameter type missing',
  { 'search_space.lr': { min_value: 0, max_value: 1 } },
  'search_space.lr.type',
  'is required',
  undefined,
);
row(
  'unknown parameter type',
  { 'search_space.lr.type': 'gaussian' },
  'search_space.lr.type',
  'must be one of "choice", "randint"',
  'gaussian',
);
row(
  'parameter type in the wrong case',
  { 'search_space.lr.type': 'Uniform' },
  'search_space.lr.type',
  'must be one of',
  'Uniform',
);
row('parameter type not a string', { 'search_space.lr.type': 3 }, 'search_space.lr.type', 'must be one of', 3);
row(
  'an SDK v1 argument name',
  { 'search_space.lr.low': 0 },
  'search_space.lr.low',
  'is not a known field of a uniform parameter; known fields: type, min_value, max_value',
  0,
);
row(
  'q on a uniform',
  { 'search_space.lr.q': 0.01 },
  'search_space.lr.q',
  'is not a known field of a uniform parameter',
  0.01,
);
row('a misspelt field', { 'search_space.bs.value': [1] }, 'search_space.bs.value', 'did you mean "values"?', [1]);

/** Every wrong kind of number, for each numeric field of each expression type. */
const notFinite: unknown[] = ['0.1', Number.NaN, Number.POSITIVE_INFINITY, null, true, [1], { v: 1 }];
const numericFields: [string, Record<string, unknown>, string][] = [
  ['uniform', { type: 'uniform', min_value: 0, max_value: 1 }, 'min_value'],
  ['uniform', { type: 'uniform', min_value: 0, max_value: 1 }, 'max_value'],
  ['loguniform', { type: 'loguniform', min_value: -5, max_value: -1 }, 'min_value'],
  ['quniform', { type: 'quniform', min_value: 0, max_value: 10, q: 1 }, 'q'],
  ['normal', { type: 'normal', mu: 0, sigma: 1 }, 'mu'],
  ['lognormal', { type: 'lognormal', mu: 0, sigma: 1 }, 'sigma'],
  ['qnormal', { type: 'qnormal', mu: 0, sigma: 1, q: 1 }, 'mu'],
  ['qlognormal', { type: 'qlognormal', mu: 0, sigma: 1, q: 1 }, 'q'],
];
numericFields.forEach(([type, parameter, name], i) => {
  const value = notFinite[i % notFinite.length];
  row(
    `${type}.${name} = ${describeValue(value)}`,
    { 'search_space.p': { ...parameter, [name]: value } },
    `search_space.p.${name}`,
    'must be a finite number',
    value,
  );
  const { [name]: _dropped, ...missing } = parameter;
  row(
    `${type}.${name} missing`,
    { 'search_space.p': missing },
    `search_space.p.${name}`,
    `is required: a finite number`,
    undefined,
  );
});
row(
  'min_value > max_value',
  { 'search_space.lr': { type: 'uniform', min_value: 5, max_value: 1 } },
  'search_space.lr.min_value',
  'must be less than max_value (1)',
  5,
);
row(
  'min_value = max_value',
  { 'search_space.lr': { type: 'quniform', min_value: 2, max_value: 2, q: 1 } },
  'search_space.lr.min_value',
  'must be less than max_value (2)',
  2,
);
row(
  'loguniform bound beyond exp range',
  { 'search_space.lr': { type: 'loguniform', min_value: 0, max_value: 1000 } },
  'search_space.lr.max_value',
  'must be at most 709.78',
  1000,
);
row(
  'huge qloguniform bound',
  { 'search_space.lr': { type: 'qloguniform', min_value: 0, max_value: 1e308, q: 1 } },
  'search_space.lr.max_value',
  'are exponents',
  1e308,
);
for (const [type, extra] of [
  ['quniform', { min_value: 0, max_value: 1 }],
  ['qloguniform', { min_value: 0, max_value: 1 }],
  ['qnormal', { mu: 0, sigma: 1 }],
  ['qlognormal', { mu: 0, sigma: 1 }],
] as const) {
  for (const q of [0, -0.5]) {
    row(
      `${type} q = ${q}`,
      { 'search_space.p': { type, ...extra, q } },
      'search_space.p.q',
      'must be a finite number > 0',
      q,
    );
  }
}
for (const type of ['normal', 'lognormal', 'qnormal', 'qlognormal'] as const) {
  const q = type.startsWith('q') ? { q: 1 } : {};
  row(
    `${type} sigma < 0`,
    { 'search_space.p': { type, mu: 0, sigma: -1, ...q } },
    'search_space.p.sigma',
    'must be a finite number >= 0',
    -1,
  );
}
for (const upper of [0, -3, 2.5, 1e300, '4']) {
  const rule = 'must be an integer >= 1 (and at most 2^53 - 1)';
  row(
    `randint upper = ${describeValue(upper)}`,
    { 'search_space.p': { type: 'randint', upper } },
    'search_space.p.upper',
    rule,
    upper,
  );
}
row(
  'randint upper missing',
  { 'search_space.p': { type: 'randint' } },
  'search_space.p.upper',
  'is required',
  undefined,
);
const choiceRule = 'must be a non-empty array of numbers, strings, booleans or sub-space objects';
row('choice with empty values', { 'search_space.bs.values': [] }, 'search_space.bs.values', choiceRule, []);
row('choice values missing', { 'search_space.bs.values': DELETE }, 'search_space.bs.values', 'is required', undefined);
row('choice values a string', { 'search_space.bs.values': '16,32' }, 'search_space.bs.values', choiceRule, '16,32');
row(
  'choice repeating a value',
  { 'search_space.bs.values': [16, 32, 16] },
  'search_space.bs.values[2]',
  'must not repeat values[0]',
  16,
);
const optionRule = 'must be a finite number, a string, a boolean or a sub-space object';
for (const [i, option] of [null, Number.NaN, [1, 2]].entries()) {
  row(
    `choice value ${describeValue(option)}`,
    { 'search_space.bs.values': [16, option] },
    'search_space.bs.values[1]',
    optionRule,
    option,
  );
  void i;
}
const uniformOption = { type: 'uniform', min_value: 0, max_value: 1 };
row(
  'a parameter directly in a choice',
  { 'search_space.bs.values': [uniformOption] },
  'search_space.bs.values[0]',
  'a choice cannot hold a parameter directly',
  uniformOption,
);
row(
  'an empty sub-space',
  { 'search_space.bs.values': [{}] },
  'search_space.bs.values[0]',
  'must define at least one parameter when it is a sub-space',
  {},
);
row(
  'a bad bound inside a sub-space',
  {
    'search_space.model': {
      type: 'choice',
      values: [{ kind: 'svm', C: { type: 'uniform', min_value: 1, max_value: 0 } }],
    },
  },
  'search_space.model.values[0].C.min_value',
  'must be less than max_value (0)',
  1,
);
row(
  'a bad name inside a sub-space',
  { 'search_space.model': { type: 'choice', values: ['a', { 'C d': 1 }] } },
  'search_space.model.values[1].C d',
  'must consist of ASCII letters',
  'C d',
);

// --- sampling_algorithm ---------------------------------------------------------------------
row('sampling_algorithm missing', { sampling_algorithm: DELETE }, 'sampling_algorithm', 'is required', undefined);
for (const value of ['sobol', 'Random', '']) {
  row(
    `sampling_algorithm ${describeValue(value)}`,
    { sampling_algorithm: value },
    'sampling_algorithm',
    'must be one of "random", "grid", "bayesian"',
    value,
  );
}
row(
  'sampling_algorithm a number',
  { sampling_algorithm: 42 },
  'sampling_algorithm',
  'must be "random", "grid", "bayesian", or an object',
  42,
);
row(
  'unknown sampling type',
  { sampling_algorithm: { type: 'hyperband' } },
  'sampling_algorithm.type',
  'must be one of "random", "grid", "bayesian"',
  'hyperband',
);
row('sampling type missing', { sampling_algorithm: { seed: 1 } }, 'sampling_algorithm.type', 'is required', undefined);
for (const seed of [1.5, 1e20, '', Number.NaN, true]) {
  row(
    `seed ${describeValue(seed)}`,
    { 'sampling_algorithm.seed': seed },
    'sampling_algorithm.seed',
    'must be an integer (at most 2^53 - 1 in magnitude) or a non-empty string',
    seed,
  );
}
row(
  'unknown random rule',
  { 'sampling_algorithm.rule': 'halton' },
  'sampling_algorithm.rule',
  'must be one of "random", "sobol"',
  'halton',
);
row('logbase other than e', { 'sampling_algorithm.logbase': 10 }, 'sampling_algorithm.logbase', 'must be "e"', 10);
row(
  'unknown random option',
  { 'sampling_algorithm.seeds': 1 },
  'sampling_algorithm.seeds',
  'is not a known field of random sampling (did you mean "seed"?)',
  1,
);
row(
  'grid with a seed',
  { sampling_algorithm: { type: 'grid', seed: 1 } },
  'sampling_algorithm.seed',
  'is not a known field of grid sampling (it takes no options)',
  1,
);
row(
  'bayesian with an option',
  { sampling_algorithm: { type: 'bayesian', max_iterations: 3 } },
  'sampling_algorithm.max_iterations',
  'is not a known field of bayesian sampling',
  3,
);
row(
  'grid with a uniform',
  { sampling_algorithm: 'grid' },
  'search_space.lr',
  'must be a choice or a constant with grid sampling (grid enumerates choice values), not a uniform parameter',
  {
    type: 'uniform',
    min_value: 0.01,
    max_value: 0.1,
  },
);
row(
  'grid with a nested randint',
  {
    sampling_algorithm: 'grid',
    'search_space.lr': { type: 'choice', values: [{ depth: { type: 'randint', upper: 3 } }] },
  },
  'search_space.lr.values[0].depth',
  'not a randint parameter',
  { type: 'randint', upper: 3 },
);
{
  const space: Record<string, unknown> = {};
  for (let i = 0; i <= SOBOL_MAX_DIMENSIONS; i++) space[`p${i}`] = { type: 'uniform', min_value: 0, max_value: 1 };
  row(
    'sobol with too many dimensions (a constructor error renamed to the spec path)',
    { search_space: space, 'sampling_algorithm.rule': 'sobol' },
    'sampling_algorithm.rule',
    `'sobol' supports at most ${SOBOL_MAX_DIMENSIONS} dimensions`,
    'sobol',
  );
}

// --- objective ------------------------------------------------------------------------------
row('objective missing', { objective: DELETE }, 'objective', 'is required', undefined);
row('objective an array', { objective: ['accuracy'] }, 'objective', 'must be an object such as', ['accuracy']);
row(
  'primary_metric missing',
  { 'objective.primary_metric': DELETE },
  'objective.primary_metric',
  'is required',
  undefined,
);
row(
  'primary_metric empty',
  { 'objective.primary_metric': '' },
  'objective.primary_metric',
  'must be a non-empty string',
  '',
);
row(
  'primary_metric with HTML',
  { 'objective.primary_metric': '<img src=x onerror=alert(1)>' },
  'objective.primary_metric',
  'must consist of ASCII letters',
  '<img src=x onerror=alert(1)>',
);
row(
  'primary_metric with unicode',
  { 'objective.primary_metric': 'précision' },
  'objective.primary_metric',
  'must consist of ASCII letters',
  'précision',
);
row(
  'primary_metric with a newline',
  { 'objective.primary_metric': 'acc\nuracy' },
  'objective.primary_metric',
  'must consist of ASCII letters',
  'acc\nuracy',
);
row('goal missing', { 'objective.goal': DELETE }, 'objective.goal', 'is required', undefined);
for (const goal of ['max', 'maximise', 1, null]) {
  row(
    `goal ${describeValue(goal)}`,
    { 'objective.goal': goal },
    'objective.goal',
    'must be "maximize" or "minimize" (in any case)',
    goal,
  );
}
row(
  'unknown objective field',
  { 'objective.metric': 'acc' },
  'objective.metric',
  'is not a known field of the objective; known fields: primary_metric, goal',
  'acc',
);

// --- early_termination ----------------------------------------------------------------------
row(
  'early_termination a string',
  { early_termination: 'bandit' },
  'early_termination',
  'must be an object such as',
  'bandit',
);
row('early_termination null', { early_termination: null }, 'early_termination', 'must be an object', null);
row(
  'policy type missing',
  { early_termination: { slack_factor: 0.1 } },
  'early_termination.type',
  'is required',
  undefined,
);
row(
  'unknown policy type',
  { early_termination: { type: 'successive_halving' } },
  'early_termination.type',
  'must be one of "bandit", "median_stopping", "truncation_selection", "asha", "hyperband"',
  'successive_halving',
);
row(
  'bandit with neither slack',
  { early_termination: { type: 'bandit' } },
  'early_termination',
  'needs exactly one of slack_factor and slack_amount; neither was given',
  { type: 'bandit' },
);
row('bandit with both slacks', { 'early_termination.slack_amount': 0.2 }, 'early_termination', 'both were given', {
  type: 'bandit',
  slack_factor: 0.1,
  slack_amount: 0.2,
});
for (const [key, value] of [
  ['slack_factor', 0],
  ['slack_factor', -0.1],
  ['slack_factor', '0.1'],
  ['slack_amount', Number.POSITIVE_INFINITY],
] as const) {
  const patch =
    key === 'slack_amount'
      ? { early_termination: { type: 'bandit', slack_amount: value } }
      : { [`early_termination.${key}`]: value };
  row(
    `bandit ${key} = ${describeValue(value)}`,
    patch,
    `early_termination.${key}`,
    'must be a finite number > 0',
    value,
  );
}
row(
  'bandit slackFactor (camelCase)',
  { early_termination: { type: 'bandit', slackFactor: 0.1 } },
  'early_termination.slackFactor',
  'is not a known field of a bandit policy (did you mean "slack_factor"?)',
  0.1,
);
for (const [key, value, rule] of [
  ['evaluation_interval', 0, 'must be an integer >= 1'],
  ['evaluation_interval', 1.5, 'must be an integer >= 1'],
  ['evaluation_interval', 1e300, 'and at most 2^53 - 1'],
  ['delay_evaluation', -1, 'must be an integer >= 0'],
  ['delay_evaluation', '5', 'must be an integer >= 0'],
] as const) {
  row(
    `bandit ${key} = ${describeValue(value)}`,
    { [`early_termination.${key}`]: value },
    `early_termination.${key}`,
    rule,
    value,
  );
}
row(
  'median_stopping with a slack',
  { early_termination: { type: 'median_stopping', slack_factor: 0.1 } },
  'early_termination.slack_factor',
  'is not a known field of a median_stopping policy; known fields: type, evaluation_interval, delay_evaluation',
  0.1,
);
row(
  'median_stopping delay < 0',
  { early_termination: { type: 'median_stopping', delay_evaluation: -2 } },
  'early_termination.delay_evaluation',
  'must be an integer >= 0',
  -2,
);
row(
  'truncation without a percentage',
  { early_termination: { type: 'truncation_selection' } },
  'early_termination.truncation_percentage',
  'is required: an integer between 1 and 99',
  undefined,
);
for (const pct of [0, 100, 50.5, '20']) {
  row(
    `truncation_percentage = ${describeValue(pct)}`,
    { early_termination: { type: 'truncation_selection', truncation_percentage: pct } },
    'early_termination.truncation_percentage',
    'must be an integer between 1 and 99',
    pct,
  );
}
row(
  'exclude_finished_jobs not a boolean',
  { early_termination: { type: 'truncation_selection', truncation_percentage: 10, exclude_finished_jobs: 'yes' } },
  'early_termination.exclude_finished_jobs',
  'must be true or false',
  'yes',
);

// --- limits ---------------------------------------------------------------------------------
row('limits not an object', { limits: 10 }, 'limits', 'must be an object such as', 10);
for (const value of [0, 1001, 1e9, '12', 2.5, -1, Number.NaN, null]) {
  row(
    `max_total_trials = ${describeValue(value)}`,
    { 'limits.max_total_trials': value },
    'limits.max_total_trials',
    'must be an integer between 1 and 1000',
    value,
  );
}
for (const value of [0, 101, 3.5, 'two']) {
  row(
    `max_concurrent_trials = ${describeValue(value)}`,
    { 'limits.max_concurrent_trials': value },
    'limits.max_concurrent_trials',
    'must be an integer between 1 and 100',
    value,
  );
}
for (const key of ['timeout', 'trial_timeout']) {
  for (const value of [0, -60, Number.POSITIVE_INFINITY, 'PT1H']) {
    row(
      `${key} = ${describeValue(value)}`,
      { [`limits.${key}`]: value },
      `limits.${key}`,
      'must be a finite number of seconds > 0',
      value,
    );
  }
}
row(
  'SDK v1 limit name',
  { 'limits.max_total_runs': 5 },
  'limits.max_total_runs',
  'is not a known field of the limits',
  5,
);
row(
  'timeout in minutes (SDK v1 name)',
  { 'limits.max_duration_minutes': 5 },
  'limits.max_duration_minutes',
  'known fields: max_total_trials, max_concurrent_trials, timeout, trial_timeout',
  5,
);

// --- trial ----------------------------------------------------------------------------------
row('trial missing', { trial: DELETE }, 'trial', 'is required', undefined);
row('trial a number', { trial: 42 }, 'trial', 'must be a built-in example name', 42);
row('trial empty', { trial: '' }, 'trial', 'must be a non-empty string', '');
row('trial a path', { trial: './train.js' }, 'trial', 'a module path goes in {"module": "./train.js"}', './train.js');
row('trial with HTML', { trial: '<script>' }, 'trial', 'must consist of ASCII letters', '<script>');
row('trial with unicode', { trial: 'ｄigits' }, 'trial', 'must consist of ASCII letters', 'ｄigits');
row('trial with neither form', { trial: {} }, 'trial', 'needs exactly one of builtin and module', {});
row(
  'trial with both forms',
  { trial: { builtin: 'spiral', module: './x.js' } },
  'trial',
  'needs exactly one of builtin and module',
  { builtin: 'spiral', module: './x.js' },
);
row(
  'an Azure command trial',
  { trial: { command: 'python train.py', environment: 'azureml:x' } },
  'trial.command',
  'belongs to an Azure command job, which cannot run in the browser',
  'python train.py',
);
row(
  'unknown trial field',
  { trial: { script: 'x.js' } },
  'trial.script',
  'is not a known field of the trial; known fields: builtin, module',
  'x.js',
);
row('builtin not a string', { trial: { builtin: 3 } }, 'trial.builtin', 'must be a non-empty string', 3);
row('module empty', { trial: { module: '' } }, 'trial.module', 'must be the URL or path of an ES module', '');
row(
  'module with a javascript: URL',
  { trial: { module: 'javascript:alert(1)' } },
  'trial.module',
  'must use one of the schemes http, https, file, blob, data',
  'javascript:alert(1)',
);
row(
  'module with surrounding spaces',
  { trial: { module: ' ./x.js' } },
  'trial.module',
  'without leading or trailing spaces',
  ' ./x.js',
);
row(
  'module with a control character',
  { trial: { module: './x\u0000.js' } },
  'trial.module',
  'without control characters',
  './x\u0000.js',
);

// --- backend --------------------------------------------------------------------------------
for (const backend of ['gpu', 'WASM', 1]) {
  row(
    `backend ${describeValue(backend)}`,
    { backend },
    'backend',
    'must be one of "auto", "webgpu", "webgl", "wasm", "cpu"',
    backend,
  );
}

function inputOf(r: Row): unknown {
  return 'whole' in r.input ? r.input.whole : patched(r.input);
}

describe('malformed specs', () => {
  it('the table is large enough and the base spec is valid', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    expect(() => parseSweepFile(valid())).not.toThrow();
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    let caught: unknown;
    try {
      parseSweepFile(inputOf(r));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.field).toBe(r.field);
    expect(error.rule).toContain(r.rule);
    expect(error.message).toContain(r.rule);
    expect(error.message).toContain(r.field);
    expect(error.message).toContain(`(got ${describeValue(r.value)})`);
    expect(error.value).toEqual(r.value);
  });
});
