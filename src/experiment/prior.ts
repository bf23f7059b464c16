import type { MetricPoint, RunRecord, SweepRecord } from '../store/records.js';

/**
 * An earlier sweep to warm-start from (`resumeFrom`, semantics §8), as a snapshot of what the store
 * holds, so `HyperDriveConfig` can check every rule when it is constructed, before anything
 * runs. Made by `workspace.loadPriorSweep(id)` or `sweep.toPrior()`.
 */
export interface PriorSweep {
  readonly kind: 'prior-sweep';
  readonly record: SweepRecord;
  readonly runs: readonly RunRecord[];
  /** Each run's primary-metric values in report order (its final attempt), by run id. */
  readonly primaryValues: Readonly<Record<string, readonly number[]>>;
}

/**
 * An earlier run to resume from its latest checkpoint (`resumeChildRuns`, semantics §8), with the
 * metric history up to that checkpoint so the resumed run's curves continue where it stopped.
 * The checkpoint's data itself is read from the store when the run starts.
 */
export interface PriorRun {
  readonly kind: 'prior-run';
  readonly sweep: SweepRecord;
  readonly run: RunRecord;
  /** The run's metric points of its final attempt, in logged order. */
  readonly metrics: readonly MetricPoint[];
}

/** Builds a snapshot from stored records; points of other attempts than a run's last are ignored. */
export function priorSweepOf(
  record: SweepRecord,
  runs: readonly RunRecord[],
  metrics: readonly MetricPoint[],
): PriorSweep {
  const attempts = new Map(runs.map((r) => [r.id, r.attempt]));
  const primaryValues: Record<string, number[]> = {};
  for (const run of runs) primaryValues[run.id] = [];
  for (const point of metrics) {
    if (point.name !== record.config.primaryMetricName || attempts.get(point.runId) !== point.attempt) continue;
    primaryValues[point.runId]?.push(point.value);
  }
  return Object.freeze({
    kind: 'prior-sweep',
    record,
    runs: [...runs].sort((a, b) => a.index - b.index),
    primaryValues,
  });
}

export function priorRunOf(sweep: SweepRecord, run: RunRecord, metrics: readonly MetricPoint[]): PriorRun {
  return Object.freeze({
    kind: 'prior-run',
    sweep,
    run,
    metrics: metrics.filter((p) => p.runId === run.id && p.attempt === run.attempt),
  });
}

/**
 * The part of a prior run's history a resumed run takes over: for each metric, the values
 * logged before its latest checkpoint was taken.
 */
export function historyAtCheckpoint(
  prior: PriorRun,
  counts: Readonly<Record<string, number>> = prior.run.checkpoint?.metricCounts ?? {},
): MetricPoint[] {
  return pointsWithin(prior.metrics, counts);
}

/** The first `counts[name]` points of each metric, in logged order: what a checkpoint covers. */
export function pointsWithin(points: readonly MetricPoint[], counts: Readonly<Record<string, number>>): MetricPoint[] {
  const seen = new Map<string, number>();
  const kept: MetricPoint[] = [];
  for (const point of points) {
    const n = seen.get(point.name) ?? 0;
    if (n >= (counts[point.name] ?? 0)) continue;
    seen.set(point.name, n + 1);
    kept.push(point);
  }
  return kept;
}
