/** Whether a larger or a smaller primary metric is better. */
export const PrimaryMetricGoal = {
  MAXIMIZE: 'MAXIMIZE',
  MINIMIZE: 'MINIMIZE',
} as const;
export type PrimaryMetricGoal = (typeof PrimaryMetricGoal)[keyof typeof PrimaryMetricGoal];

/** True when `a` is strictly better than `b` under `goal`. Non-finite values are never better. */
export function isBetter(goal: PrimaryMetricGoal, a: number, b: number): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return goal === 'MAXIMIZE' ? a > b : a < b;
}

/**
 * The best finite value of `values` under `goal`, or `undefined` when none is finite.
 * NaN and ±Infinity are recorded as logged but can never be a run's best (semantics §11).
 */
export function bestOf(goal: PrimaryMetricGoal, values: Iterable<number>): number | undefined {
  let best: number | undefined;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (best === undefined || isBetter(goal, v, best)) best = v;
  }
  return best;
}

/** Compares for sorting best-first; `undefined` (no finite metric) sorts last. */
export function compareBestFirst(goal: PrimaryMetricGoal, a: number | undefined, b: number | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return goal === 'MAXIMIZE' ? b - a : a - b;
}
