/**
 * Exact decisions (semantics §5): where a training function waits for its policy's verdict. The
 * orchestrator hands each trial a plan of the reports at which the policy judges it; `run.log`
 * of such a report resolves only once the verdict is known, and rejects with `RunCanceledError`
 * when it is a stop. Everywhere else `run.log` resolves at once, so a policy costs a round trip
 * per evaluation point and nothing per other report.
 */

/** The intervals the policy judges (the policy's `EvaluationPoints`, as plain data). */
export type VerdictPoints =
  | { readonly kind: 'periodic'; readonly every: number; readonly from: number }
  | { readonly kind: 'listed'; readonly intervals: readonly number[] };

export interface VerdictPlan {
  /** The primary metric: each report of it is one interval. */
  readonly metric: string;
  /** Intervals the run had before this trial started (a resumed run's carried history). */
  readonly intervalsBefore: number;
  readonly points: VerdictPoints;
}

/** The answer to an evaluation point: train on, or stop with the reason in words. */
export type Verdict = { readonly kind: 'continue' } | { readonly kind: 'stop'; readonly reason: string };

export const CONTINUE: Verdict = Object.freeze({ kind: 'continue' });

/** Whether the policy judges the run at `interval` (mirrors the policies' own schedules). */
export function isEvaluationPoint(points: VerdictPoints, interval: number): boolean {
  if (points.kind === 'periodic') return interval % points.every === 0 && interval >= points.from;
  return points.intervals.includes(interval);
}
