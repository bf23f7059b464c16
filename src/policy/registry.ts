import { ASHA_OPTUNA, ashaEvidence, AshaPolicy, type AshaPolicyOptions } from './asha.js';
import { rungWorked } from './successive-halving.js';
import { BANDIT_OPTUNA, banditEvidence, BanditPolicy, type BanditPolicyOptions, banditWorked } from './bandit.js';
import { HYPERBAND_OPTUNA, hyperbandEvidence, HyperbandPolicy, type HyperbandPolicyOptions } from './hyperband.js';
import {
  MEDIAN_STOPPING_OPTUNA,
  medianStoppingEvidence,
  MedianStoppingPolicy,
  medianStoppingWorked,
} from './median-stopping.js';
import { NoTerminationPolicy, type NoTerminationPolicyOptions } from './no-termination.js';
import type { PolicyKind } from './policy.js';
import type {
  OptunaPruner,
  OptunaPrunerWriter,
  PolicyField,
  PolicyFieldRead,
  PolicyFileForm,
  PolicyRow,
} from './row.js';
import {
  TRUNCATION_SELECTION_OPTUNA,
  TruncationSelectionPolicy,
  truncationSelectionEvidence,
  truncationSelectionWorked,
  type TruncationSelectionPolicyOptions,
} from './truncation-selection.js';

const EVALUATION_INTERVAL = {
  option: 'evaluationInterval',
  fileKey: 'evaluation_interval',
  read: { kind: 'integer', min: 1 },
  label: 'evaluation interval',
  builderDefault: '1',
  azure: true,
} as const satisfies PolicyField;
const DELAY_EVALUATION = {
  option: 'delayEvaluation',
  fileKey: 'delay_evaluation',
  read: { kind: 'integer', min: 0 },
  label: 'delay evaluation',
  builderDefault: '5',
  azure: true,
} as const satisfies PolicyField;
const SCHEDULE = [EVALUATION_INTERVAL, DELAY_EVALUATION] as const;
const REDUCTION_FACTOR = {
  option: 'reductionFactor',
  fileKey: 'reduction_factor',
  read: { kind: 'constructor' },
  label: 'reduction factor (η)',
  builderDefault: '3',
  azure: false,
} as const satisfies PolicyField;
const MIN_INTERVAL = {
  option: 'minInterval',
  fileKey: 'min_interval',
  read: { kind: 'constructor' },
  label: 'min interval',
  builderDefault: '1',
  azure: false,
} as const satisfies PolicyField;
const MAX_INTERVAL = {
  option: 'maxInterval',
  fileKey: 'max_interval',
  read: { kind: 'constructor' },
  label: 'max interval',
  azure: false,
} as const satisfies PolicyField;

// The casts in `create` only satisfy the compiler: each constructor validates its options.
/**
 * One row per early-termination policy; every shape of a sweep (file, record, Azure, Optuna,
 * builder) reads these, and the types follow them: the sweep file's `SweepFileEarlyTermination`
 * and `SweepFileInput.early_termination` are built from their file types and fields. A new
 * policy is its implementation file and a row here: the file declares its kind and evidence
 * (in `PolicyKinds`, which the compiler then wants a row for) and its Optuna pruner
 * (`OptunaPruner`, which the row names); its unit tests come with it.
 */
