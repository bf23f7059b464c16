import type { SweepFilePolicy, WrittenSweepFilePolicy } from '../policy/registry.js';
import type { SweepFileSampling, WrittenSweepFileSampling } from '../sampling/registry.js';
import type { ExpressionKind } from '../space/expression.js';
import { EXPRESSION_FILE_FIELDS, EXPRESSION_KINDS } from '../space/registry.js';
/**
 * The sweep spec: a JSON document that mirrors the Azure ML v2 sweep job YAML
 * (`type: sweep`, `search_space`, `sampling_algorithm`, `objective`, `early_termination`,
 * `limits`, `trial`) so that a sweep written for Azure reads almost unchanged here, and one
 * designed here can be taken back. Keys are snake_case, as in the YAML.
 *
 * Two shapes exist: `SweepFileInput` is what a person may write (shorthands allowed, defaults
 * omitted); `SweepFile` is the normalised form `parseSweepFile` returns and `toSweepFile`
 * produces, with every shorthand expanded and every default written out, so that two specs
 * meaning the same sweep compare equal.
 */

export type SweepFilePrimitive = number | string | boolean;

/** Something an export or import could not carry over exactly, or a field accepted but not acted on: in words, with the field it concerns. */
export interface SweepFileWarning {
  readonly field: string;
  readonly message: string;
}

export type SweepFileGoal = 'maximize' | 'minimize';

export const SWEEP_FILE_BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** Overdrive extension: which TF.js backend the workers use (`auto` measures and picks). */
export type SweepFileBackend = (typeof SWEEP_FILE_BACKENDS)[number];

/** The parameter types, which are the search-space expressions (their registry rows). */
export const SWEEP_FILE_PARAMETER_TYPES: readonly ExpressionKind[] = EXPRESSION_KINDS;
export type SweepFileParameterType = ExpressionKind;

/** The fields each parameter type takes besides `type`, in the order Azure documents them. */
export const SWEEP_FILE_PARAMETER_FIELDS: Readonly<Record<SweepFileParameterType, readonly string[]>> =
  EXPRESSION_FILE_FIELDS;

export interface SweepFileChoice {
  readonly type: 'choice';
  /** Constants, or sub-space objects whose fields are parameters or constants (nested choice). */
  readonly values: readonly SweepFileChoiceValue[];
}
export interface SweepFileRandint {
  readonly type: 'randint';
  /** Samples an integer in [0, upper). */
  readonly upper: number;
}
export interface SweepFileUniform {
  /** For `loguniform`, min_value and max_value are exponents: the sample is exp(uniform(min, max)). */
  readonly type: 'uniform' | 'loguniform';
  readonly min_value: number;
  readonly max_value: number;
}
export interface SweepFileQUniform {
  readonly type: 'quniform' | 'qloguniform';
  readonly min_value: number;
  readonly max_value: number;
  readonly q: number;
}
export interface SweepFileNormal {
  readonly type: 'normal' | 'lognormal';
  readonly mu: number;
  readonly sigma: number;
}
export interface SweepFileQNormal {
  readonly type: 'qnormal' | 'qlognormal';
  readonly mu: number;
  readonly sigma: number;
  readonly q: number;
}

export type SweepFileParameter =
  | SweepFileChoice
  | SweepFileRandint
  | SweepFileUniform
  | SweepFileQUniform
  | SweepFileNormal
  | SweepFileQNormal;

/**
 * A sub-space offered as one option of a choice. A field whose value is an object is a
 * parameter; a number, string or boolean is a constant passed as it is.
 */
export interface SweepFileSubSpace {
  readonly [name: string]: SweepFileParameter | SweepFilePrimitive;
}
export type SweepFileChoiceValue = SweepFilePrimitive | SweepFileSubSpace;

/**
 * Parameter name to parameter. Overdrive extension: a constant (number, string, boolean) may
 * stand for a parameter, because without Azure's `trial.command` there is nowhere else to pass
 * a fixed argument such as the number of epochs.
 */
