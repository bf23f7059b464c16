import { ConfigError } from '../errors.js';
import type { HyperDriveConfigOptions } from '../experiment/config.js';
import { PrimaryMetricGoal } from '../metric/goal.js';
import type { EarlyTerminationPolicy } from '../policy/policy.js';
import { FILE_POLICY_ROWS, POLICY_FILE_KEYS, policyRowOfFileType, type PolicyFieldRead } from '../policy/registry.js';
import type { TrialDefinition } from '../trial-runner/runner.js';
import { SAMPLING_KINDS, samplingRow } from '../sampling/registry.js';
import type { ParameterSampling, SamplingKind } from '../sampling/sampler.js';
import type { DataBinding } from '../data-binding/index.js';
import { bindingOf, parseData } from './parse-data.js';
import { JsonTextError, nearestPosition, parseLocatedJson, type JsonPosition } from './json-text.js';
import { checkGridSpace, gridSize, parseSearchSpace, specPathOf, toDefinition } from './parse-search-space.js';
import {
  atFilePath,
  BUILTIN_TRIAL_NAME,
  EXPERIMENT_NAME,
  field,
  JOB_NAME,
  METRIC_NAME,
  readBoolean,
  readInteger,
  readName,
  readObject,
  readOneOf,
  readPositive,
  readText,
  rejectUnknownKeys,
  required,
  type Fields,
} from './file-fields.js';
import {
  DEFAULT_EXPERIMENT_NAME,
  DEFAULT_MAX_TOTAL_TRIALS,
  DEFAULT_TIMEOUT_SECONDS,
  SWEEP_FILE_AZURE_JOB_KEYS,
  SWEEP_FILE_AZURE_TRIAL_KEYS,
  SWEEP_FILE_BACKENDS,
  SWEEP_FILE_TOP_LEVEL_KEYS,
  type SweepFileAzureFields,
  type SweepFileBackend,
  type SweepFileData,
  type SweepFileEarlyTermination,
  type SweepFileJsonValue,
  type SweepFileLimits,
  type SweepFileObjective,
  type SweepFilePrimitive,
  type SweepFileSamplingAlgorithm,
  type SweepFileSearchSpace,
  type SweepFileTrial,
  type SweepFileWarning,
  type SweepFile,
} from './sweep-file.js';

const MAX_TOTAL_TRIALS = 1000;
const MAX_CONCURRENT_TRIALS = 100;

/** What to train, as the worker pool needs it: a function cannot come from a JSON file. */
export type SweepFileTrialDefinition = Extract<TrialDefinition, { kind: 'builtin' | 'module' }>;

/** Everything `new HyperDriveConfig(...)` needs; nothing here trains in this thread. */
export type SweepFileHyperDriveConfigOptions = Omit<HyperDriveConfigOptions, 'train' | 'trial'> & {
  readonly trial: SweepFileTrialDefinition;
};

/**
 * The spec's data, as far as the spec alone can say: a dataset already stored (its binding is in
 * `hyperDriveConfigOptions.data`), or a file beside the spec that whoever runs the sweep must
 * store first (the CLI: `withStoredData`), without which the sweep cannot start.
 */
export type ParsedSweepFileData =
  | { readonly kind: 'stored'; readonly binding: DataBinding }
  | { readonly kind: 'file'; readonly path: string; readonly data: SweepFileData };

export interface ParsedSweepFile {
  readonly experimentName: string;
  /** Absent: the trial brings its own data. */
  readonly data?: ParsedSweepFileData;
  readonly hyperDriveConfigOptions: SweepFileHyperDriveConfigOptions;
  /** Only when the spec names one; the runtime picks otherwise. */
  readonly backend?: SweepFileBackend;
  /** The spec normalised: shorthands expanded and defaults written out. */
  readonly spec: SweepFile;
  /**
   * What the spec says that this runtime accepts but does not act on. Empty for any spec
   * `parseSweepFile` accepts (every field, `limits.trial_timeout` included, is acted on); an
   * Azure job import adds its own (`ParsedSweepJob.warnings`).
   */
  readonly warnings: readonly SweepFileWarning[];
}

