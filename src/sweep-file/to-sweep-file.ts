import { ConfigError } from '../errors.js';
import { NO_FILE_POLICY_ROW, POLICY_FILE_KEYS, policyRow } from '../policy/registry.js';
import { samplingOptionNames } from '../sampling/registry.js';
import { createSearchSpace } from '../space/create-search-space.js';
import { expressionRow } from '../space/registry.js';
import type { NormalizedExpression, SearchSpace } from '../space/search-space.js';
import { reviveDefinition } from '../space/serialize.js';
import type { SweepConfigRecord } from '../store/records.js';
import { normalizeSweepFile } from './parse-sweep-file.js';
import { fileDataOf } from './parse-data.js';
import { specPathOf } from './parse-search-space.js';
import { atFilePath } from './file-fields.js';
import type {
  SweepFileChoiceValue,
  SweepFileParameter,
  SweepFilePrimitive,
  SweepFileSearchSpace,
  SweepFileTrial,
  SweepFileWarning,
  SweepFile,
} from './sweep-file.js';

/**
 * What a stored sweep config does not hold but the spec can: Azure's bookkeeping fields, the
 * experiment, the backend. A parsed `SweepFile` fits here as it is, so
 * `toSweepFile(config.toRecord(), parsed.spec).spec` restores everything the spec said.
 */
export interface SweepFileExtras {
  readonly $schema?: string;
  readonly name?: string;
  readonly display_name?: string;
  readonly experiment_name?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, SweepFilePrimitive>>;
  readonly properties?: Readonly<Record<string, SweepFilePrimitive>>;
  readonly compute?: string;
  readonly backend?: SweepFile['backend'];
  /** The Azure job fields an imported Azure job carried (command, code, environment, inputs...). */
  readonly azure?: SweepFile['azure'];
  /**
   * Replaces the stored trial. Needed when the sweep trained a function, which can be stored
   * by name only: the export must say where the same code lives.
   */
  readonly trial?: SweepFileTrial;
}

const EXTRA_KEYS = [
  '$schema',
  'name',
  'display_name',
  'experiment_name',
  'description',
  'tags',
  'properties',
  'compute',
  'backend',
  'azure',
] as const;

/** A stored sweep config as a spec, and what the spec leaves out (never silently). */
export interface SweepFileExport {
  readonly spec: SweepFile;
  /**
   * Parts of the config the spec format has no field for and that the export therefore drops:
   * `resumeFrom` (warm start) and `resumeChildRuns` (resumed runs) name sweeps and runs of this
   * browser's store, which mean nothing to another machine. Shown beside whatever is made from
   * `spec` (Azure job, Optuna script, share link), since each of those starts from the spec alone.
   */
  readonly warnings: readonly SweepFileWarning[];
}

/**
 * The reverse of `parseSweepFile`: a stored sweep config (`HyperDriveConfig.toRecord()`) as a
 * normalised sweep spec, for export. The result is validated by the same rules as an imported
 * spec, so anything the spec format cannot say about the search itself (a parameter name with a
 * space, a trained function with no `extras.trial`, an option it has no field for) is refused
 * with a ConfigError naming the spec field, rather than exported lossily. What it cannot say
 * about where the sweep started from (warm start, resumed runs) is dropped with a warning: the
 * same search can still run elsewhere, only from scratch.
 */
export function toSweepFile(config: SweepConfigRecord, extras: SweepFileExtras = {}): SweepFileExport {
  const raw: Record<string, unknown> = {};
  for (const key of EXTRA_KEYS) {
    if (extras[key] !== undefined) raw[key] = extras[key];
  }
  raw['type'] = 'sweep';
  raw['search_space'] = searchSpaceOf(config.sampling.space);
  raw['sampling_algorithm'] = samplingOf(config.sampling);
  raw['objective'] = { primary_metric: config.primaryMetricName, goal: config.primaryMetricGoal.toLowerCase() };
  const policy = policyOf(config.policy);
  if (policy !== undefined) raw['early_termination'] = policy;
  raw['limits'] = {
    max_total_trials: config.maxTotalRuns,
    max_concurrent_trials: config.maxConcurrentRuns,
    timeout: minutesToSeconds(config.maxDurationMinutes),
    ...(config.trialTimeoutSeconds === undefined ? {} : { trial_timeout: config.trialTimeoutSeconds }),
  };
  raw['trial'] = extras.trial ?? trialOf(config.trial);
  if (config.data !== undefined) raw['data'] = fileDataOf(config.data);
  const spec = normalizeSweepFile(raw);
  return { spec, warnings: Object.freeze(droppedStarts(config)) };
}

