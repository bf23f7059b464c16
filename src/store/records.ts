import { BACKEND_CHAIN, type BackendRequest } from '../backend/names.js';
import type { CalibrationReport, CandidateMeasurement, PoolSizeReport } from '../backend/report.js';
import { PrimaryMetricGoal } from '../metric/goal.js';
import type { PolicyDecision, PolicyEvidence, PolicyRecord } from '../policy/policy.js';
import { POLICY_KINDS, POLICY_REGISTRY } from '../policy/registry.js';
import { SAMPLING_KINDS } from '../sampling/registry.js';
import type { SamplingRecord } from '../sampling/sampler.js';
import { type DataBinding, parseDataBinding } from '../data-binding/index.js';
import { errorRecord } from '../error-record.js';
import { ConfigError } from '../errors.js';
import { type Infer, type Same, childPath } from '../validate/index.js';
import * as schema from '../validate/schema.js';
import type { ParamSet, ParamValue } from '../space/expression.js';

/** Any policy's evidence, read through the schema of the policy its `policy` field names (registry order). */
const policyEvidence = schema.variants(
  'policy',
  'policy evidence',
  Object.fromEntries(
    POLICY_REGISTRY.flatMap((row) => (row.evidence === null ? [] : [[row.kind, row.evidence] as const])),
  ) as Readonly<Record<string, schema.Schema<PolicyEvidence>>>,
);

const RUN_STATUSES = ['Queued', 'Running', 'Completed', 'Canceled', 'Failed'] as const;
/** HyperDrive's child-run states. */
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatus = schema.oneOf(RUN_STATUSES);
/*
 * The records below whose shape the store owns outright are declared once, as schemas, and
 * their types inferred; the import reads documents through the same schemas, so a field added
 * here is read on import without a second list to keep.
 */

/** A sweep (HyperDrive parent run) goes through the same states. */
export type SweepStatus = RunStatus;

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['Completed', 'Canceled', 'Failed']);

export type { ErrorRecord } from '../error-record.js';

/** A policy's verdict (the decision type is the policy's; `Same` keeps the two in step). */
export const policyDecision = schema.union('a policy decision', (kind) => `a ${kind} decision`, {
  skip: {
    policy: schema.oneOf(POLICY_KINDS),
    interval: schema.count,
    why: schema.oneOf(['not-scheduled', 'nothing-to-compare', 'no-policy'] as const),
    explanation: schema.message,
  },
  continue: {
    policy: schema.oneOf(POLICY_KINDS),
    interval: schema.count,
    evidence: policyEvidence,
    explanation: schema.message,
  },
  cancel: {
    policy: schema.oneOf(POLICY_KINDS),
    interval: schema.count,
    evidence: policyEvidence,
    explanation: schema.message,
  },
});

type CancelDecision = PolicyDecision & { kind: 'cancel' };
/** Refinement: a policy termination holds a cancel decision. */
const cancelDecision: schema.Schema<CancelDecision> = {
  read: (leaves, path, value) => {
    const decision = policyDecision.read(leaves, path, value);
    if (decision.kind !== 'cancel') {
      throw leaves.fail(childPath(path, 'kind'), 'must be cancel in a policy termination', decision.kind);
    }
    return decision;
  },
};

/** Why a run was cancelled, in the kinds a sweep document may carry. */
export const exportableTermination = schema.union('a termination', (kind) => `a "${kind}" termination`, {
  policy: { decision: cancelDecision },
  'max-duration': { minutes: schema.positive },
  /** The run reached `trialTimeoutSeconds` (Azure's `limits.trial_timeout`); the sweep went on. */
  'trial-timeout': { seconds: schema.positive },
  'sweep-canceled': {},
  'run-canceled': {},
  'sweep-failed': { message: schema.message },
  /** The page running the sweep went away (reload, crash) while this run was unfinished. */
  interrupted: {},
  /** The run was still Queued or Running in the exported sweep document it was imported from. */
  'imported-unfinished': { status: schema.oneOf(['Queued', 'Running'] as const) },
});