export interface ParseSweepFileOptions {
  /** The file the spec came from; error messages start with it. */
  readonly source?: string;
  /**
   * The built-in examples the runtime offers. When given, a trial naming any other is refused
   * here, before anything starts; when omitted, only the shape of the name is checked.
   */
  readonly builtinTrials?: readonly string[];
}

/**
 * A spec error that knows where it is in the file. `field`, `rule` and `value` are those of
 * the underlying ConfigError; the message starts with `source:line:column` when they are known.
 */
export class SweepFileError extends ConfigError {
  constructor(
    field: string,
    rule: string,
    value: unknown,
    message: string,
    readonly source: string | undefined,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(field, rule, value, message);
  }
}

/** The field named for a problem with the document as a whole. */
export const SWEEP_FILE_ROOT_FIELD = 'spec';

/**
 * Validates a sweep spec (already parsed from JSON, or built in code) and maps it onto
 * Overdrive's objects: the search space through the expression constructors, the sampling,
 * the policy, and the limits (`timeout` seconds become `maxDurationMinutes`, `trial_timeout`
 * seconds become `trialTimeoutSeconds`).
 *
 * Every malformed input is refused with a ConfigError whose field is the spec path
 * (`search_space.lr.min_value`), whose rule is in words, and whose message shows the value.
 * `sampling_algorithm: "bayesian"` (optionally with a `seed`) builds a BayesianParameterSampling.
 */
export function parseSweepFile(input: unknown, options: ParseSweepFileOptions = {}): ParsedSweepFile {
  try {
    return parse(input, options);
  } catch (error) {
    throw withSource(error, options.source);
  }
}

/**
 * Parses the text of a spec file. JSON syntax errors (and duplicate keys, which `JSON.parse`
 * silently collapses) are reported with their line and column; so are spec errors, at the
 * field they name or the nearest enclosing one present in the file.
 */
export function parseSweepFileText(text: string, options: ParseSweepFileOptions = {}): ParsedSweepFile {
  if (typeof text !== 'string') throw new ConfigError(SWEEP_FILE_ROOT_FIELD, 'must be the text of a JSON file', text);
  let value: unknown;
  let positions: ReadonlyMap<string, JsonPosition>;
  try {
    ({ value, positions } = parseLocatedJson(text));
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const fieldName = error.path === '' ? SWEEP_FILE_ROOT_FIELD : error.path;
    const rule = `must be valid JSON: ${error.problem}`;
    const found = error.found ?? 'the end of the text';
    const where = locationText(options.source, error.position);
    throw new SweepFileError(
      fieldName,
      rule,
      error.found,
      `${where}: ${fieldName}: ${rule} (got ${found})`,
      options.source,
      error.position.line,
      error.position.column,
    );
  }
  return atFieldPosition(positions, options.source, () => parse(value, options));
}

/**
 * Runs `read`, and reports a ConfigError it throws at the line and column of the field it names
 * (or the nearest enclosing one present in the file).
 */
export function atFieldPosition<T>(
  positions: ReadonlyMap<string, JsonPosition>,
  source: string | undefined,
  read: () => T,
): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const position = nearestPosition(positions, error.field === SWEEP_FILE_ROOT_FIELD ? '' : error.field);
    const where = position === undefined ? source : locationText(source, position);
    throw new SweepFileError(
      error.field,
      error.rule,
      error.value,
      where === undefined ? error.message : `${where}: ${error.message}`,
      source,
      position?.line,
      position?.column,
    );
  }
}

export function locationText(source: string | undefined, position: JsonPosition): string {
  return source === undefined
    ? `line ${position.line}, column ${position.column}`
    : `${source}:${position.line}:${position.column}`;
}

