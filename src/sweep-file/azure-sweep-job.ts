import { ConfigError } from '../errors.js';
import { FILE_POLICY_ROWS, policyRowOfFileType } from '../policy/registry.js';
import { SAMPLING_REGISTRY, samplingRow } from '../sampling/registry.js';
import { EXPRESSION_REGISTRY, expressionRow } from '../space/registry.js';
import { JsonTextError, parseLocatedJson } from './json-text.js';
import { normalizeSweepFile } from './parse-sweep-file.js';
import { field, isPlainObject, type Fields } from './file-fields.js';
import {
  AZURE_SWEEP_SCHEMA_URL,
  SWEEP_FILE_AZURE_JOB_KEYS,
  SWEEP_FILE_AZURE_TRIAL_KEYS,
  SWEEP_FILE_TOP_LEVEL_KEYS,
  type SweepFileChoiceValue,
  type SweepFileJsonValue,
  type SweepFileParameter,
  type SweepFilePrimitive,
  type SweepFileSearchSpace,
  type SweepFileSubSpace,
  type SweepFileTrial,
  type SweepFileWarning,
  type SweepFile,
} from './sweep-file.js';

/*
 * The sweep as an Azure ML v2 sweep job (`az ml job create --file job.yml`), and back.
 *
 * Decision (how a browser sweep lives in an Azure job): the job holds only what Azure's schema
 * allows (azure-ai-ml refuses unknown fields), so that it can be submitted once `code` and
 * `environment` point at a real script. Whatever Azure cannot say travels in one job property,
 * `properties.overdrive`: a JSON text (Azure properties are strings) with
 *
 * - `trial`: the browser trial (Azure's trial is a command), and `backend`;
 * - any other top-level spec field whose Azure form would read back differently (an ASHA policy,
 *   a string seed, typed tags), replacing it on import; `null` removes a field the export had
 *   to add (a placeholder `compute`, the generated command);
 * - `search_space`: per parameter (by its Azure name), the Overdrive parameter where the Azure
 *   one differs (a constant is exported as a one-value choice, a boolean as a string), so that
 *   the parameter order, which seeds depend on, is the Azure order; and `parameter_names` for
 *   names whose leading dashes the Azure job drops (`${{search_space.lr}}` must bind).
 *
 * Export computes this overlay as the difference between the spec and what the Azure fields
 * alone read back as, so export → import is lossless by construction (the tests check it over
 * generated specs). Import applies an overlay entry only while the Azure field it replaces is
 * still what Overdrive exports for it: a field edited in the YAML after export wins, and the
 * import says so in its warnings, rather than the edit being silently overridden.
 */

/** The job property holding what Azure cannot express (a JSON text). */
export const OVERLAY_PROPERTY = 'overdrive';
export const DEFAULT_AZURE_SCRIPT = 'train.py';
export const DEFAULT_AZURE_CODE = './src';
/** The environment azureml-examples' hello-sweep job uses; a placeholder for the user's own. */
export const DEFAULT_AZURE_ENVIRONMENT = 'azureml:sklearn-1.0@latest';
/** The cluster name every azureml-examples job uses; a placeholder for the user's own. */
export const DEFAULT_AZURE_COMPUTE = 'azureml:cpu-cluster';

/** What the exported Azure trial should run. Unset fields fall back to the spec's `azure.trial`, then to placeholders. */
export interface AzureExportOptions {
  /** The whole trial command; default `python <script> --<name> ${{search_space.<name>}} ...`. */
  readonly command?: string;
  /** The script the generated command runs (default `train.py`). */
  readonly script?: string;
  /** `trial.code`, the folder uploaded with the job (default `./src`). */
  readonly code?: string;
  /** `trial.environment` (default `azureml:sklearn-1.0@latest`). */
  readonly environment?: string;
  /** `compute` (default: the spec's, else `azureml:cpu-cluster`). */
  readonly compute?: string;
}

export type { SweepFileWarning } from './sweep-file.js';

export type AzureSweepJob = Readonly<Record<string, SweepFileJsonValue>>;

export interface AzureSweepJobExport {
  readonly job: AzureSweepJob;
  readonly warnings: readonly SweepFileWarning[];
}