export interface SweepFileSearchSpace {
  readonly [name: string]: SweepFileParameter | SweepFilePrimitive;
}

export type SweepFileRandomRule = 'random' | 'sobol';

/**
 * `sampling_algorithm`, every default written out: one member per sampling method, built from
 * its registry row (src/sampling/registry.ts). A seed is an integer in Azure; a non-empty
 * string is accepted too (the JavaScript API allows it), and Bayesian's seed is an Overdrive
 * extension (Azure's Bayesian sampling takes none) that replays the same suggestions.
 */
export type SweepFileSamplingAlgorithm = SweepFileSampling;

export interface SweepFileObjective {
  readonly primary_metric: string;
  readonly goal: SweepFileGoal;
}

/**
 * `early_termination`, every default written out: one member per policy, built from its
 * registry row (src/policy/registry.ts), where each field's comment is. Bandit has exactly one
 * of slack_factor and slack_amount; ASHA without max_interval has no top rung.
 */
export type SweepFileEarlyTermination = SweepFilePolicy;

export type SweepFileEarlyTerminationType = SweepFileEarlyTermination['type'];

export interface SweepFileLimits {
  readonly max_total_trials: number;
  readonly max_concurrent_trials: number;
  /** Seconds (Azure v2 counts seconds); becomes `maxDurationMinutes = timeout / 60`. */
  readonly timeout: number;
  /**
   * Seconds each trial may run (Azure v2 counts seconds); becomes `trialTimeoutSeconds`: a
   * trial still running when it is reached is cancelled, and the sweep goes on. Absent: no limit.
   */
  readonly trial_timeout?: number;
}

/** A JSON value as Azure's own job fields hold it (kept verbatim, never interpreted). */
export type SweepFileJsonValue =
  | null
  | boolean
  | number
  | string
  | readonly SweepFileJsonValue[]
  | { readonly [key: string]: SweepFileJsonValue };

/** The command-job fields of an Azure trial, which a browser sweep keeps but does not run. */
export const SWEEP_FILE_AZURE_TRIAL_KEYS = [
  'command',
  'code',
  'environment',
  'environment_variables',
  'resources',
  'distribution',
  'queue_settings',
] as const;
/** Top-level Azure job fields with no meaning in the browser, kept for the way back to Azure. */
export const SWEEP_FILE_AZURE_JOB_KEYS = [
  'inputs',
  'outputs',
  'identity',
  'resources',
  'queue_settings',
  'services',
] as const;

/**
 * Overdrive extension: what an Azure sweep job carries that the browser cannot use (the
 * command, code and environment of its trial, its data inputs, ...), kept verbatim so that a
 * job imported from Azure exports back to the same job. Written by the Azure import; by hand
 * it is the place to say which command, code and environment an export should name.
 */
export type SweepFileAzureFields = {
  readonly trial?: { readonly [K in (typeof SWEEP_FILE_AZURE_TRIAL_KEYS)[number]]?: SweepFileJsonValue };
} & { readonly [K in (typeof SWEEP_FILE_AZURE_JOB_KEYS)[number]]?: SweepFileJsonValue };

/** A built-in example by name, or an ES module (URL or path) whose default export is `train(params, run)`. */
export type SweepFileTrial = { readonly builtin: string } | { readonly module: string };

/** A table's preparation in the file (`PreparationSpec` in snake_case), every default written out. */
export interface SweepFileTablePreparation {
  readonly target: string;
  readonly task: 'classification' | 'regression';
  readonly drop: readonly string[];
  readonly missing: 'drop-rows' | 'impute';
  readonly categorical: 'one-hot' | 'index';
  readonly validation_fraction: number;
  readonly seed: number;
}