function parse(input: unknown, options: ParseSweepFileOptions): ParsedSweepFile {
  const spec = normalize(input, options);
  // Objects are built only once every field has passed, so a typo anywhere is reported before
  // any sampling or policy constructor gets the chance to throw its own error.
  const hyperparameterSampling = buildSampling(spec.search_space, spec.sampling_algorithm);
  const policy = spec.early_termination === undefined ? undefined : buildPolicy(spec.early_termination);
  const { objective, limits, trial } = spec;
  const binding = spec.data === undefined ? undefined : bindingOf(spec.data);
  const hyperDriveConfigOptions: SweepFileHyperDriveConfigOptions = Object.freeze({
    hyperparameterSampling,
    primaryMetricName: objective.primary_metric,
    primaryMetricGoal: objective.goal === 'maximize' ? PrimaryMetricGoal.MAXIMIZE : PrimaryMetricGoal.MINIMIZE,
    maxTotalRuns: limits.max_total_trials,
    maxConcurrentRuns: limits.max_concurrent_trials,
    maxDurationMinutes: limits.timeout / 60,
    ...(limits.trial_timeout === undefined ? {} : { trialTimeoutSeconds: limits.trial_timeout }),
    ...(policy === undefined ? {} : { policy }),
    trial: toTrialDefinition(trial),
    ...(binding === undefined ? {} : { data: binding }),
  });
  const data: ParsedSweepFileData | undefined =
    spec.data === undefined
      ? undefined
      : binding !== undefined
        ? { kind: 'stored', binding }
        : { kind: 'file', path: (spec.data as { path: string }).path, data: spec.data };
  return Object.freeze({
    experimentName: spec.experiment_name,
    ...(data === undefined ? {} : { data }),
    hyperDriveConfigOptions,
    ...(spec.backend === undefined ? {} : { backend: spec.backend }),
    spec,
    warnings: NO_WARNINGS,
  });
}

/** Every field of a valid spec is acted on, so parsing itself has nothing to warn about. */
const NO_WARNINGS: readonly SweepFileWarning[] = Object.freeze([]);

function toTrialDefinition(trial: SweepFileTrial): SweepFileTrialDefinition {
  return 'builtin' in trial ? { kind: 'builtin', name: trial.builtin } : { kind: 'module', url: trial.module };
}

/**
 * Validates a spec and returns it normalised, without building any sampling or policy: usable
 * for a spec whose sampling is not implemented yet, and for checking an exported spec.
 */
export function normalizeSweepFile(input: unknown, options: ParseSweepFileOptions = {}): SweepFile {
  try {
    return normalize(input, options);
  } catch (error) {
    throw withSource(error, options.source);
  }
}

function withSource(error: unknown, source: string | undefined): unknown {
  if (error instanceof ConfigError && source !== undefined && !(error instanceof SweepFileError)) {
    return new SweepFileError(
      error.field,
      error.rule,
      error.value,
      `${source}: ${error.message}`,
      source,
      undefined,
      undefined,
    );
  }
  return error;
}