/** The fields Azure's schema allows, by policy and sampling type (azure-ai-ml `_schema/_sweep`). */
const AZURE_POLICY_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  FILE_POLICY_ROWS.filter((row) => row.azure).map((row) => [
    row.file.type,
    ['type', ...row.fields.filter((f) => f.azure).map((f) => f.fileKey)],
  ]),
);
const AZURE_SAMPLING_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  SAMPLING_REGISTRY.map((row) => [row.kind, ['type', ...row.options.filter((o) => o.azure).map((o) => o.name)]]),
);
/** Azure's Bayesian sampling takes only these parameter types (Azure ML docs, "Bayesian sampling"). */
const AZURE_BAYESIAN_TYPES: readonly string[] = EXPRESSION_REGISTRY.filter((row) => row.azureBayesian).map(
  (row) => row.kind,
);
const OVERLAY_SPECIAL_KEYS = ['search_space', 'parameter_names'];
const OVERLAY_KEYS: readonly string[] = [
  ...SWEEP_FILE_TOP_LEVEL_KEYS.filter((key) => key !== 'type'),
  'parameter_names',
];

/**
 * The spec as an Azure ML v2 sweep job (plain data, ready for YAML or JSON), with a warning for
 * every feature Azure runs differently or not at all. The job round-trips: `parseSweepJob` of
 * it gives back `spec` exactly.
 */
export function toAzureSweepJob(spec: SweepFile, options: AzureExportOptions = {}): AzureSweepJobExport {
  const warnings: SweepFileWarning[] = [];
  const job = projectJob(spec, options, (fieldName, message) => warnings.push({ field: fieldName, message }));
  // The overlay is the difference from what an import reads, and an import sees the property.
  const overlay = overlayFor(spec, withOverlay(job, ''), optionKeys(options));
  return { job: withOverlay(job, JSON.stringify(overlay)), warnings };
}

/**
 * The spec fields an export option sets. The overlay says nothing about them: the option's
 * value is what the job is meant to hold, so an import keeps it (a command given at export
 * comes back in `azure.trial`) instead of calling it an edit.
 */
function optionKeys(options: AzureExportOptions): ReadonlySet<string> {
  const keys = new Set<string>();
  if (options.compute !== undefined) keys.add('compute');
  if (
    options.command !== undefined ||
    options.script !== undefined ||
    options.code !== undefined ||
    options.environment !== undefined
  ) {
    keys.add('azure');
  }
  return keys;
}

function withOverlay(job: Record<string, SweepFileJsonValue>, text: string): AzureSweepJob {
  const properties = isPlainObject(job['properties']) ? { ...job['properties'] } : {};
  properties[OVERLAY_PROPERTY] = text;
  return insertAfter(job, 'compute', 'properties', properties);
}

/** `key: value` placed where Azure's documents put it, after `after` (or replacing it in place). */
function insertAfter(
  job: Record<string, SweepFileJsonValue>,
  after: string,
  key: string,
  value: SweepFileJsonValue,
): AzureSweepJob {
  const result: Record<string, SweepFileJsonValue> = {};
  let placed = false;
  for (const [k, v] of Object.entries(job)) {
    if (k === key) continue;
    if (k === after) {
      result[k] = v;
      result[key] = value;
      placed = true;
    } else {
      result[k] = v;
    }
  }
  if (!placed) result[key] = value;
  return Object.freeze(result);
}

type Warn = (field: string, message: string) => void;

