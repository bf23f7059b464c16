import type { ParamSet } from '../space/expression.js';

/**
 * The logger a training function receives, the equivalent of HyperDrive's
 * `Run.get_context()`: it reports metrics and tells the function when to stop.
 */
export interface Run {
  readonly id: string;
  readonly params: ParamSet;
  /**
   * Logs one scalar. Each call with the primary metric's name is one interval (SPEC §4).
   * NaN and ±Infinity are recorded but never become the best value. Throws a `TypeError` for a
   * non-number (failing this run only) and a `RunCanceledError` once the run was cancelled, so
   * that a training loop stops at its next report.
   */
  log(name: string, value: number): void;
  /** Logs several values of one metric at once, as if `log` were called for each in order. */
  logList(name: string, values: readonly number[]): void;
  /** Aborted when the run is cancelled (by a policy, a limit or the user). */
  readonly signal: AbortSignal;
  readonly isCanceled: boolean;
}

/** A training function: trains one model with one configuration and logs its metrics. */
export type TrainFunction = (params: ParamSet, run: Run) => void | Promise<void>;

/** Thrown by `run.log` after cancellation; a run ending with it is Canceled, not Failed. */
export class RunCanceledError extends Error {
  override readonly name = 'RunCanceledError';
  constructor(readonly reason: string) {
    super(`run canceled: ${reason}`);
  }
}