function normalize(input: unknown, options: ParseSweepFileOptions): SweepFile {
  const root = readObject(SWEEP_FILE_ROOT_FIELD, input, 'must be a JSON object describing a sweep job');
  rejectUnknownKeys('', root, SWEEP_FILE_TOP_LEVEL_KEYS, 'a sweep spec');

  const type = field(root, 'type');
  if (type !== undefined && type !== 'sweep') throw new ConfigError('type', 'must be "sweep" (or left out)', type);

  const metadata = parseMetadata(root);
  const experimentName =
    field(root, 'experiment_name') === undefined
      ? DEFAULT_EXPERIMENT_NAME
      : readName('experiment_name', field(root, 'experiment_name'), EXPERIMENT_NAME);
  const searchSpace = parseSearchSpace('search_space', field(root, 'search_space'));
  const sampling = parseSampling(field(root, 'sampling_algorithm'));
  if (samplingRow(sampling.type).enumerates) checkGridSpace('search_space', searchSpace);
  const objective = parseObjective(field(root, 'objective'));
  const earlyTermination = parseEarlyTermination(field(root, 'early_termination'));
  const limits = parseLimits(field(root, 'limits'));
  const trial = parseTrial(field(root, 'trial'), options.builtinTrials);
  const dataValue = field(root, 'data');
  const data = dataValue === undefined ? undefined : parseData(dataValue);
  const backendValue = field(root, 'backend');
  const backend = backendValue === undefined ? undefined : readOneOf('backend', backendValue, SWEEP_FILE_BACKENDS);
  const azureValue = field(root, 'azure');
  const azure = azureValue === undefined ? undefined : parseAzureFields(azureValue);

  // Decision: without max_total_trials a grid runs to its end (capped at Azure's 1000), so it
  // is not flagged as "smaller than maxTotalRuns"; any other sampling gets Azure's 1000.
  const maxTotalTrials =
    limits.max_total_trials ??
    (samplingRow(sampling.type).enumerates
      ? Math.min(gridSize(searchSpace), DEFAULT_MAX_TOTAL_TRIALS)
      : DEFAULT_MAX_TOTAL_TRIALS);
  const normalisedLimits: SweepFileLimits = Object.freeze({
    max_total_trials: maxTotalTrials,
    max_concurrent_trials: limits.max_concurrent_trials ?? Math.min(maxTotalTrials, MAX_CONCURRENT_TRIALS),
    timeout: limits.timeout ?? DEFAULT_TIMEOUT_SECONDS,
    ...(limits.trial_timeout === undefined ? {} : { trial_timeout: limits.trial_timeout }),
  });

  return Object.freeze({
    ...metadata,
    type: 'sweep',
    experiment_name: experimentName,
    search_space: searchSpace,
    sampling_algorithm: sampling,
    objective,
    ...(earlyTermination === undefined ? {} : { early_termination: earlyTermination }),
    limits: normalisedLimits,
    trial,
    ...(data === undefined ? {} : { data }),
    ...(backend === undefined ? {} : { backend }),
    ...(azure === undefined ? {} : { azure }),
  });
}

type Metadata = Pick<
  SweepFile,
  '$schema' | 'name' | 'display_name' | 'description' | 'tags' | 'properties' | 'compute'
>;

/** Azure's bookkeeping fields: checked for shape, kept for the round trip, otherwise unused. */
function parseMetadata(root: Fields): Metadata {
  const metadata: { -readonly [K in keyof Metadata]: Metadata[K] } = {};
  const schema = field(root, '$schema');
  if (schema !== undefined) metadata.$schema = readText('$schema', schema, { maxLength: 2048 });
  const name = field(root, 'name');
  if (name !== undefined) metadata.name = readName('name', name, JOB_NAME);
  const displayName = field(root, 'display_name');
  if (displayName !== undefined) metadata.display_name = readText('display_name', displayName, { maxLength: 255 });
  const description = field(root, 'description');
  if (description !== undefined) {
    metadata.description = readText('description', description, { maxLength: 10_000, multiline: true });
  }
  const tags = field(root, 'tags');
  if (tags !== undefined) metadata.tags = readDictionary('tags', tags);
  const properties = field(root, 'properties');
  if (properties !== undefined) metadata.properties = readDictionary('properties', properties);
  const compute = field(root, 'compute');
  if (compute !== undefined) metadata.compute = readText('compute', compute, { maxLength: 1024 });
  return metadata;
}

function readDictionary(path: string, value: unknown): Readonly<Record<string, SweepFilePrimitive>> {
  const fields = readObject(path, value, 'must be an object of names to strings, numbers or booleans');
  const entries = Object.entries(fields).map(([key, item]): [string, SweepFilePrimitive] => {
    const itemPath = `${path}.${key}`;
    readText(itemPath, key, { maxLength: 255 });
    if (key === '') throw new ConfigError(itemPath, 'must have a non-empty name', key);
    if (typeof item === 'string') return [key, readText(itemPath, item, { maxLength: 10_000, multiline: true })];
    if (typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item))) return [key, item];
    throw new ConfigError(itemPath, 'must be a string, a finite number or a boolean', item);
  });
  return Object.freeze(Object.fromEntries(entries));
}