/** An image folder's preparation in the file (`ImagePreparationSpec` in snake_case). */
export interface SweepFileImagePreparation {
  readonly kind: 'images';
  /** [height, width] every image is resized to. */
  readonly size: readonly [number, number];
  readonly validation_fraction: number;
  readonly seed: number;
}

export type SweepFileDataPreparation = SweepFileTablePreparation | SweepFileImagePreparation;

/**
 * Overdrive extension: the data the trials train on (`env.datasets.user()`), in one flat object:
 * where it is, then how to prepare it. `path` is a file (or image folder) beside the spec, which
 * the CLI stores in the page's dataset store before the sweep starts; `dataset` is a dataset
 * already stored in this browser, by the content hash of its bytes. The data itself is never in
 * the spec, so a share link or an export carries only this.
 */
export type SweepFileData = ({ readonly path: string } | { readonly dataset: string; readonly name: string }) &
  SweepFileDataPreparation;

/** The normalised spec. */
export interface SweepFile {
  readonly $schema?: string;
  readonly type: 'sweep';
  /** Azure's job name; kept, not used. */
  readonly name?: string;
  readonly display_name?: string;
  readonly experiment_name: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, SweepFilePrimitive>>;
  readonly properties?: Readonly<Record<string, SweepFilePrimitive>>;
  /** Azure's compute target; kept for the round trip, meaningless in the browser. */
  readonly compute?: string;
  readonly search_space: SweepFileSearchSpace;
  readonly sampling_algorithm: SweepFileSamplingAlgorithm;
  readonly objective: SweepFileObjective;
  /** Absent: every run trains to the end. */
  readonly early_termination?: SweepFileEarlyTermination;
  readonly limits: SweepFileLimits;
  readonly trial: SweepFileTrial;
  readonly data?: SweepFileData;
  readonly backend?: SweepFileBackend;
  readonly azure?: SweepFileAzureFields;
}

/** What may be written by hand: shorthands and omitted defaults. `parseSweepFile` accepts it. */
export interface SweepFileInput {
  readonly $schema?: string;
  readonly type?: 'sweep';
  readonly name?: string;
  readonly display_name?: string;
  readonly experiment_name?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, SweepFilePrimitive>>;
  readonly properties?: Readonly<Record<string, SweepFilePrimitive>>;
  readonly compute?: string;
  readonly search_space: SweepFileSearchSpace;
  /** A method's name stands for its object with every option left out. */
  readonly sampling_algorithm: WrittenSweepFileSampling;
  readonly objective: { readonly primary_metric: string; readonly goal: string };
  /** Fields with a default may be left out; see `SweepFileEarlyTermination`. */
  readonly early_termination?: WrittenSweepFilePolicy;
  readonly limits?: {
    readonly max_total_trials?: number;
    readonly max_concurrent_trials?: number;
    readonly timeout?: number;
    readonly trial_timeout?: number;
  };
  readonly trial: string | SweepFileTrial;
  /** Preparation fields other than target and task (for tables) may be left out. */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly backend?: SweepFileBackend;
  readonly azure?: SweepFileAzureFields;
}

/** Top-level keys Azure specs often carry that Overdrive keeps but does not act on. */
export const SWEEP_FILE_METADATA_KEYS = [
  '$schema',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'compute',
] as const;

export const SWEEP_FILE_TOP_LEVEL_KEYS = [
  'type',
  'experiment_name',
  'search_space',
  'sampling_algorithm',
  'objective',
  'early_termination',
  'limits',
  'trial',
  'data',
  'backend',
  'azure',
  ...SWEEP_FILE_METADATA_KEYS,
] as const;

export const DEFAULT_EXPERIMENT_NAME = 'default';
/** Azure's documented default for `limits.max_total_trials`, and the semantics §6 ceiling. */
export const DEFAULT_MAX_TOTAL_TRIALS = 1000;
/** semantics §6's 10080 minutes, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 10080 * 60;
export const AZURE_SWEEP_SCHEMA_URL = 'https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json';
