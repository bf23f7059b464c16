import type { ResumePoint } from '../run-logger/checkpoint.js';
import type {
  CheckpointRecord,
  CheckpointSummary,
  ErrorRecord,
  MetricPoint,
  RunRecord,
  SweepRecord,
} from '../store/records.js';
import type { HyperDriveConfig } from './config.js';
import { prefixError } from './prefix-error.js';
import { historyAtCheckpoint, type PriorRun, pointsWithin } from './prior.js';
import { RunState } from './run-state.js';
import type { LaunchProgress } from './scheduler.js';

/** What the store holds of a sweep whose page went away mid-run, to continue it. */
export interface RestoredSweep {
  readonly record: SweepRecord;
  readonly runs: readonly RunRecord[];
  /** Every stored metric point of the sweep, in logged order. */
  readonly metrics: readonly MetricPoint[];
  /** Said on the sweep record instead of the interruption warning (e.g. continued with more runs). */
  readonly warning?: string;
}

/** The live state an interrupted sweep continues from. */
export interface RestoredRuns {
  /** Every stored run, in index order, finished ones with their results. */
  readonly runs: readonly RunState[];
  /** The unfinished runs, to start again in place as their next attempt. */
  readonly relaunch: readonly RunState[];
  /** Configurations already drawn before the interruption, replayed to keep the sequence. */
  readonly replay: number;
  /** Stored points by run, to continue re-run runs from their own checkpoints. */
  readonly previousAttempts: ReadonlyMap<string, readonly MetricPoint[]>;
  readonly progress: LaunchProgress;
  /** Time the sweep had run before the interruption: it counts against maxDurationMinutes. */
  readonly elapsedMs: number;
  readonly createdAt: number;
  /** Said on the sweep record: how many runs were kept and how many re-run. */
  readonly warning: string;
}

/**
 * Rebuilds the live state from the store. Finished runs keep their results and feed the
 * policy; unfinished ones are re-run in place under the same id with the next attempt number,
 * so the run budget stays exact and no stored metric is dropped.
 */
export function restoreRuns(
  restored: RestoredSweep,
  config: Pick<HyperDriveConfig, 'primaryMetricName' | 'primaryMetricGoal'>,
): RestoredRuns {
  const { record } = restored;
  const loggedNames = new Set<string>();
  const byRun = new Map<string, MetricPoint[]>();
  for (const point of restored.metrics) {
    loggedNames.add(point.name);
    let list = byRun.get(point.runId);
    if (list === undefined) {
      list = [];
      byRun.set(point.runId, list);
    }
    list.push(point);
  }
  const runs: RunState[] = [];
  const relaunch: RunState[] = [];
  let primaryLogged = false;
  let lastActivity = record.startedAt ?? record.createdAt;
  for (const stored of [...restored.runs].sort((a, b) => a.index - b.index)) {
    const run = new RunState(stored.id, stored.sweepId, stored.index, stored.params, stored.createdAt);
    lastActivity = Math.max(lastActivity, stored.createdAt, stored.startedAt ?? 0, stored.endedAt ?? 0);
    run.checkpoint = stored.checkpoint ?? null;
    run.resumedFrom = stored.resumedFrom ?? null;
    run.note = stored.note ?? null;
    const finished = stored.status === 'Completed' || stored.status === 'Canceled' || stored.status === 'Failed';
    if (finished) {
      run.attempt = stored.attempt;
      for (const point of byRun.get(stored.id) ?? []) {
        if (point.attempt !== stored.attempt) continue;
        run.record(point.name, point.value, config.primaryMetricName, config.primaryMetricGoal);
      }
      run.status = stored.status;
      run.startedAt = stored.startedAt;
      run.endedAt = stored.endedAt;
      run.termination = stored.termination;
      run.error = stored.error;
      run.backend = stored.backend;
    } else {
      run.attempt = stored.attempt + 1;
      relaunch.push(run);
    }
    if (run.values.length > 0) primaryLogged = true;
    for (const point of byRun.get(stored.id) ?? []) lastActivity = Math.max(lastActivity, point.time);
    runs.push(run);
  }
  return {
    runs,
    relaunch,
    // Runs resumed from another sweep's run were not drawn from the sampler; a run continued
    // from its own checkpoint (after a reload or a pause) was.
    replay: runs.filter((r) => (r.resumedFrom ?? null) === null || r.resumedFrom?.sweepId === r.sweepId).length,
    previousAttempts: byRun,
    progress: {
      loggedNames: [...loggedNames],
      primaryLogged,
      heldForMetric: runs.some((r) => r.status === 'Completed'),
      resumedRunIds: new Set(runs.flatMap((r) => (r.resumedFrom ? [r.resumedFrom.runId] : []))),
    },
    // Time spent while no page ran the sweep does not count against maxDurationMinutes.
    elapsedMs: Math.max(0, lastActivity - (record.startedAt ?? record.createdAt)),
    createdAt: record.createdAt,
    warning:
      restored.warning ??
      (record.paused !== undefined
        ? `resumed after a pause: ${relaunch.length} stopped run(s) re-run from their checkpoints, ${runs.length - relaunch.length} finished run(s) kept`
        : undefined) ??
      `continued after an interruption: ${relaunch.length} unfinished run(s) re-run, ${runs.length - relaunch.length} finished run(s) kept`,
  };
}