const SAMPLING_TYPES = SAMPLING_KINDS;

/** The sweep-file keys of a sampling method: `type`, its options, and the Azure fields it reads but does not keep. */
function samplingKeys(kind: SamplingKind): string[] {
  const row = samplingRow(kind);
  return ['type', ...row.options.map((o) => o.name), ...row.fileOnly.map((f) => f.name)];
}

function parseSampling(value: unknown): SweepFileSamplingAlgorithm {
  const path = 'sampling_algorithm';
  required(path, value, '"random", "grid", "bayesian", or an object such as {"type": "random", "seed": 42}');
  if (typeof value === 'string') {
    const type = readOneOf(path, value, SAMPLING_TYPES);
    // The shorthand: every option with a fixed set of values at its default (the first).
    const defaults = samplingRow(type).options.flatMap((o) =>
      o.choices === undefined ? [] : [[o.name, Object.keys(o.choices)[0]] as const],
    );
    return Object.freeze({ type, ...Object.fromEntries(defaults) }) as SweepFileSamplingAlgorithm;
  }
  const fields = readObject(
    path,
    value,
    'must be "random", "grid", "bayesian", or an object such as {"type": "random", "seed": 42}',
  );
  const typePath = `${path}.type`;
  const type = readOneOf(
    typePath,
    required(typePath, field(fields, 'type'), 'one of random, grid, bayesian'),
    SAMPLING_TYPES,
  );
  const row = samplingRow(type);
  rejectUnknownKeys(path, fields, samplingKeys(type), row.noun);
  // The row's options in its order: seeds first, then the Azure fields read but not kept, then
  // the options with a fixed set of values (filled in with their first value when absent).
  const read = new Map<string, unknown>();
  for (const option of row.options) {
    if (option.choices !== undefined) continue;
    const seed = readSeed(path, field(fields, option.name));
    if (seed !== undefined) read.set(option.name, seed);
  }
  for (const only of row.fileOnly) {
    const given = field(fields, only.name);
    if (given !== undefined && given !== only.value) throw new ConfigError(`${path}.${only.name}`, only.rule, given);
  }
  for (const option of row.options) {
    if (option.choices === undefined) continue;
    const given = field(fields, option.name);
    const allowed = Object.keys(option.choices);
    read.set(option.name, given === undefined ? allowed[0] : readOneOf(`${path}.${option.name}`, given, allowed));
  }
  const options = row.options.flatMap((o) => (read.has(o.name) ? [[o.name, read.get(o.name)] as const] : []));
  return Object.freeze({ type, ...Object.fromEntries(options) }) as SweepFileSamplingAlgorithm;
}

function readSeed(path: string, seed: unknown): number | string | undefined {
  if (
    seed !== undefined &&
    !(typeof seed === 'number' && Number.isSafeInteger(seed)) &&
    !(typeof seed === 'string' && seed !== '' && seed.length <= 255)
  ) {
    throw new ConfigError(
      `${path}.seed`,
      'must be an integer (at most 2^53 - 1 in magnitude) or a non-empty string',
      seed,
    );
  }
  return seed as number | string | undefined;
}

function parseObjective(value: unknown): SweepFileObjective {
  const path = 'objective';
  required(path, value, 'an object such as {"primary_metric": "val_accuracy", "goal": "maximize"}');
  const fields = readObject(
    path,
    value,
    'must be an object such as {"primary_metric": "val_accuracy", "goal": "maximize"}',
  );
  rejectUnknownKeys(path, fields, ['primary_metric', 'goal'], 'the objective');
  const primaryMetric = readName(
    `${path}.primary_metric`,
    required(
      `${path}.primary_metric`,
      field(fields, 'primary_metric'),
      'the name of a metric the training function logs',
    ),
    METRIC_NAME,
  );
  const goal = required(`${path}.goal`, field(fields, 'goal'), '"maximize" or "minimize"');
  const lower = typeof goal === 'string' ? goal.toLowerCase() : undefined;
  if (lower !== 'maximize' && lower !== 'minimize') {
    throw new ConfigError(`${path}.goal`, 'must be "maximize" or "minimize" (in any case)', goal);
  }
  return Object.freeze({ primary_metric: primaryMetric, goal: lower });
}