/** Why a run was cancelled, as data the UI can explain. */
export type TerminationRecord =
  | Infer<typeof exportableTermination>
  /** The browser's storage filled up: the sweep paused, and continuing it re-runs this run. */
  | { readonly kind: 'sweep-paused'; readonly message: string };

/** Why a sweep ended, in the kinds a sweep document may carry. */
export const exportableEndReason = schema.union('an end reason', (kind) => `a "${kind}" end reason`, {
  'max-total-runs': { runs: schema.count },
  'space-exhausted': { runs: schema.count },
  'max-duration': { minutes: schema.positive },
  canceled: {},
  'metric-never-logged': { metric: schema.name, logged: schema.metricNames },
  'all-runs-failed': { runs: schema.count },
  'store-error': {},
  'sampler-error': {},
  /*
   * Imported from a sweep document exported while the sweep was still Queued or Running: stored
   * as Canceled so that nothing ever tries to continue it (its trials are not here).
   */
  'imported-unfinished': {
    status: schema.oneOf(['Queued', 'Running'] as const),
    exportedAt: schema.isoTime,
  },
});

/** Why a sweep ended. */
export type SweepEndReason =
  | Infer<typeof exportableEndReason>
  /** Paused, not failed: the browser's storage is full; free space, then continue the sweep. */
  | { readonly kind: 'storage-full'; readonly message: string };

/** semantics §6. */
const MAX_CONCURRENT_RUNS = 100;

/**
 * The sampling as stored: free-form JSON (the search space, the options) whose size is the
 * boundary's to limit; space and options share one budget. The type is the sampler's.
 */
const samplingRecord: schema.Schema<SamplingRecord> = {
  read: (leaves, path, value) => {
    const o = leaves.fields(path, value, 'a sampling', ['kind', 'space', 'options'], []);
    const budget = { nodes: leaves.limits.spaceNodes };
    const optionsPath = childPath(path, 'options');
    const options = leaves.json(optionsPath, leaves.object(optionsPath, o['options'], 'sampling options'), budget);
    return {
      kind: leaves.oneOf(childPath(path, 'kind'), o['kind'], SAMPLING_KINDS),
      space: leaves.json(childPath(path, 'space'), o['space'], budget),
      // A copy of the object just read as one: JSON of an object is an object.
      options: options as Readonly<Record<string, unknown>>,
    };
  },
};

const policyOption: schema.Schema<number | boolean> = {
  read: (leaves, path, value) =>
    typeof value === 'boolean' ? value : leaves.finite(path, value, 'must be a finite number or true/false'),
};

/** The policy as stored (the type is the policy's; `Same` keeps the two in step). */
export const policyRecord = schema.object('a policy', {
  kind: schema.oneOf(POLICY_KINDS),
  options: schema.mapOf('policy options', policyOption),
});

/** A run of an earlier sweep, by its ids. */
export const runReference = schema.object('a run reference', { sweepId: schema.name, runId: schema.name });
export type RunReference = Infer<typeof runReference>;

/** What the sweep trains, as data: a function is kept by name only (it cannot be stored). */
export const trialSpec = schema.union('a trial', (kind) => `a ${kind} trial`, {
  function: { name: schema.name },
  builtin: { name: schema.name },
  module: { url: schema.url },
});
export type TrialSpec = Infer<typeof trialSpec>;

/**
 * The sweep's data binding (dataset id, name, preparation spec), read by the one reader every
 * boundary uses; its ConfigError becomes this boundary's error at the same field.
 */
const dataBindingRecord: schema.Schema<DataBinding> = {
  read: (leaves, path, value) => {
    try {
      return parseDataBinding(value, path);
    } catch (error) {
      if (error instanceof ConfigError) throw leaves.fail(error.field, error.rule, error.value);
      throw error;
    }
  },
};

