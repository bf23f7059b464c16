import { AshaPolicy, type AshaPolicyOptions } from './asha.js';
import { BanditPolicy, type BanditPolicyOptions } from './bandit.js';
import { HyperbandPolicy, type HyperbandPolicyOptions } from './hyperband.js';
import { MedianStoppingPolicy } from './median-stopping.js';
import { NoTerminationPolicy, type NoTerminationPolicyOptions } from './no-termination.js';
import type { EarlyTerminationPolicy, PolicyKind } from './policy.js';
import { TruncationSelectionPolicy, type TruncationSelectionPolicyOptions } from './truncation-selection.js';

/**
 * How a sweep file's value is read before the constructor sees it. The file reader checks
 * `integer`, `positive` and `boolean` itself so its message names the file's rule; `constructor`
 * leaves every rule (including those between fields, such as ASHA's rungs) to the constructor,
 * whose message is then moved to the file path.
 */
export type PolicyFieldRead =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'positive' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'constructor' };

/** One option of a policy, in every spelling a shape needs. */
export interface PolicyField {
  /** The constructor's and the stored record's name (camelCase). */
  readonly option: string;
  /** The sweep file's, Azure's and the builder's name (snake_case). */
  readonly fileKey: string;
  readonly read: PolicyFieldRead;
  /** When set, the sweep file must give the field; the text says what it expects. */
  readonly required?: string;
  /** The builder's label for the input. */
  readonly label: string;
  /** What the builder fills in when the policy is picked (not the engine default, which is plainer). */
  readonly builderDefault?: string;
  /** Azure ML's schema has the field under the same name. */
  readonly azure: boolean;
  /** For a field Azure lacks: the value Azure acts as if it were given, so exporting it loses nothing. */
  readonly azureImplicit?: number | boolean;
}

/** The file-format side of a policy: absent for no-termination, which the file says by leaving the policy out. */
export interface PolicyFileForm {
  /** `early_termination.type`. */
  readonly type: string;
  /** How "is not a known field of …" names the policy. */
  readonly noun: string;
}

export interface PolicyRow {
  readonly kind: PolicyKind;
  readonly file: PolicyFileForm | null;
  /** The builder's name for the policy; also used where a warning names it. */
  readonly label: string;
  /** In the order the sweep file writes them. */
  readonly fields: readonly PolicyField[];
  /** File keys of which exactly one must be given (Bandit's two slacks). */
  readonly exactlyOne?: readonly [string, string];
  /** Azure ML has this policy (under `file.type`); if not, an Azure export leaves it out with a warning. */
  readonly azure: boolean;
  /** The Optuna pruner an Optuna script uses for it (BanditPruner ships in the script itself). */
  readonly optunaPruner: string | null;
  /** Validates its options, like every constructor. */
  readonly create: (options: Readonly<Record<string, unknown>>) => EarlyTerminationPolicy;
}

const EVALUATION_INTERVAL: PolicyField = {
  option: 'evaluationInterval',
  fileKey: 'evaluation_interval',
  read: { kind: 'integer', min: 1 },
  label: 'evaluation interval',
  builderDefault: '1',
  azure: true,
};
const DELAY_EVALUATION: PolicyField = {
  option: 'delayEvaluation',
  fileKey: 'delay_evaluation',
  read: { kind: 'integer', min: 0 },
  label: 'delay evaluation',
  builderDefault: '5',
  azure: true,
};
const SCHEDULE: readonly PolicyField[] = [EVALUATION_INTERVAL, DELAY_EVALUATION];
const REDUCTION_FACTOR: PolicyField = {
  option: 'reductionFactor',
  fileKey: 'reduction_factor',
  read: { kind: 'constructor' },
  label: 'reduction factor (η)',
  builderDefault: '3',
  azure: false,
};
const MIN_INTERVAL: PolicyField = {
  option: 'minInterval',
  fileKey: 'min_interval',
  read: { kind: 'constructor' },
  label: 'min interval',
  builderDefault: '1',
  azure: false,
};
const MAX_INTERVAL: PolicyField = {
  option: 'maxInterval',
  fileKey: 'max_interval',
  read: { kind: 'constructor' },
  label: 'max interval',
  azure: false,
};

// The casts in `create` only satisfy the compiler: each constructor validates its options.
/**
 * One row per early-termination policy; every shape of a sweep (file, record, Azure, Optuna,
 * builder) reads these. A new policy is its implementation file and a row here, plus the two
 * type declarations the compiler then asks for: its kind in `PolicyKind` (policy.ts) and its
 * file shape in `SpecEarlyTermination` (sweep-file.ts), whose new case the Optuna writer's
 * switch must then handle.
 */