const POLICY_TYPES: readonly string[] = FILE_POLICY_ROWS.map((row) => row.file.type);

/**
 * `early_termination`, read by the policy's registry row: its fields, their checks and
 * defaults. The policy is built here too, so the rules only its constructor knows (ASHA's
 * rungs, Hyperband's brackets) are checked before anything runs, and its defaults written out.
 */
function parseEarlyTermination(value: unknown): SweepFileEarlyTermination | undefined {
  const path = 'early_termination';
  if (value === undefined) return undefined;
  const fields = readObject(
    path,
    value,
    'must be an object such as {"type": "bandit", "slack_factor": 0.1} (or left out for none)',
  );
  const typePath = `${path}.type`;
  const type = readOneOf(typePath, required(typePath, field(fields, 'type'), POLICY_TYPES.join(', ')), POLICY_TYPES);
  const row = policyRowOfFileType(type);
  if (row === undefined) throw new ConfigError(typePath, `must be one of ${POLICY_TYPES.join(', ')}`, type);
  rejectUnknownKeys(path, fields, ['type', ...row.fields.map((f) => f.fileKey)], row.file.noun);
  const options: Record<string, unknown> = {};
  for (const policyField of row.fields) {
    const key = policyField.fileKey;
    const keyPath = `${path}.${key}`;
    const given =
      policyField.required === undefined
        ? field(fields, key)
        : required(keyPath, field(fields, key), policyField.required);
    if (given !== undefined) options[policyField.option] = readPolicyField(keyPath, given, policyField.read);
    if (row.exactlyOne !== undefined && key === row.exactlyOne[1]) checkExactlyOne(path, fields, row.exactlyOne, value);
  }
  const policy = atFilePath(policyFieldPath, () => row.create(options));
  const stored = policy.toRecord().options;
  const result: Record<string, number | boolean> = {};
  for (const policyField of row.fields) {
    const item = stored[policyField.option];
    if (item !== undefined) result[policyField.fileKey] = item;
  }
  // The row's fields are the file's keys for this type, so the result has this type's shape.
  return Object.freeze({ type, ...result }) as unknown as SweepFileEarlyTermination;
}

function readPolicyField(path: string, value: unknown, read: PolicyFieldRead): unknown {
  switch (read.kind) {
    case 'integer':
      return readInteger(path, value, read.min, read.max);
    case 'positive':
      return readPositive(path, value);
    case 'boolean':
      return readBoolean(path, value);
    case 'constructor':
      return value;
  }
}

function checkExactlyOne(path: string, fields: Fields, keys: readonly [string, string], value: unknown): void {
  const [first, second] = keys;
  const hasFirst = field(fields, first) !== undefined;
  if (hasFirst === (field(fields, second) !== undefined)) {
    const given = hasFirst ? 'both were given' : 'neither was given';
    throw new ConfigError(path, `needs exactly one of ${first} and ${second}; ${given}`, value);
  }
}

/** `AshaPolicy.maxInterval` → `early_termination.max_interval`. */
function policyFieldPath(name: string): string {
  const option = /^[A-Za-z]+Policy\.(.+)$/.exec(name)?.[1];
  return option === undefined ? 'early_termination' : `early_termination.${POLICY_FILE_KEYS[option] ?? option}`;
}

const MAX_AZURE_DEPTH = 32;

/**
 * `azure`: Azure's own job fields, kept verbatim (see SweepFileAzureFields). Only their shape is
 * checked, JSON data with known keys, since Overdrive never reads them.
 */