/** Only Azure's fields: what the job means to Azure, without the overlay. */
function projectJob(spec: SweepFile, options: AzureExportOptions, warn: Warn): Record<string, SweepFileJsonValue> {
  const job: Record<string, SweepFileJsonValue> = {};
  job['$schema'] = spec.$schema ?? AZURE_SWEEP_SCHEMA_URL;
  job['type'] = 'sweep';
  for (const key of ['name', 'display_name', 'experiment_name', 'description'] as const) {
    const value = spec[key];
    if (value !== undefined) job[key] = value;
  }
  if (spec.tags !== undefined) job['tags'] = stringValues(spec.tags);
  if (spec.properties !== undefined) {
    if (Object.hasOwn(spec.properties, OVERLAY_PROPERTY)) {
      throw new ConfigError(
        `properties.${OVERLAY_PROPERTY}`,
        'is reserved: an Azure export keeps what Azure cannot express in this property; rename it',
        spec.properties[OVERLAY_PROPERTY],
      );
    }
    job['properties'] = stringValues(spec.properties);
  }
  let compute = options.compute ?? spec.compute;
  if (compute === undefined) {
    compute = DEFAULT_AZURE_COMPUTE;
    warn(
      'compute',
      `is required by Azure and the sweep names none: exported as the placeholder ${JSON.stringify(compute)}; set it to your compute target (azureml:<cluster name>)`,
    );
  }
  job['compute'] = compute;
  job['trial'] = trialOf(spec, options, warn);
  for (const key of SWEEP_FILE_AZURE_JOB_KEYS) {
    const value = spec.azure?.[key];
    if (value !== undefined) job[key] = value;
  }
  if (spec.data !== undefined) dataInputOf(spec, job, warn);
  job['search_space'] = spaceOf(spec.search_space, 'search_space', true, warn);
  job['sampling_algorithm'] = samplingOf(spec, warn);
  job['objective'] = { primary_metric: spec.objective.primary_metric, goal: spec.objective.goal };
  const policy = policyOf(spec, warn);
  if (policy !== undefined) job['early_termination'] = policy;
  job['limits'] = limitsOf(spec, warn);
  if (spec.backend !== undefined) {
    warn(
      'backend',
      `${JSON.stringify(spec.backend)} picks the TensorFlow.js backend in the browser; Azure has no equivalent (trials run on the compute target); kept in properties.${OVERLAY_PROPERTY}`,
    );
  }
  return job;
}

/** The job input the data becomes (`inputs.data`), and the name the command passes it by. */
export const AZURE_DATA_INPUT = 'data';

/**
 * The sweep's data as the job's input `inputs.data` (a `uri_file`, or a `uri_folder` for an image
 * folder): Azure uploads a local path beside the job, or reads a registered data asset. The
 * binding itself (dataset id and preparation) travels in the overlay; the bytes never do.
 */
function dataInputOf(spec: SweepFile, job: Record<string, SweepFileJsonValue>, warn: Warn): void {
  const data = spec.data;
  if (data === undefined) return;
  const kept = spec.azure?.inputs;
  const inputs: Record<string, SweepFileJsonValue> = isPlainObject(kept) ? { ...kept } : {};
  if (Object.hasOwn(inputs, AZURE_DATA_INPUT)) {
    warn(
      'data',
      `azure.inputs.${AZURE_DATA_INPUT} is given, so it is exported as it is rather than from data; the data binding is kept in properties.${OVERLAY_PROPERTY}`,
    );
    return;
  }
  const path = 'path' in data ? data.path : `./${data.name}`;
  const type = 'kind' in data ? 'uri_folder' : 'uri_file';
  inputs[AZURE_DATA_INPUT] = { type, path };
  job['inputs'] = inputs;
  warn(
    'data',
    `exported as the job input inputs.${AZURE_DATA_INPUT} (${type}, path ${JSON.stringify(path)}): put the ${type === 'uri_file' ? 'file' : 'folder'} beside the job (Azure uploads it) or point path at a data asset (azureml:<name>:<version>); the command receives it as \${{inputs.${AZURE_DATA_INPUT}}}, and the preparation (${preparationWords(data)}) is kept in properties.${OVERLAY_PROPERTY}`,
  );
}

function preparationWords(data: NonNullable<SweepFile['data']>): string {
  return 'kind' in data
    ? `images resized to ${data.size[0]}x${data.size[1]}`
    : `target ${JSON.stringify(data.target)}, ${data.task}`;
}

