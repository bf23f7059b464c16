import type { BackendRequest } from '../backend/names.js';
import type { CalibrationReport, CandidateMeasurement, PoolSizeReport } from '../backend/report.js';
import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { PolicyDecision, PolicyRecord } from '../policy/policy.js';
import type { SamplingRecord } from '../sampling/sampler.js';
import type { ErrorRecord } from '../error-record.js';
import type { Infer } from '../validate/index.js';
import * as schema from '../validate/schema.js';
import type { ParamSet } from '../space/expression.js';

/** HyperDrive's child-run states. */
export type RunStatus = 'Queued' | 'Running' | 'Completed' | 'Canceled' | 'Failed';
/*
 * The records below whose shape the store owns outright are declared once, as schemas, and
 * their types inferred; the import reads documents through the same schemas, so a field added
 * here is read on import without a second list to keep.
 */

/** A sweep (HyperDrive parent run) goes through the same states. */
export type SweepStatus = RunStatus;

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['Completed', 'Canceled', 'Failed']);

export type { ErrorRecord } from '../error-record.js';

/** Why a run was cancelled, as data the UI can explain. */
export type TerminationRecord =
  | { readonly kind: 'policy'; readonly decision: PolicyDecision & { kind: 'cancel' } }
  | { readonly kind: 'max-duration'; readonly minutes: number }
  /** The run reached `trialTimeoutSeconds` (Azure's `limits.trial_timeout`); the sweep went on. */
  | { readonly kind: 'trial-timeout'; readonly seconds: number }
  | { readonly kind: 'sweep-canceled' }
  | { readonly kind: 'run-canceled' }
  | { readonly kind: 'sweep-failed'; readonly message: string }
  /** The page running the sweep went away (reload, crash) while this run was unfinished. */
  | { readonly kind: 'interrupted' }
  /** The browser's storage filled up: the sweep paused, and continuing it re-runs this run. */
  | { readonly kind: 'sweep-paused'; readonly message: string }
  /** The run was still Queued or Running in the exported sweep document it was imported from. */
  | { readonly kind: 'imported-unfinished'; readonly status: 'Queued' | 'Running' };

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

/** The JSON-able part of a `HyperDriveConfig` (the training function itself is not stored). */
export interface SweepConfigRecord {
  readonly sampling: SamplingRecord;
  readonly primaryMetricName: string;
  readonly primaryMetricGoal: PrimaryMetricGoal;
  readonly maxTotalRuns: number;
  readonly maxConcurrentRuns: number;
  readonly maxDurationMinutes: number;
  /** Seconds each run may run before it is cancelled; absent when runs have no time limit. */
  readonly trialTimeoutSeconds?: number;
  readonly policy: PolicyRecord;
  readonly trial: TrialSpec;
  /** Ids of the sweeps it warm-started from (semantics §8), when any. */
  readonly resumeFrom?: readonly string[];
  /** The runs it resumed from their checkpoints, when any. */
  readonly resumeChildRuns?: readonly RunReference[];
}

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

export interface ExperimentRecord {
  readonly workspace: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface SweepRecord {
  readonly id: string;
  readonly workspace: string;
  readonly experiment: string;
  readonly status: SweepStatus;
  readonly config: SweepConfigRecord;
  /** Concurrency actually used: the requested one clamped to the runner's capacity. */
  readonly concurrency: number;
  readonly warnings: readonly string[];
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly endReason: SweepEndReason | null;
  readonly error: ErrorRecord | null;
  /**
   * Which backends the worker pool had, which it chose and why (absent in records stored before
   * reports were kept, and for sweeps no worker pool ran). Written by whoever runs the pool, not
   * by the orchestrator: `Store.putSweep` keeps the stored report when the record it is given
   * has none, and `putBackendReport` replaces it.
   */
  readonly backendReport?: SweepBackendReport;
}

/** What a sweep's worker pool says of its backends, kept so that any page can show it later. */
export interface SweepBackendReport {
  /** What the sweep asked for: one backend (the start of the fallback chain), or 'auto' to measure. */
  readonly requested: BackendRequest;
  readonly pool: PoolSizeRecord;
  /** The measurements behind each 'auto' choice, oldest first (one per trial definition and page that ran the sweep). */
  readonly calibrations: readonly BackendCalibrationRecord[];
  /**
   * Why runs did not train where asked, oldest first: backends a worker skipped (with the run it
   * was starting), a lost GPU device, a failed calibration, a clamped pool. At most
   * `MAX_BACKEND_NOTES`, the latest kept.
   */
  readonly notes: readonly BackendNoteRecord[];
  /** When the report was last brought up to date. */
  readonly updatedAt: number;
}

export const MAX_BACKEND_NOTES = 50;
export const MAX_BACKEND_CALIBRATIONS = 20;

/** How the pool size came about, stored as the pool reported it. */
export type PoolSizeRecord = PoolSizeReport;

/** One 'auto' decision (each backend's figures, the one chosen and why), stored as the pool made it. */
export type BackendCalibrationRecord = CalibrationReport;

/** One backend's calibration, stored as the pool measured it. */
export type BackendMeasurementRecord = CandidateMeasurement;

export const backendNoteRecord = schema.object('a backend note', {
  time: schema.time,
  /** The run it concerns, or null for the pool as a whole. */
  runId: schema.nullable(schema.name),
  message: schema.message,
});
export type BackendNoteRecord = Infer<typeof backendNoteRecord>;

export interface RunRecord {
  readonly id: string;
  readonly sweepId: string;
  /** Creation order within the sweep, from 0. */
  readonly index: number;
  /**
   * 1 for the first try; a run interrupted by a reload is re-run in place with the next attempt,
   * keeping its id (so the run budget stays exact) and its earlier attempts' metric points.
   */
  readonly attempt: number;
  readonly params: ParamSet;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** How many times the primary metric was logged (semantics §4 intervals). */
  readonly intervals: number;
  /** Best finite primary-metric value so far, per the goal. */
  readonly bestMetric: number | null;
  readonly termination: TerminationRecord | null;
  readonly error: ErrorRecord | null;
  /** The compute backend the runner reported (e.g. a TF.js backend name), when known. */
  readonly backend: string | null;
  /** The run's latest checkpoint; absent in records stored before checkpoints existed. */
  readonly checkpoint?: CheckpointSummary | null;
  /** The checkpoint this run was resumed from (semantics §8 `resumeChildRuns`), if any. */
  readonly resumedFrom?: ResumedFrom | null;
}

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

export interface DecisionRecord {
  readonly sweepId: string;
  readonly runId: string;
  readonly time: number;
  readonly decision: PolicyDecision;
}

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