const ROWS = [
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
        presence: 'optional',
      },
      {
        option: 'slackAmount',
        fileKey: 'slack_amount',
        read: { kind: 'positive' },
        label: 'slack amount',
        azure: true,
        presence: 'optional',
      },
      ...SCHEDULE,
    ],
    exactlyOne: ['slack_factor', 'slack_amount'],
    azure: true,
    optunaPruner: BANDIT_OPTUNA.name,
    optuna: BANDIT_OPTUNA,
    evidence: banditEvidence,
    teaching: {
      summary:
        'At each evaluation interval N (from the delay on), a run whose best value so far falls more than the slack behind the best run at N is stopped. Runs still within the slack train on.',
      rule: 'stop if best_run(N) < best_all(N) / (1 + slack_factor)   (or < best_all(N) − slack_amount; minimize mirrors it)',
      symbols: [
        ['best_run(N)', 'this run’s best value over intervals 1..N'],
        ['best_all(N)', 'the best of every run’s best over intervals 1..N'],
        ['slack_factor, slack_amount', 'how far behind the best a run may fall'],
      ],
      worked: banditWorked,
    },
    create: (options) => new BanditPolicy(options as unknown as BanditPolicyOptions),
  },
  {
    kind: 'median-stopping',
    file: { type: 'median_stopping', noun: 'a median_stopping policy' },
    label: 'Median stopping',
    fields: SCHEDULE,
    azure: true,
    optunaPruner: MEDIAN_STOPPING_OPTUNA.name,
    optuna: MEDIAN_STOPPING_OPTUNA,
    evidence: medianStoppingEvidence,
    teaching: {
      summary:
        'At each evaluation interval N, a run whose best so far is worse than the median of the other runs’ running averages at N is stopped. A gentle rule: about half the runs survive each check.',
      rule: 'stop if best_run(N) is worse than median_i( avg_i(1..N) )',
      symbols: [
        ['best_run(N)', 'this run’s best value over intervals 1..N'],
        ['avg_i(1..N)', 'another run i’s average over its first N intervals'],
      ],
      worked: medianStoppingWorked,
    },
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
    optunaPruner: TRUNCATION_SELECTION_OPTUNA.name,
    optuna: TRUNCATION_SELECTION_OPTUNA,
    evidence: truncationSelectionEvidence,
    teaching: {
      summary:
        'At each evaluation interval N, the runs are ranked by their best value so far, and those in the lowest truncation percentage are stopped.',
      rule: 'stop if rank(N) > n − ⌊n · p / 100⌋',
      symbols: [
        ['rank(N)', 'this run’s place among the n runs compared at N (1 = best)'],
        ['n', 'runs compared at interval N, this one included'],
        ['p', 'the truncation percentage'],
      ],
      worked: truncationSelectionWorked,
    },
    create: (options) => new TruncationSelectionPolicy(options as unknown as TruncationSelectionPolicyOptions),
  },
  {
    kind: 'asha',
    file: { type: 'asha', noun: 'an asha policy (an Overdrive extension)' },
    label: 'ASHA (asynchronous successive halving)',
    fields: [
      REDUCTION_FACTOR,
      MIN_INTERVAL,
      { ...MAX_INTERVAL, presence: 'optional' },
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
    optunaPruner: ASHA_OPTUNA.name,
    optuna: ASHA_OPTUNA,
    evidence: ashaEvidence,
    teaching: {
      summary:
        'Successive halving without waiting: runs are judged only at rungs (intervals r·η^(s+k)); at a rung a run goes on only if it is in the top 1/η of the runs recorded there so far.',
      rule: 'at rung k (interval r · η^(s+k)): stop if rank > ⌊n / η⌋',
      symbols: [
        ['r, η, s', 'min interval, reduction factor, early-stopping rate'],
        ['n', 'runs recorded at the rung, this one included'],
        ['⌊n / η⌋', 'the top-k that goes on (0 = too few to cut)'],
      ],
      worked: rungWorked,
    },
    create: (options) => new AshaPolicy(options as AshaPolicyOptions),
  },
  {
    kind: 'hyperband',
    file: { type: 'hyperband', noun: 'a hyperband policy (an Overdrive extension)' },
    label: 'Hyperband',
    fields: [
      REDUCTION_FACTOR,
      MIN_INTERVAL,
      { ...MAX_INTERVAL, builderDefault: '27', presence: 'required' },
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
    optunaPruner: HYPERBAND_OPTUNA.name,
    optuna: HYPERBAND_OPTUNA,
    evidence: hyperbandEvidence,
    teaching: {
      summary:
        'Several ASHA brackets side by side: each run is put in a bracket s, which sets its first rung (r·η^s); within its bracket it is judged by ASHA against the bracket’s runs.',
      rule: 'bracket s: at rung k (interval r · η^(s+k)): stop if rank > ⌊n_s / η⌋',
      symbols: [
        ['s', 'the run’s bracket (its early-stopping rate)'],
        ['n_s', 'runs of bracket s recorded at the rung'],
        ['⌊n_s / η⌋', 'the top-k that goes on'],
      ],
      worked: rungWorked,
    },
    create: (options) => new HyperbandPolicy(options as unknown as HyperbandPolicyOptions),
  },
  {
    kind: 'no-termination',
    file: null,
    label: 'None: every run trains to the end',
    fields: [],
    azure: true,
    optunaPruner: null,
    optuna: null,
    evidence: null,
    teaching: {
      summary:
        'No run is stopped early: every run trains for all its intervals. The baseline the other policies save compute against.',
      rule: 'never stop',
      symbols: [],
      worked: null,
    },
    create: (options) => new NoTerminationPolicy(options as NoTerminationPolicyOptions),
  },
] as const satisfies readonly PolicyRow[];

export type { OptunaPruner, OptunaPrunerWriter, PolicyField, PolicyFieldRead, PolicyFileForm, PolicyRow };

export const POLICY_REGISTRY: readonly PolicyRow[] = ROWS;

/**
 * Every kind an implementation declares (in `PolicyKinds`) has a row: where one lacks it,
 * the compiler names it here.
 */
export type PolicyKindsWithoutRow = Exclude<PolicyKind, (typeof ROWS)[number]['kind']>;
const EVERY_KIND_HAS_A_ROW: Readonly<Record<PolicyKindsWithoutRow, never>> = {};
void EVERY_KIND_HAS_A_ROW;

// The sweep file's shapes of a policy, read off the rows' file types and fields.
type FileRowDeclaration = Extract<(typeof ROWS)[number], { readonly file: PolicyFileForm }>;
type FileFieldOf<R extends FileRowDeclaration> = R['fields'][number];
type FileValue<F> = F extends { readonly read: { readonly kind: 'boolean' } } ? boolean : number;
/** Spells an intersection out as one object type, so editors show the fields. */
type Spelled<T> = { readonly [K in keyof T]: T[K] };

/** A policy in a parsed sweep file: every field, defaults written out, but those without one. */
type ParsedFilePolicy<R extends FileRowDeclaration> = Spelled<
  { readonly type: R['file']['type'] } & {
    readonly [F in FileFieldOf<R> as F extends { readonly presence: 'optional' } ? never : F['fileKey']]: FileValue<F>;
  } & {
    readonly [F in FileFieldOf<R> as F extends { readonly presence: 'optional' } ? F['fileKey'] : never]?: FileValue<F>;
  }
>;

type MustBeWritten = { readonly required: string } | { readonly presence: 'required' };
/** A policy as a person may write it: only the fields without a default are needed. */
type WrittenFilePolicy<R extends FileRowDeclaration> = Spelled<
  { readonly type: R['file']['type'] } & {
    readonly [F in FileFieldOf<R> as F extends MustBeWritten ? F['fileKey'] : never]: FileValue<F>;
  } & {
    readonly [F in FileFieldOf<R> as F extends MustBeWritten ? never : F['fileKey']]?: FileValue<F>;
  }
>;

/** `early_termination` in a parsed sweep file (`SweepFileEarlyTermination`), one member per row with a file form. */
export type SweepFilePolicy = {
  [K in FileRowDeclaration['kind']]: ParsedFilePolicy<Extract<FileRowDeclaration, { readonly kind: K }>>;
}[FileRowDeclaration['kind']];

/** `early_termination` as a person may write it (in `SweepFileInput`). */
export type WrittenSweepFilePolicy = {
  [K in FileRowDeclaration['kind']]: WrittenFilePolicy<Extract<FileRowDeclaration, { readonly kind: K }>>;
}[FileRowDeclaration['kind']];

/** The policy kinds, in registry order (the order error messages list them in). */
export const POLICY_KINDS: readonly PolicyKind[] = POLICY_REGISTRY.map((row) => row.kind);

/** The row a sweep file gives by leaving `early_termination` out (no-termination); the registry test checks there is one. */
export const NO_FILE_POLICY_ROW: PolicyRow = noFilePolicyRow();

function noFilePolicyRow(): PolicyRow {
  const row = POLICY_REGISTRY.find((r) => r.file === null);
  if (row === undefined) throw new Error('the policy registry has no row without a sweep-file form');
  return row;
}

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