function stringValues(record: Readonly<Record<string, SweepFilePrimitive>>): Record<string, string> {
  // Azure's tags and properties are string to string; the overlay restores the types.
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

function trialOf(spec: SweepFile, options: AzureExportOptions, warn: Warn): Record<string, SweepFileJsonValue> {
  const kept = spec.azure?.trial ?? {};
  const trial: Record<string, SweepFileJsonValue> = {};
  for (const [k, v] of Object.entries(kept)) if (v !== undefined) trial[k] = v;
  const placeholders: string[] = [];
  if (options.command !== undefined) trial['command'] = options.command;
  else if (trial['command'] === undefined) {
    const dataArgument = spec.data === undefined ? '' : ` --${AZURE_DATA_INPUT} \${{inputs.${AZURE_DATA_INPUT}}}`;
    trial['command'] = defaultCommand(spec.search_space, options.script ?? DEFAULT_AZURE_SCRIPT) + dataArgument;
    placeholders.push(
      `command (it runs ${options.script ?? DEFAULT_AZURE_SCRIPT} with every parameter as --name \${{search_space.name}})`,
    );
  }
  if (options.code !== undefined) trial['code'] = options.code;
  else if (trial['code'] === undefined) {
    trial['code'] = DEFAULT_AZURE_CODE;
    placeholders.push(`code (${DEFAULT_AZURE_CODE})`);
  }
  if (options.environment !== undefined) trial['environment'] = options.environment;
  else if (trial['environment'] === undefined) {
    trial['environment'] = DEFAULT_AZURE_ENVIRONMENT;
    placeholders.push(`environment (${DEFAULT_AZURE_ENVIRONMENT})`);
  }
  const browser =
    'builtin' in spec.trial
      ? `the built-in example ${JSON.stringify(spec.trial.builtin)}`
      : `the module ${JSON.stringify(spec.trial.module)}`;
  if (placeholders.length > 0) {
    warn(
      'trial',
      `Azure runs a command, not the browser trial (${browser}, kept in properties.${OVERLAY_PROPERTY}); ` +
        `placeholders were written for ${placeholders.join(', ')}: point them at a Python script that takes these arguments ` +
        `and logs ${JSON.stringify(spec.objective.primary_metric)} with mlflow.log_metric`,
    );
  }
  return trial;
}

/** `python train.py --lr ${{search_space.lr}} ...`, one argument per top-level parameter. */
export function defaultCommand(space: SweepFileSearchSpace, script: string): string {
  const args = Object.keys(space).map((name) => {
    const azureName = name.replace(/^-+/, '');
    return `--${azureName} \${{search_space.${azureName}}}`;
  });
  return ['python', script, ...args].join(' ');
}

function spaceOf(
  space: SweepFileSearchSpace | SweepFileSubSpace,
  path: string,
  topLevel: boolean,
  warn: Warn,
): Record<string, SweepFileJsonValue> {
  const result: Record<string, SweepFileJsonValue> = {};
  for (const [name, parameter] of Object.entries(space)) {
    // Azure binds ${{search_space.<name>}} by name, so top-level names lose their dashes (the
    // command still passes --name); inside a sub-space the keys are data and stay as written.
    const azureName = topLevel ? name.replace(/^-+/, '') : name;
    const parameterPath = `${path}.${name}`;
    if (typeof parameter !== 'object') {
      const value = constantOf(parameter, parameterPath, warn);
      // Azure's search space holds only distributions: a constant is a choice of one value.
      result[azureName] = topLevel ? { type: 'choice', values: [value] } : value;
    } else {
      result[azureName] = parameterOf(parameter, parameterPath, warn);
    }
  }
  return result;
}

function parameterOf(parameter: SweepFileParameter, path: string, warn: Warn): SweepFileJsonValue {
  const result: Record<string, SweepFileJsonValue> = { type: parameter.type };
  // A parsed parameter holds the fields its row names: numbers, or a choice's list of values.
  const fields = parameter as unknown as Readonly<Record<string, number | readonly SweepFileChoiceValue[]>>;
  for (const arg of expressionRow(parameter.type).args) {
    const value = fields[arg.fileKey];
    if (value === undefined) continue;
    const at = `${path}.${arg.fileKey}`;
    result[arg.fileKey] =
      typeof value === 'number'
        ? value
        : value.map(
            (option, i): SweepFileJsonValue =>
              typeof option === 'object'
                ? spaceOf(option, `${at}[${i}]`, false, warn)
                : constantOf(option, `${at}[${i}]`, warn),
          );
  }
  return result;
}

function constantOf(value: SweepFilePrimitive, path: string, warn: Warn): string | number {
  if (typeof value !== 'boolean') return value;
  // azure-ai-ml types choice values and sub-space constants as numbers and strings only.
  warn(
    path,
    `Azure's search space has no booleans: ${String(value)} is exported as the string ${JSON.stringify(String(value))} (the boolean is kept in properties.${OVERLAY_PROPERTY})`,
  );
  return String(value);
}

function samplingOf(spec: SweepFile, warn: Warn): SweepFileJsonValue {
  const sampling = spec.sampling_algorithm as unknown as Readonly<Record<string, SweepFileJsonValue>>;
  const type = spec.sampling_algorithm.type;
  const allowed = AZURE_SAMPLING_FIELDS[type] ?? ['type'];
  const result: Record<string, SweepFileJsonValue> = {};
  for (const [key, value] of Object.entries(sampling)) {
    if (value === undefined) continue;
    if (key === 'seed' && allowed.includes(key) && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      warn(
        'sampling_algorithm.seed',
        `Azure takes an integer seed; ${JSON.stringify(value)} is left out of the Azure job (kept in properties.${OVERLAY_PROPERTY}), so Azure draws unseeded`,
      );
      continue;
    }
    if (allowed.includes(key)) result[key] = value;
    else
      warn(
        `sampling_algorithm.${key}`,
        `Azure's ${type} sampling has no ${key}; left out of the Azure job (kept in properties.${OVERLAY_PROPERTY})`,
      );
  }
  if (samplingRow(type).azureBayesian) {
    const others = Object.entries(spec.search_space)
      .filter(([, p]) => typeof p === 'object' && !AZURE_BAYESIAN_TYPES.includes(p.type))
      .map(([name]) => name);
    if (others.length > 0) {
      warn(
        'sampling_algorithm',
        `Azure's Bayesian sampling supports only choice, uniform and quniform parameters; ${others.join(', ')} will be refused by Azure`,
      );
    }
    if (spec.early_termination !== undefined) {
      warn(
        'early_termination',
        "Azure's Bayesian sampling supports no early termination policy; Azure will refuse the job until early_termination is removed",
      );
    }
  }
  return result;
}

function policyOf(spec: SweepFile, warn: Warn): SweepFileJsonValue | undefined {
  const policy = spec.early_termination;
  if (policy === undefined) return undefined;
  const allowed = AZURE_POLICY_FIELDS[policy.type];
  if (allowed === undefined) {
    const name = policyRowOfFileType(policy.type)?.label ?? policy.type;
    warn(
      'early_termination',
      `${name} is an Overdrive extension with no Azure ML equivalent: the Azure job has no early termination and runs every trial to the end ` +
        `(the policy is kept in properties.${OVERLAY_PROPERTY}; truncation_selection is Azure's nearest policy)`,
    );
    return undefined;
  }
  const fields = policyRowOfFileType(policy.type)?.fields ?? [];
  const result: Record<string, SweepFileJsonValue> = {};
  for (const [key, value] of Object.entries(policy as unknown as Readonly<Record<string, SweepFileJsonValue>>)) {
    if (value === undefined) continue;
    if (allowed.includes(key)) result[key] = value;
    // A value Azure acts on anyway (exclude_finished_jobs: false) loses nothing.
    else if (!(value === fields.find((f) => f.fileKey === key)?.azureImplicit)) {
      warn(
        `early_termination.${key}`,
        `Azure's ${policy.type} policy has no ${key}; left out of the Azure job (kept in properties.${OVERLAY_PROPERTY}), so Azure uses its default`,
      );
    }
  }
  return result;
}

function limitsOf(spec: SweepFile, warn: Warn): SweepFileJsonValue {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(spec.limits)) {
    if (value === undefined) continue;
    if (Number.isInteger(value)) {
      result[key] = value;
    } else {
      // azure-ai-ml reads the limits as integers (seconds).
      result[key] = Math.ceil(value);
      warn(
        `limits.${key}`,
        `Azure takes whole seconds: ${value} is exported as ${Math.ceil(value)} (the exact value is kept in properties.${OVERLAY_PROPERTY})`,
      );
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Back from Azure

/**
 * The spec-side reading of an Azure job: Azure's fields under the spec's names, the command-job
 * trial and data fields under `azure`, the overlay property taken out. No browser trial.
 */
function specSideOf(job: Fields): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const azure: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(job)) {
    if (key === 'trial' && isPlainObject(value)) azure['trial'] = value;
    else if ((SWEEP_FILE_AZURE_JOB_KEYS as readonly string[]).includes(key)) azure[key] = value;
    else if (key === 'properties' && isPlainObject(value) && Object.hasOwn(value, OVERLAY_PROPERTY)) {
      const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== OVERLAY_PROPERTY));
      if (Object.keys(rest).length > 0) raw[key] = rest;
    } else raw[key] = value;
  }
  if (Object.keys(azure).length > 0) {
    // `azure` keeps Azure's own order: trial first if the job had it first.
    raw['azure'] = Object.fromEntries(
      Object.keys(job)
        .filter((k) => Object.hasOwn(azure, k))
        .map((k) => [k, azure[k]]),
    );
  }
  return raw;
}