/** How a run goes on from a stored checkpoint. */
export interface Continuation {
  readonly resumedFrom: NonNullable<RunRecord['resumedFrom']>;
  /** The points logged up to the checkpoint, to record again as the run's first ones. */
  readonly history: readonly MetricPoint[];
  /** The checkpoint handed to the trial. */
  readonly resumeFrom: ResumePoint;
}

/**
 * A `resumeChildRuns` entry goes on from its run's latest checkpoint, with its metric history
 * up to that checkpoint (so intervals continue and the policy judges the whole curve).
 */
export function priorRunContinuation(prior: PriorRun, checkpoint: CheckpointRecord): Continuation {
  return {
    resumedFrom: { sweepId: prior.sweep.id, runId: prior.run.id, sequence: checkpoint.sequence },
    history: historyAtCheckpoint(prior, checkpointCounts(checkpoint, prior.run.checkpoint ?? null)),
    resumeFrom: resumePointOf(checkpoint),
  };
}

/** A `resumeChildRuns` entry whose checkpoint is gone: its run fails with this. */
export function missingCheckpoint(prior: PriorRun): ErrorRecord {
  return {
    message: `ResumeError: the checkpoint of run ${prior.run.id} is no longer stored (its sweep may have been deleted)`,
    stack: null,
  };
}

/** A `resumeChildRuns` entry whose checkpoint could not be read: its run fails with this. */
export function unreadableCheckpoint(prior: PriorRun, error: unknown): ErrorRecord {
  return prefixError(`the checkpoint of run ${prior.run.id} could not be read`, error);
}

/**
 * A run interrupted by a reload goes on from its own latest checkpoint, its previous
 * attempt's history up to that checkpoint carried into the new attempt.
 */
export function ownRunContinuation(
  run: RunState,
  checkpoint: CheckpointRecord,
  previous: readonly MetricPoint[],
): Continuation {
  return {
    resumedFrom: { sweepId: run.sweepId, runId: run.runId, sequence: checkpoint.sequence },
    history: pointsWithin(
      previous.filter((p) => p.attempt === checkpoint.attempt),
      checkpointCounts(checkpoint, run.checkpoint),
    ),
    resumeFrom: resumePointOf(checkpoint),
  };
}

/** How many values of each metric a checkpoint covers; older records fall back to the run's summary. */
function checkpointCounts(
  checkpoint: CheckpointRecord,
  summary: CheckpointSummary | null,
): Readonly<Record<string, number>> {
  return checkpoint.metricCounts ?? (summary?.sequence === checkpoint.sequence ? summary.metricCounts : {});
}

function resumePointOf(checkpoint: CheckpointRecord): ResumePoint {
  return {
    runId: checkpoint.runId,
    sequence: checkpoint.sequence,
    intervals: checkpoint.intervals ?? 0,
    state: (checkpoint.state ?? null) as ResumePoint['state'],
    artifacts: checkpoint.artifacts,
  };
}
