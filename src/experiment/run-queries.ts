import { ConfigError } from '../errors.js';
import { compareBestFirst, type PrimaryMetricGoal } from '../metric/goal.js';
import type { ParamSet } from '../space/expression.js';
import type { RunRecord, RunStatus } from '../store/records.js';

/** One row of `getChildrenSortedByPrimaryMetric`, as HyperDrive returns it. */
export interface RankedRun {
  readonly runId: string;
  readonly hyperparameters: ParamSet;
  readonly bestPrimaryMetric: number | null;
  readonly status: RunStatus;
}

export interface BestRunOptions {
  readonly includeFailed?: boolean;
  readonly includeCanceled?: boolean;
}

export interface SortedChildrenOptions {
  /** How many to return; 0 (the default) returns all. */
  readonly top?: number;
  /** Worst first instead of best first. */
  readonly reverse?: boolean;
  /** Leave out runs that never logged a finite primary metric. */
  readonly discardNoMetric?: boolean;
}

/** The run with the best primary metric, or `null` when no eligible run logged a finite one. */
export function bestRun(
  runs: readonly RunRecord[],
  goal: PrimaryMetricGoal,
  options: BestRunOptions = {},
): RunRecord | null {
  const includeFailed = expectBoolean('includeFailed', options.includeFailed, true);
  const includeCanceled = expectBoolean('includeCanceled', options.includeCanceled, true);
  let best: RunRecord | null = null;
  for (const run of runs) {
    if (run.bestMetric === null) continue;
    if (run.status === 'Failed' && !includeFailed) continue;
    if (run.status === 'Canceled' && !includeCanceled) continue;
    if (best === null || compareBestFirst(goal, run.bestMetric, best.bestMetric ?? undefined) < 0) best = run;
  }
  return best;
}

/**
 * Runs ordered by best primary metric (best first; ties keep creation order). Runs with no
 * metric come last in either direction, unless discarded.
 */
export function sortedRuns(
  runs: readonly RunRecord[],
  goal: PrimaryMetricGoal,
  options: SortedChildrenOptions = {},
): RankedRun[] {
  const top = options.top ?? 0;
  if (typeof top !== 'number' || !Number.isInteger(top) || top < 0) {
    throw new ConfigError('top', 'must be an integer >= 0 (0 returns all runs)', top);
  }
  const reverse = expectBoolean('reverse', options.reverse, false);
  const discardNoMetric = expectBoolean('discardNoMetric', options.discardNoMetric, false);

  const withMetric = runs.filter((r) => r.bestMetric !== null);
  withMetric.sort(
    (a, b) => compareBestFirst(goal, a.bestMetric ?? undefined, b.bestMetric ?? undefined) || a.index - b.index,
  );
  if (reverse) withMetric.reverse();
  const ordered = discardNoMetric ? withMetric : [...withMetric, ...runs.filter((r) => r.bestMetric === null)];
  const chosen = top === 0 ? ordered : ordered.slice(0, top);
  return chosen.map((r) => ({
    runId: r.id,
    hyperparameters: r.params,
    bestPrimaryMetric: r.bestMetric,
    status: r.status,
  }));
}

/** semantics §10: per run, metric name → the value when logged once, the list when logged more. */
export function metricsByRun(
  metrics: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>,
): Record<string, Record<string, number | number[]>> {
  const result: Record<string, Record<string, number | number[]>> = {};
  for (const [runId, byName] of metrics) {
    const entry: Record<string, number | number[]> = {};
    for (const [name, values] of byName) {
      entry[name] = values.length === 1 ? (values[0] as number) : [...values];
    }
    result[runId] = entry;
  }
  return result;
}

function expectBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(field, 'must be a boolean', value);
  return value;
}