function parseAzureFields(value: unknown): SweepFileAzureFields {
  const path = 'azure';
  const fields = readObject(path, value, 'must be an object of Azure job fields (trial, inputs, outputs, ...)');
  rejectUnknownKeys(path, fields, ['trial', ...SWEEP_FILE_AZURE_JOB_KEYS], 'the kept Azure job fields');
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const itemPath = `${path}.${key}`;
    if (key === 'trial') {
      const trial = readObject(
        itemPath,
        fields[key],
        'must be an object of Azure command-job fields (command, code, environment, ...)',
      );
      rejectUnknownKeys(itemPath, trial, SWEEP_FILE_AZURE_TRIAL_KEYS, 'an Azure trial');
      const command = field(trial, 'command');
      if (command !== undefined) readText(`${itemPath}.command`, command, { maxLength: 100_000, multiline: true });
      result[key] = Object.freeze(
        Object.fromEntries(Object.entries(trial).map(([k, v]) => [k, readJsonValue(`${itemPath}.${k}`, v, 0)])),
      );
    } else {
      result[key] = readJsonValue(itemPath, fields[key], 0);
    }
  }
  return Object.freeze(result) as SweepFileAzureFields;
}

function readJsonValue(path: string, value: unknown, depth: number): SweepFileJsonValue {
  if (depth > MAX_AZURE_DEPTH)
    throw new ConfigError(path, `must not nest deeper than ${MAX_AZURE_DEPTH} levels`, value);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(path, 'must be a finite number', value);
    return value;
  }
  if (Array.isArray(value))
    return Object.freeze(value.map((item: unknown, i) => readJsonValue(`${path}[${i}]`, item, depth + 1)));
  const fields = readObject(path, value, 'must be JSON data (an object, array, string, number, boolean or null)');
  return Object.freeze(
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, readJsonValue(`${path}.${k}`, v, depth + 1)])),
  );
}

type GivenLimits = { -readonly [K in keyof SweepFileLimits]?: number };

function parseLimits(value: unknown): GivenLimits {
  const path = 'limits';
  if (value === undefined) return {};
  const fields = readObject(
    path,
    value,
    'must be an object such as {"max_total_trials": 20, "max_concurrent_trials": 2}',
  );
  rejectUnknownKeys(
    path,
    fields,
    ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'],
    'the limits',
  );
  const limits: GivenLimits = {};
  const total = field(fields, 'max_total_trials');
  if (total !== undefined)
    limits.max_total_trials = readInteger(`${path}.max_total_trials`, total, 1, MAX_TOTAL_TRIALS);
  const concurrent = field(fields, 'max_concurrent_trials');
  if (concurrent !== undefined) {
    limits.max_concurrent_trials = readInteger(`${path}.max_concurrent_trials`, concurrent, 1, MAX_CONCURRENT_TRIALS);
  }
  const timeout = field(fields, 'timeout');
  if (timeout !== undefined) limits.timeout = readSeconds(`${path}.timeout`, timeout);
  const trialTimeout = field(fields, 'trial_timeout');
  if (trialTimeout !== undefined) limits.trial_timeout = readSeconds(`${path}.trial_timeout`, trialTimeout);
  return limits;
}

function readSeconds(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(path, 'must be a finite number of seconds > 0', value);
  }
  return value;
}

// Azure's command-job fields: a sign that the spec was written for Azure and needs a trial here.
const AZURE_TRIAL_KEYS = [
  'command',
  'code',
  'environment',
  'inputs',
  'outputs',
  'resources',
  'distribution',
  'environment_variables',
];
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;
// overdrive-module: files picked in the Studio and kept in this origin's module store (src/pool/module-store.ts).
const MODULE_SCHEMES = ['http', 'https', 'file', 'blob', 'data', 'overdrive-module'];