/** A job whose trial is an object (Azure's command job) or that carries an overlay is an Azure job. */
export function isAzureSweepJob(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const trial = field(value, 'trial');
  if (isPlainObject(trial) && SWEEP_FILE_AZURE_TRIAL_KEYS.some((key) => Object.hasOwn(trial, key))) return true;
  const properties = field(value, 'properties');
  return isPlainObject(properties) && Object.hasOwn(properties, OVERLAY_PROPERTY);
}

/** The overlay's entries, checked for shape. Values are checked later, by the spec rules. */
interface Overlay {
  readonly entries: ReadonlyMap<string, unknown>;
  readonly parameters: ReadonlyMap<string, unknown>;
  readonly names: ReadonlyMap<string, string>;
}

const OVERLAY_PATH = `properties.${OVERLAY_PROPERTY}`;

function readOverlay(job: Fields): Overlay | undefined {
  const properties = field(job, 'properties');
  if (!isPlainObject(properties) || !Object.hasOwn(properties, OVERLAY_PROPERTY)) return undefined;
  const text = properties[OVERLAY_PROPERTY];
  if (typeof text !== 'string') {
    throw new ConfigError(
      OVERLAY_PATH,
      'must be a JSON text (Azure properties are strings), as an Overdrive export writes it',
      text,
    );
  }
  let value: unknown;
  try {
    value = parseLocatedJson(text).value;
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new ConfigError(
      OVERLAY_PATH,
      `must be valid JSON: ${error.message} of the property's text`,
      error.found ?? 'the end of the text',
    );
  }
  if (!isPlainObject(value)) throw new ConfigError(OVERLAY_PATH, 'must be a JSON object', value);
  const entries = new Map<string, unknown>();
  const parameters = new Map<string, unknown>();
  const names = new Map<string, string>();
  for (const [key, item] of Object.entries(value)) {
    if (!OVERLAY_KEYS.includes(key)) {
      throw new ConfigError(
        `${OVERLAY_PATH}.${key}`,
        `is not a field the overlay can replace; known: ${OVERLAY_KEYS.join(', ')}`,
        item,
      );
    }
    if (key === 'search_space') {
      if (!isPlainObject(item))
        throw new ConfigError(
          `${OVERLAY_PATH}.search_space`,
          'must be an object of Azure parameter names to Overdrive parameters',
          item,
        );
      for (const [name, parameter] of Object.entries(item)) parameters.set(name, parameter);
    } else if (key === 'parameter_names') {
      if (!isPlainObject(item))
        throw new ConfigError(
          `${OVERLAY_PATH}.parameter_names`,
          'must be an object of Azure parameter names to names as written',
          item,
        );
      for (const [name, given] of Object.entries(item)) {
        if (typeof given !== 'string' || given.replace(/^-+/, '') !== name) {
          throw new ConfigError(
            `${OVERLAY_PATH}.parameter_names.${name}`,
            `must be ${JSON.stringify(name)} with leading dashes`,
            given,
          );
        }
        names.set(name, given);
      }
    } else {
      entries.set(key, item);
    }
  }
  return { entries, parameters, names };
}