/** The JSON-able part of a `HyperDriveConfig` (the training function itself is not stored). */
export const sweepConfigRecord = schema.object(
  'a sweep configuration',
  {
    sampling: samplingRecord,
    primaryMetricName: schema.name,
    primaryMetricGoal: schema.oneOf([PrimaryMetricGoal.MAXIMIZE, PrimaryMetricGoal.MINIMIZE]),
    maxTotalRuns: schema.integer(1, 'runs'),
    maxConcurrentRuns: schema.integer(1, MAX_CONCURRENT_RUNS),
    maxDurationMinutes: schema.positive,
    policy: policyRecord,
    trial: trialSpec,
  },
  {
    /** Seconds each run may run before it is cancelled; absent when runs have no time limit. */
    trialTimeoutSeconds: schema.positive,
    /** Ids of the sweeps it warm-started from (semantics §8), when any. */
    resumeFrom: schema.arrayOf('sweep ids', schema.name, 5),
    /** The runs it resumed from their checkpoints, when any. */
    resumeChildRuns: schema.arrayOf('runs', runReference, 'runs'),
    /** The dataset the trials train on (a stored dataset's id, never its bytes), when any. */
    data: dataBindingRecord,
  },
);
export type SweepConfigRecord = Infer<typeof sweepConfigRecord>;

/*
 * Experiments and metric points stay interfaces: no boundary reads them field by field (a sweep
 * document carries metric points as columns, and no experiment record), so a schema would be
 * read by nothing.
 */
export interface ExperimentRecord {
  readonly workspace: string;
  readonly name: string;
  readonly createdAt: number;
}

export const MAX_BACKEND_NOTES = 50;
export const MAX_BACKEND_CALIBRATIONS = 20;

/*
 * The backend reports are produced by the worker pool and typed in src/backend/report.ts, which
 * imports nothing but errors; their schemas live here, beside the record that keeps them, with
 * `Same` checks that keep schema and interface in step.
 */

/** How the pool size came about, stored as the pool reported it. */
export const poolSizeRecord = schema.object('a worker pool size', {
  requested: schema.integer(1),
  size: schema.integer(1),
  deviceLimit: schema.integer(1),
  clampedBecause: schema.nullable(schema.message),
});
export type PoolSizeRecord = PoolSizeReport;

const adapterSummary = schema.object('a GPU adapter', {
  vendor: schema.line,
  architecture: schema.line,
  description: schema.line,
});

/** One backend's calibration, stored as the pool measured it. */
export const backendMeasurementRecord = schema.object('a backend measurement', {
  backend: schema.oneOf(BACKEND_CHAIN),
  available: schema.boolean,
  canTrain: schema.boolean,
  warmupMs: schema.nullable(schema.duration),
  stepMs: schema.nullable(schema.duration),
  steps: schema.count,
  error: schema.nullable(schema.message),
  adapter: schema.nullable(adapterSummary),
});
export type BackendMeasurementRecord = CandidateMeasurement;

/** One 'auto' decision (each backend's figures, the one chosen and why), stored as the pool made it. */
export const backendCalibrationRecord = schema.object('a backend calibration', {
  trial: schema.trialKey,
  workload: schema.message,
  chosen: schema.oneOf(BACKEND_CHAIN),
  reason: schema.message,
  failure: schema.nullable(schema.message),
  totalMs: schema.duration,
  candidates: schema.arrayOf('backends', backendMeasurementRecord, BACKEND_CHAIN.length),
});
export type BackendCalibrationRecord = CalibrationReport;

export const backendNoteRecord = schema.object('a backend note', {
  time: schema.time,
  /** The run it concerns, or null for the pool as a whole. */
  runId: schema.nullable(schema.name),
  message: schema.message,
});
export type BackendNoteRecord = Infer<typeof backendNoteRecord>;

const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', ...BACKEND_CHAIN];