function droppedStarts(config: SweepConfigRecord): SweepFileWarning[] {
  const warnings: SweepFileWarning[] = [];
  const parents = config.resumeFrom ?? [];
  if (parents.length > 0) {
    warnings.push({
      field: 'resumeFrom',
      message:
        'is not exported (the sweep spec has no field for warm start): the exported sweep starts without ' +
        `the results of ${plural(parents.length, 'earlier sweep')} ${parents.join(', ')}`,
    });
  }
  const resumed = config.resumeChildRuns ?? [];
  if (resumed.length > 0) {
    warnings.push({
      field: 'resumeChildRuns',
      message:
        'is not exported (the sweep spec has no field for resumed runs): the exported sweep does not continue ' +
        `${plural(resumed.length, 'run')} ${resumed.map((r) => `${r.runId} (sweep ${r.sweepId})`).join(', ')} from their checkpoints`,
    });
  }
  return warnings;
}

function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

function searchSpaceOf(stored: unknown): SweepFileSearchSpace {
  // createSearchSpace expands ranges and gives the names as the user wrote them (dashes kept).
  const space = atFilePath(
    (name) => (name === 'searchSpace' ? 'search_space' : specPathOf(name, 'search_space')),
    () => createSearchSpace(reviveDefinition(stored)),
  );
  return spaceOf(space);
}

function spaceOf(space: SearchSpace): SweepFileSearchSpace {
  return Object.fromEntries(
    space.parameters.map((parameter): [string, SweepFileParameter | SweepFilePrimitive] => [
      parameter.givenName,
      parameter.value.kind === 'constant' ? parameter.value.value : parameterOf(parameter.value.expression),
    ]),
  );
}

function parameterOf(expression: NormalizedExpression): SweepFileParameter {
  if (expression.kind === 'choice') {
    return {
      type: 'choice',
      values: expression.options.map(
        (option): SweepFileChoiceValue => (option.kind === 'value' ? option.value : spaceOf(option.space)),
      ),
    };
  }
  const given = expression as unknown as Readonly<Record<string, unknown>>;
  const fields = expressionRow(expression.kind).args.map((a) => [a.fileKey, given[a.name]]);
  // The row's arguments are the file's fields for this type, so this is the type's shape.
  return { type: expression.kind, ...Object.fromEntries(fields) } as SweepFileParameter;
}

function samplingOf(sampling: SweepConfigRecord['sampling']): Record<string, unknown> {
  const options = sampling.options;
  const allowed = samplingOptionNames(sampling.kind);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(
        `sampling_algorithm.${key}`,
        `is a ${sampling.kind} sampling option the sweep spec has no field for, so it cannot be exported`,
        options[key],
      );
    }
  }
  return { type: sampling.kind, ...options };
}

function policyOf(policy: SweepConfigRecord['policy']): Record<string, unknown> | undefined {
  if (policy.kind === NO_FILE_POLICY_ROW.kind) {
    if (Object.keys(policy.options).length > 0) {
      throw new ConfigError(
        'early_termination',
        `${policy.kind} takes no options, so these cannot be exported`,
        policy.options,
      );
    }
    return undefined;
  }
  const result: Record<string, unknown> = { type: policyRow(policy.kind).file?.type };
  for (const [key, value] of Object.entries(policy.options)) {
    const name = POLICY_FILE_KEYS[key];
    if (name === undefined) {
      throw new ConfigError(
        `early_termination.${key}`,
        `is a ${policy.kind} option the sweep spec has no field for, so it cannot be exported`,
        value,
      );
    }
    result[name] = value;
  }
  return result;
}

function trialOf(trial: SweepConfigRecord['trial']): SweepFileTrial {
  switch (trial.kind) {
    case 'builtin':
      return { builtin: trial.name };
    case 'module':
      return { module: trial.url };
    case 'function':
      throw new ConfigError(
        'trial',
        'is a training function, which is stored by name only and cannot be exported; pass extras.trial ({ builtin } or { module }) saying where the same code lives',
        trial.name,
      );
  }
}

/**
 * `timeout / 60` is how the spec becomes minutes; this finds the shortest number of seconds
 * that divides back to exactly the same minutes, so 100 s stays 100 and not 100.00000000000001.
 */
export function minutesToSeconds(minutes: number): number {
  const seconds = minutes * 60;
  for (let digits = 1; digits <= 17; digits += 1) {
    const candidate = Number(seconds.toPrecision(digits));
    if (candidate / 60 === minutes) return candidate;
  }
  return seconds;
}
