import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { PolicyInput, RunHistory } from './policy.js';

/*
 * Decision (semantics §5, where HyperDrive is silent; applies to every policy): a run whose values up to interval N
 * hold no finite number (it diverged: NaN or ±Infinity only) has no best, and counts as the
 * worst possible run in every comparison. Bandit, median stopping and truncation selection
 * cancel it whenever something finite exists to compare it with, because such a run can
 * never become the sweep's best (semantics §11: non-finite values are never best) and further
 * training only burns compute. Its evidence `value` is null.
 */

/** The run's best finite value over its first `interval` reports, or `undefined` if none. */
export function bestUpTo(goal: PrimaryMetricGoal, run: RunHistory, interval: number): number | undefined {
  // An index loop, not bestOf(values.slice(...)): a decision visits every other run, and at
  // 1000 runs x 100 intervals the copies were most of its cost (bench/results/bench.md).
  // The goal is read once, outside the loop: this loop is most of a decision's cost.
  const values = run.values;
  const end = prefixLength(values.length, interval);
  const maximize = goal === 'MAXIMIZE';
  let best = maximize ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let found = false;
  for (let i = 0; i < end; i++) {
    const v = values[i] as number;
    // NaN fails either comparison, and so does the infinity on the sentinel's side; the other
    // infinity passes it and is skipped here (non-finite values are never a best, semantics §11).
    if ((maximize ? v > best : v < best) && v !== Number.POSITIVE_INFINITY && v !== Number.NEGATIVE_INFINITY) {
      best = v;
      found = true;
    }
  }
  return found ? best : undefined;
}

/** How many values `values.slice(0, interval)` would keep, without copying them. */
function prefixLength(length: number, interval: number): number {
  const end = Number.isNaN(interval) ? 0 : Math.trunc(interval);
  return end < 0 ? Math.max(0, length + end) : Math.min(end, length);
}

/** Mean of the finite values among the first `interval` reports, or `undefined` if none. */
export function runningAverage(run: RunHistory, interval: number): number | undefined {
  let sum = 0;
  let count = 0;
  const values = run.values;
  const end = prefixLength(values.length, interval);
  for (let i = 0; i < end; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    sum += v;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}

/**
 * The other runs, less any entry carrying the judged run's own id: `others` is documented as
 * "every other run", and counting the judged run twice would skew a median or a ranking.
 */
export function otherRuns(input: PolicyInput): readonly RunHistory[] {
  return input.others.filter((r) => r.runId !== input.run.runId);
}

/**
 * Explanations show 4 significant digits with trailing zeros dropped (0.8, not 0.8000);
 * evidence keeps the full-precision numbers.
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'none';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const rounded = Number(value.toPrecision(4));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** "1 run" / "3 runs". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