/** What a sweep's worker pool says of its backends, kept so that any page can show it later. */
export const sweepBackendReport = schema.object('a backend report', {
  /** What the sweep asked for: one backend (the start of the fallback chain), or 'auto' to measure. */
  requested: schema.oneOf(BACKEND_REQUESTS),
  pool: poolSizeRecord,
  /** The measurements behind each 'auto' choice, oldest first (one per trial definition and page that ran the sweep). */
  calibrations: schema.arrayOf('calibrations', backendCalibrationRecord, MAX_BACKEND_CALIBRATIONS),
  /**
   * Why runs did not train where asked, oldest first: backends a worker skipped (with the run it
   * was starting), a lost GPU device, a failed calibration, a clamped pool. At most
   * `MAX_BACKEND_NOTES`, the latest kept.
   */
  notes: schema.arrayOf('notes', backendNoteRecord, MAX_BACKEND_NOTES),
  /** When the report was last brought up to date. */
  updatedAt: schema.time,
});
export type SweepBackendReport = Infer<typeof sweepBackendReport>;

/** The longest sweep name (characters): it must fit a list row and a chart legend. */
export const MAX_SWEEP_NAME_LENGTH = 80;
const SWEEP_NAME_RULE = `must be 1 to ${MAX_SWEEP_NAME_LENGTH} characters on one line, with no leading or trailing spaces`;

/** Whether `value` is a valid sweep name; the rule `checkSweepName` and the record's schema apply. */
function isSweepName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= MAX_SWEEP_NAME_LENGTH &&
    value === value.trim() &&
    !/[\u0000-\u001f\u007f-\u009f]/.test(value)
  );
}

/** A sweep's name as a person gave it (stored, exported and imported with the record). */
export const sweepName: schema.Schema<string> = {
  read: (leaves, path, value) => {
    if (!isSweepName(value)) throw leaves.fail(path, SWEEP_NAME_RULE, value);
    return value;
  },
};

/** Checks a name a person typed for a sweep: a ConfigError naming the field, the rule and the value. */
export function checkSweepName(value: unknown): string {
  if (!isSweepName(value)) throw new ConfigError('name', SWEEP_NAME_RULE, value);
  return value;
}
/** A note's longest text, in UTF-16 code units (what `String.length` counts). */
export const MAX_NOTE_LENGTH = 2000;

/** A person's free-text note on a sweep or a run: text shown as text (never HTML), bounded. */
export const noteText: schema.Schema<string> = {
  read: (leaves, path, value) => {
    const text = leaves.message(path, value);
    if (text.length > MAX_NOTE_LENGTH) {
      throw leaves.fail(path, `must be at most ${MAX_NOTE_LENGTH} characters (got ${text.length})`, value);
    }
    return text;
  },
};

/** How a sweep was paused from the Studio: let running runs finish, or checkpoint and stop them now. */
export const PAUSE_MODES = ['finish-running', 'stop-now'] as const;
export type PauseMode = (typeof PAUSE_MODES)[number];

/** A sweep paused on purpose: stored Running with this set, so a reload shows Paused and Resume continues it. */
export const pauseRecord = schema.object('a pause', {
  at: schema.time,
  mode: schema.oneOf(PAUSE_MODES),
});
export type PauseRecord = Infer<typeof pauseRecord>;