function parseTrial(value: unknown, builtins: readonly string[] | undefined): SweepFileTrial {
  const path = 'trial';
  required(path, value, 'a built-in example name such as "digits-mlp", or {"module": "<URL or path of an ES module>"}');
  if (typeof value === 'string') return Object.freeze({ builtin: readBuiltin(path, value, builtins) });
  const fields = readObject(
    path,
    value,
    'must be a built-in example name such as "digits-mlp", or {"builtin": name}, or {"module": "<URL or path of an ES module>"}',
  );
  const azureKey = AZURE_TRIAL_KEYS.find((key) => Object.hasOwn(fields, key));
  if (azureKey !== undefined) {
    throw new ConfigError(
      `${path}.${azureKey}`,
      'belongs to an Azure command job, which cannot run in the browser; give a built-in example name ("digits-mlp") or {"module": "<URL of an ES module exporting train(params, run)>"}',
      fields[azureKey],
    );
  }
  rejectUnknownKeys(path, fields, ['builtin', 'module'], 'the trial');
  const builtin = field(fields, 'builtin');
  const module = field(fields, 'module');
  if ((builtin === undefined) === (module === undefined)) {
    throw new ConfigError(path, 'needs exactly one of builtin and module', value);
  }
  if (builtin !== undefined) return Object.freeze({ builtin: readBuiltin(`${path}.builtin`, builtin, builtins) });
  return Object.freeze({ module: readModule(`${path}.module`, module) });
}

function readBuiltin(path: string, value: unknown, builtins: readonly string[] | undefined): string {
  if (typeof value === 'string' && (/[/\\]/.test(value) || /\.m?[jt]s$/.test(value))) {
    throw new ConfigError(
      path,
      `must be a built-in example name; a module path goes in {"module": ${JSON.stringify(value)}}`,
      value,
    );
  }
  const name = readName(path, value, BUILTIN_TRIAL_NAME);
  if (builtins !== undefined && !builtins.includes(name)) {
    throw new ConfigError(path, `must be one of the built-in examples: ${builtins.join(', ')}`, name);
  }
  return name;
}

/**
 * A module is kept as written: resolving a relative path against the spec file, and serving
 * it, is the job of whoever runs the sweep (the CLI serves it next to the app).
 */
function readModule(path: string, value: unknown): string {
  const rule = 'must be the URL or path of an ES module whose default export is train(params, run)';
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(path, rule, value);
  if (value.trim() !== value) throw new ConfigError(path, `${rule}, without leading or trailing spaces`, value);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ConfigError(path, `${rule}, without control characters`, value);
  if (value.length > 2048) throw new ConfigError(path, 'must be at most 2048 characters', value);
  const scheme = URL_SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && !MODULE_SCHEMES.includes(scheme)) {
    throw new ConfigError(path, `must use one of the schemes ${MODULE_SCHEMES.join(', ')} (or be a path)`, value);
  }
  return value;
}

function buildSampling(space: SweepFileSearchSpace, sampling: SweepFileSamplingAlgorithm): ParameterSampling {
  const definition = toDefinition(space);
  const rename = (name: string): string => {
    const option = /^(?:Random|Grid|Bayesian)ParameterSampling(?:\.(.+))?$/.exec(name)?.[1];
    if (option !== undefined) return option === 'options' ? 'sampling_algorithm' : `sampling_algorithm.${option}`;
    if (/^(?:Random|Grid|Bayesian)ParameterSampling$/.test(name)) return 'sampling_algorithm';
    if (name === 'searchSpace') return 'search_space';
    return specPathOf(name, 'search_space');
  };
  // The file's sampling fields are the engine's option names, `type` apart.
  const { type, ...options } = sampling;
  return atFilePath(rename, () => samplingRow(type).create(definition, options));
}

function buildPolicy(spec: SweepFileEarlyTermination): EarlyTerminationPolicy {
  const row = policyRowOfFileType(spec.type);
  if (row === undefined)
    throw new ConfigError('early_termination.type', `must be one of ${POLICY_TYPES.join(', ')}`, spec.type);
  const given = spec as unknown as Readonly<Record<string, unknown>>;
  const options: Record<string, unknown> = {};
  for (const policyField of row.fields) {
    const value = given[policyField.fileKey];
    if (value !== undefined) options[policyField.option] = value;
  }
  return atFilePath(policyFieldPath, () => row.create(options));
}