/** What the import made of the job: the spec input, and where each part of it came from. */
export interface AzureSweepFileInput {
  readonly raw: Record<string, unknown>;
  readonly warnings: readonly SweepFileWarning[];
  /** Maps a spec path (from a spec error) to the path of the job where it is written. */
  readonly jobPathOf: (specPath: string) => string;
}

/**
 * Reads an Azure sweep job (already parsed from YAML or JSON) as a spec input: Azure's fields,
 * the overlay applied where the Azure field is as exported, and the browser trial from the
 * overlay, else `fallbackTrial`. Without either, a ConfigError names `trial`.
 */
export function specInputFromAzureJob(
  job: Fields,
  fallbackTrial: string | SweepFileTrial | undefined,
): AzureSweepFileInput {
  const base = specSideOf(job);
  const overlay = readOverlay(job);
  const warnings: SweepFileWarning[] = [];
  const fromOverlay = new Set<string>();

  const apply = (skip: ReadonlySet<string>): Record<string, unknown> => {
    fromOverlay.clear();
    const raw: Record<string, unknown> = { ...base };
    if (overlay === undefined) return raw;
    for (const [key, value] of overlay.entries) {
      if (skip.has(key)) continue;
      fromOverlay.add(key);
      if (value === null) delete raw[key];
      else raw[key] = value;
    }
    const space = raw['search_space'];
    if (isPlainObject(space) && (overlay.parameters.size > 0 || overlay.names.size > 0)) {
      raw['search_space'] = Object.fromEntries(
        Object.entries(space).map(([name, parameter]) => {
          const replaced = overlay.parameters.has(name) && !skip.has(`search_space.${name}`);
          if (replaced) fromOverlay.add(`search_space.${name}`);
          return [overlay.names.get(name) ?? name, replaced ? overlay.parameters.get(name) : parameter];
        }),
      );
    }
    return raw;
  };

  const trialFor = (raw: Record<string, unknown>): void => {
    if (raw['trial'] !== undefined) return;
    if (fallbackTrial !== undefined) {
      raw['trial'] = fallbackTrial;
      return;
    }
    const trial = field(job, 'trial');
    const command = isPlainObject(trial) ? field(trial, 'command') : undefined;
    throw new ConfigError(
      'trial',
      'is an Azure command job, which cannot run in the browser, and the job names no browser trial; ' +
        'pass one to the import (the trial option: a built-in example name such as "digits-mlp", or {"module": "<URL of an ES module>"}), ' +
        `or export the sweep from Overdrive, which keeps it in properties.${OVERLAY_PROPERTY}`,
      command ?? trial,
    );
  };

  let raw = apply(new Set());
  if (overlay !== undefined) {
    for (const name of overlay.parameters.keys()) {
      if (!isPlainObject(base['search_space']) || !Object.hasOwn(base['search_space'], name)) {
        warnings.push({
          field: `${OVERLAY_PATH}.search_space.${name}`,
          message: `ignored: the Azure search space has no parameter ${JSON.stringify(name)} any more`,
        });
      }
    }
    // Overlay entries apply only where the Azure field is still what the export wrote from them.
    const stale = new Set<string>();
    trialFor(raw);
    let exported: Fields | undefined;
    try {
      exported = projectJob(normalizeSweepFile(raw), {}, () => undefined);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The spec is invalid as it stands; the parse that follows reports it at its field.
    }
    if (exported !== undefined) {
      const expected = specSideOf(exported);
      for (const key of overlay.entries.keys()) {
        if (key === 'trial' || key === 'backend') continue;
        if (!sameJson(base[key], expected[key])) stale.add(key);
      }
      const baseSpace = isPlainObject(base['search_space']) ? base['search_space'] : {};
      const expectedSpace = isPlainObject(expected['search_space']) ? expected['search_space'] : {};
      for (const name of overlay.parameters.keys()) {
        if (Object.hasOwn(baseSpace, name) && !sameJson(baseSpace[name], expectedSpace[name]))
          stale.add(`search_space.${name}`);
      }
    }
    for (const key of stale) {
      warnings.push({
        field: `${OVERLAY_PATH}.${key}`,
        message: `not applied: ${key} in the Azure job differs from what Overdrive exports for it (edited after export, or exported with other options), so the Azure value is used`,
      });
    }
    if (stale.size > 0) raw = apply(stale);
  }
  trialFor(raw);

  const renamed = new Map<string, string>();
  if (overlay !== undefined) for (const [azureName, given] of overlay.names) renamed.set(given, azureName);
  const jobPathOf = (specPath: string): string => {
    const [head = '', second] = specPath.split(/[.[]/, 2);
    if (head === 'search_space' && second !== undefined) {
      const given = specPath.slice('search_space.'.length).split(/[.[]/)[0] ?? '';
      const azureName = renamed.get(given) ?? given;
      const rest = specPath.slice(`search_space.${given}`.length);
      if (fromOverlay.has(`search_space.${azureName}`)) return `${OVERLAY_PATH}.search_space.${azureName}${rest}`;
      return `search_space.${azureName}${rest}`;
    }
    if (fromOverlay.has(head)) return `${OVERLAY_PATH}.${specPath}`;
    if (head === 'azure' && specPath.startsWith('azure.')) return specPath.slice('azure.'.length);
    return specPath;
  };
  return { raw, warnings, jobPathOf };
}

/**
 * The overlay: for every field, what the spec says where the Azure job alone would read back
 * differently (see the Decision at the top).
 */
function overlayFor(spec: SweepFile, job: Fields, fromOptions: ReadonlySet<string>): Record<string, unknown> {
  const base = specSideOf(job);
  const { normalized, forced } = normalizeBase(base, spec);
  const baseSpec = normalized as unknown as Readonly<Record<string, unknown>>;
  const target = spec as unknown as Readonly<Record<string, unknown>>;
  const overlay: Record<string, unknown> = {};
  for (const key of OVERLAY_KEYS) {
    if (OVERLAY_SPECIAL_KEYS.includes(key)) continue;
    // The trial is compared with the base's, which is the spec's own: it must go in regardless.
    if (key === 'trial') {
      overlay[key] = 'builtin' in spec.trial ? spec.trial.builtin : spec.trial;
      continue;
    }
    if (fromOptions.has(key)) continue;
    if (!sameJson(baseSpec[key], target[key])) overlay[key] = target[key] ?? null;
  }
  const names: Record<string, string> = {};
  const parameters: Record<string, unknown> = {};
  const baseSpace = baseSpec['search_space'] as SweepFileSearchSpace;
  for (const [name, parameter] of Object.entries(spec.search_space)) {
    const azureName = name.replace(/^-+/, '');
    if (azureName !== name) names[azureName] = name;
    if (forced.has(azureName) || !sameJson(baseSpace[azureName], parameter)) parameters[azureName] = parameter;
  }
  if (Object.keys(parameters).length > 0) overlay['search_space'] = parameters;
  if (Object.keys(names).length > 0) overlay['parameter_names'] = names;
  return overlay;
}

/**
 * The Azure fields read back as a spec. A parameter Azure cannot hold faithfully may not read
 * back at all (booleans exported as strings can collide: [true, "true"]); such a parameter is
 * taken from the spec instead and `forced` into the overlay.
 */
function normalizeBase(
  base: Record<string, unknown>,
  spec: SweepFile,
): { normalized: SweepFile; forced: ReadonlySet<string> } {
  const forced = new Set<string>();
  const space = isPlainObject(base['search_space']) ? { ...base['search_space'] } : {};
  const byAzureName = new Map(Object.entries(spec.search_space).map(([name, p]) => [name.replace(/^-+/, ''), p]));
  for (;;) {
    try {
      return { normalized: normalizeSweepFile({ ...base, search_space: space, trial: spec.trial }), forced };
    } catch (error) {
      const name = error instanceof ConfigError ? /^search_space\.([^.[]+)/.exec(error.field)?.[1] : undefined;
      const replacement = name === undefined ? undefined : byAzureName.get(name);
      if (name === undefined || replacement === undefined || forced.has(name)) throw error;
      forced.add(name);
      space[name] = replacement;
    }
  }
}

/** Deep equality of JSON data, key order included (the order of a search space is meaningful). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return keysA.length === keysB.length && keysA.every((key, i) => key === keysB[i] && sameJson(a[key], b[key]));
  }
  return false;
}