export const sweepRecord = schema.object(
  'a sweep',
  {
    id: schema.name,
    workspace: schema.name,
    experiment: schema.name,
    status: runStatus,
    config: sweepConfigRecord,
    /** Concurrency actually used: the requested one clamped to the runner's capacity. */
    concurrency: schema.integer(1, MAX_CONCURRENT_RUNS),
    warnings: schema.arrayOf('warnings', schema.message, 'warnings'),
    createdAt: schema.time,
    startedAt: schema.nullable(schema.time),
    endedAt: schema.nullable(schema.time),
    // A document holds only the exportable reasons; the store also keeps 'storage-full'.
    endReason: schema.nullable(schema.widen<SweepEndReason>(exportableEndReason)),
    error: schema.nullable(errorRecord),
  },
  {
    /**
     * Which backends the worker pool had, which it chose and why (absent in records stored before
     * reports were kept, and for sweeps no worker pool ran). Written by whoever runs the pool, not
     * by the orchestrator: `Store.putSweep` keeps the stored report when the record it is given
     * has none, and `putBackendReport` replaces it.
     */
    backendReport: sweepBackendReport,
    /**
     * The name a person gave the sweep (absent until named, and in older records). Like the
     * backend report, owned by the page, not the orchestrator: a record put without one keeps
     * the stored name, and `putSweepName` replaces it.
     */
    name: sweepName,
    /** A person's note on the sweep (why it was run); absent when none was written. */
    note: noteText,
    /** Set while the sweep is paused from the Studio; absent otherwise (and in older records). */
    paused: pauseRecord,
  },
);
export type SweepRecord = Infer<typeof sweepRecord>;

const PARAM_RULE = 'must be a finite number, a string, true/false or an object of further hyperparameters';