export const POLICY_REGISTRY: readonly PolicyRow[] = [
  {
    kind: 'bandit',
    file: { type: 'bandit', noun: 'a bandit policy' },
    label: 'Bandit (slack from the best)',
    fields: [
      {
        option: 'slackFactor',
        fileKey: 'slack_factor',
        read: { kind: 'positive' },
        label: 'slack factor',
        builderDefault: '0.1',
        azure: true,
      },
      {
        option: 'slackAmount',
        fileKey: 'slack_amount',
        read: { kind: 'positive' },
        label: 'slack amount',
        azure: true,
      },
      ...SCHEDULE,
    ],
    exactlyOne: ['slack_factor', 'slack_amount'],
    azure: true,
    optunaPruner: 'BanditPruner',
    create: (options) => new BanditPolicy(options as unknown as BanditPolicyOptions),
  },
  {
    kind: 'median-stopping',
    file: { type: 'median_stopping', noun: 'a median_stopping policy' },
    label: 'Median stopping',
    fields: SCHEDULE,
    azure: true,
    optunaPruner: 'optuna.pruners.MedianPruner',
    create: (options) => new MedianStoppingPolicy(options),
  },
  {
    kind: 'truncation-selection',
    file: { type: 'truncation_selection', noun: 'a truncation_selection policy' },
    label: 'Truncation selection',
    fields: [
      {
        option: 'truncationPercentage',
        fileKey: 'truncation_percentage',
        read: { kind: 'integer', min: 1, max: 99 },
        required: 'an integer between 1 and 99',
        label: 'truncation %',
        builderDefault: '20',
        azure: true,
      },
      ...SCHEDULE,
      {
        option: 'excludeFinishedJobs',
        fileKey: 'exclude_finished_jobs',
        read: { kind: 'boolean' },
        label: 'exclude finished runs',
        builderDefault: 'false',
        azure: false,
        // Finished runs take part in Azure's comparison.
        azureImplicit: false,
      },
    ],
    azure: true,
    optunaPruner: 'optuna.pruners.PercentilePruner',
    create: (options) => new TruncationSelectionPolicy(options as unknown as TruncationSelectionPolicyOptions),
  },
  {
    kind: 'asha',
    file: { type: 'asha', noun: 'an asha policy (an Overdrive extension)' },
    label: 'ASHA (asynchronous successive halving)',
    fields: [
      REDUCTION_FACTOR,
      MIN_INTERVAL,
      MAX_INTERVAL,
      {
        option: 'earlyStoppingRate',
        fileKey: 'early_stopping_rate',
        read: { kind: 'constructor' },
        label: 'early-stopping rate (s)',
        builderDefault: '0',
        azure: false,
      },
    ],
    azure: false,
    optunaPruner: 'optuna.pruners.SuccessiveHalvingPruner',
    create: (options) => new AshaPolicy(options as AshaPolicyOptions),
  },
  {
    kind: 'hyperband',
    file: { type: 'hyperband', noun: 'a hyperband policy (an Overdrive extension)' },
    label: 'Hyperband',
    fields: [
      REDUCTION_FACTOR,
      MIN_INTERVAL,
      { ...MAX_INTERVAL, builderDefault: '27' },
      {
        option: 'brackets',
        fileKey: 'brackets',
        read: { kind: 'constructor' },
        label: 'brackets',
        builderDefault: '3',
        azure: false,
      },
    ],
    azure: false,
    optunaPruner: 'optuna.pruners.HyperbandPruner',
    create: (options) => new HyperbandPolicy(options as unknown as HyperbandPolicyOptions),
  },
  {
    kind: 'no-termination',
    file: null,
    label: 'None: every run trains to the end',
    fields: [],
    azure: true,
    optunaPruner: null,
    create: (options) => new NoTerminationPolicy(options as NoTerminationPolicyOptions),
  },
];

/** The policy kinds, in registry order (the order error messages list them in). */
export const POLICY_KINDS: readonly PolicyKind[] = POLICY_REGISTRY.map((row) => row.kind);

/** The rows a sweep file can name, in registry order. */
export const FILE_POLICY_ROWS: readonly (PolicyRow & { readonly file: PolicyFileForm })[] = POLICY_REGISTRY.filter(
  (row): row is PolicyRow & { readonly file: PolicyFileForm } => row.file !== null,
);

export function isPolicyKind(value: unknown): value is PolicyKind {
  return typeof value === 'string' && (POLICY_KINDS as readonly string[]).includes(value);
}

export function policyRow(kind: PolicyKind): PolicyRow {
  const row = POLICY_REGISTRY.find((r) => r.kind === kind);
  // Unreachable while every PolicyKind has a row; registry.test checks that.
  if (row === undefined) throw new Error(`no registry row for policy ${kind}`);
  return row;
}

/** The row whose sweep-file type is `type`, if any. */
export function policyRowOfFileType(type: string): (PolicyRow & { readonly file: PolicyFileForm }) | undefined {
  return FILE_POLICY_ROWS.find((row) => row.file.type === type);
}

/** Option name → sweep-file key over every policy (one name means one thing in every policy). */
export const POLICY_FILE_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  POLICY_REGISTRY.flatMap((row) => row.fields.map((f): [string, string] => [f.option, f.fileKey])),
);

/** The stored record's option names for `kind`, in file order (what a reader of a stored policy accepts). */
export function policyOptionNames(kind: PolicyKind): readonly string[] {
  return policyRow(kind).fields.map((f) => f.option);
}