function readParams(leaves: schema.LeafReaders, path: string, value: unknown, depth: number): ParamSet {
  const maxDepth = leaves.limits.depth;
  if (depth > maxDepth) throw leaves.fail(path, `must be nested at most ${maxDepth} levels deep`, value);
  const given = leaves.object(path, value, 'hyperparameters');
  const params: Record<string, ParamValue> = {};
  for (const key of Object.keys(given)) {
    const p = childPath(path, key);
    leaves.name(p, key);
    const v = given[key];
    let param: ParamValue;
    if (typeof v === 'boolean') param = v;
    else if (typeof v === 'number') param = leaves.finite(p, v, PARAM_RULE);
    else if (typeof v === 'string') param = leaves.message(p, v);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) param = readParams(leaves, p, v, depth + 1);
    else throw leaves.fail(p, PARAM_RULE, v);
    // A hyperparameter may be called "constructor": as an own data property it is harmless.
    Object.defineProperty(params, key, { value: param, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

/** A run's hyperparameters: nested (nested choices) within the boundary's depth limit. */
const paramSet: schema.Schema<ParamSet> = { read: (leaves, path, value) => readParams(leaves, path, value, 0) };

/** The checkpoint a run was resumed from. */
export const resumedFrom = schema.object('a resumed-from reference', {
  sweepId: schema.name,
  runId: schema.name,
  sequence: schema.count,
});
export type ResumedFrom = Infer<typeof resumedFrom>;

/** What a run record says of its latest checkpoint (the data itself is in the checkpoint store). */
export const checkpointSummary = schema.object('a checkpoint summary', {
  sequence: schema.count,
  time: schema.time,
  /** Primary-metric intervals reported when it was taken. */
  intervals: schema.count,
  /** How many values of each metric had been logged when it was taken (to continue the curves). */
  metricCounts: schema.mapOf('values logged per metric', schema.count),
  bytes: schema.count,
  /** Whether it holds a model (`model.json` + `weights.bin`), i.e. whether it can be exported. */
  model: schema.boolean,
});
export type CheckpointSummary = Infer<typeof checkpointSummary>;

/**
 * What a run logged after a policy stopped it (semantics §5 exact decisions): kept, but never its
 * best. A point of metric m is after the decision when its step >= `firstSteps[m]`.
 */
export const afterDecision = schema.object('what arrived after the decision', {
  /** The interval the policy stopped the run at. */
  interval: schema.count,
  /** Primary-metric intervals logged after it. */
  intervals: schema.count,
  /** The best finite primary value among them (what the run would have claimed), or null. */
  bestMetric: schema.nullable(schema.finite('must be a finite number or null (the best finite value)')),
  /** Per metric, the step of its first value after the decision. */
  firstSteps: schema.mapOf('first step after the decision per metric', schema.count),
});
export type AfterDecision = Infer<typeof afterDecision>;

export const runRecord = schema.object(
  'a run',
  {
    id: schema.name,
    sweepId: schema.name,
    /** Creation order within the sweep, from 0. */
    index: schema.integer(0, { below: 'runs' }),
    /**
     * 1 for the first try; a run interrupted by a reload is re-run in place with the next attempt,
     * keeping its id (so the run budget stays exact) and its earlier attempts' metric points.
     */
    attempt: schema.integer(1),
    params: paramSet,
    status: runStatus,
    createdAt: schema.time,
    startedAt: schema.nullable(schema.time),
    endedAt: schema.nullable(schema.time),
    /** How many times the primary metric was logged (semantics §4 intervals). */
    intervals: schema.count,
    /**
     * Best finite primary-metric value so far, per the goal; for a run a policy stopped, the best
     * up to the decision (later values are in `afterDecision`).
     */
    bestMetric: schema.nullable(schema.finite('must be a finite number or null (the best finite value)')),
    // A document holds only the exportable terminations; the store also keeps 'sweep-paused'.
    termination: schema.nullable(schema.widen<TerminationRecord>(exportableTermination)),
    error: schema.nullable(errorRecord),
    /** The compute backend the runner reported (e.g. a TF.js backend name), when known. */
    backend: schema.nullable(schema.name),
  },
  {
    /** The run's latest checkpoint; absent in records stored before checkpoints existed. */
    checkpoint: schema.nullable(checkpointSummary),
    /** The checkpoint this run was resumed from (semantics §8 `resumeChildRuns`), if any. */
    resumedFrom: schema.nullable(resumedFrom),
    /** The worker pool's worker that ran the latest attempt (absent when unknown or not run in a pool). */
    worker: schema.nullable(schema.count),
    /** A person's note on the run; absent when none was written. */
    note: noteText,
    /** Absent in older records and on runs that logged nothing after a policy stopped them. */
    afterDecision: schema.nullable(afterDecision),
  },
);
export type RunRecord = Infer<typeof runRecord>;

export interface MetricPoint {
  readonly sweepId: string;
  readonly runId: string;
  /** The run attempt that logged it (see `RunRecord.attempt`). */
  readonly attempt: number;
  readonly name: string;
  /** 0-based position of this value among the run's values of this metric. */
  readonly step: number;
  /** Non-finite values are kept as logged. */
  readonly value: number;
  readonly time: number;
}

export const decisionRecord = schema.object('a policy decision record', {
  sweepId: schema.name,
  runId: schema.name,
  time: schema.time,
  decision: policyDecision,
});
export type DecisionRecord = Infer<typeof decisionRecord>;

/** Where a type is declared elsewhere, its schema must read exactly that type (fails to compile otherwise). */
const sameTypes: [
  Same<Infer<typeof policyDecision>, PolicyDecision>,
  Same<Infer<typeof policyRecord>, PolicyRecord>,
  Same<Infer<typeof poolSizeRecord>, PoolSizeReport>,
  Same<Infer<typeof backendMeasurementRecord>, CandidateMeasurement>,
  Same<Infer<typeof backendCalibrationRecord>, CalibrationReport>,
] = [true, true, true, true, true];
void sameTypes;

/**
 * A run's saved training state (semantics §8), written atomically with strict durability. `state` is
 * the training function's own JSON (e.g. the epoch reached); `artifacts` hold binary parts such
 * as model weights and optimizer state, by name.
 */
export interface CheckpointRecord {
  readonly sweepId: string;
  readonly runId: string;
  readonly attempt: number;
  /** Increases with each checkpoint of a run; the latest is the one resumed from. */
  readonly sequence: number;
  readonly time: number;
  /** Primary-metric intervals the run had reported when it was taken (0 in older records). */
  readonly intervals?: number;
  /** Values of each metric logged before it was taken (absent in older records). */
  readonly metricCounts?: Readonly<Record<string, number>>;
  readonly state: unknown;
  readonly artifacts: Readonly<Record<string, ArrayBuffer>>;
}
