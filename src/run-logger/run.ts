import type { ParamSet } from '../space/expression.js';
import type { ResumePoint, SavableModel } from './checkpoint.js';

/**
 * The logger a training function receives, the equivalent of HyperDrive's
 * `Run.get_context()`: it reports metrics and tells the function when to stop.
 */
export interface Run {
  readonly id: string;
  readonly params: ParamSet;
  /**
   * Logs one scalar. Each call with the primary metric's name is one interval (semantics §4).
   * NaN and ±Infinity are recorded but never become the best value. Throws a `TypeError` for a
   * non-number (failing this run only) and a `RunCanceledError` once the run was cancelled, so
   * that a training loop stops at its next report.
   *
   * The promise it returns is the policy's verdict (semantics §5 exact decisions): at a report
   * the policy judges it settles once the decision is made, and rejects with `RunCanceledError`
   * when the run is stopped there; elsewhere (other metrics, unjudged intervals, no policy) it is
   * already resolved. `await run.log(...)` therefore never trains past a stop; a loop that does
   * not await goes on until the cancellation reaches it, as it always did.
   */
  log(name: string, value: number): Promise<void>;
  /**
   * Logs several values of one metric, as if `log` were called for each in order (and awaited:
   * values after a judged report are sent only once the run may go on).
   */
  logList(name: string, values: readonly number[]): Promise<void>;
  /** Aborted when the run is cancelled (by a policy, a limit or the user). */
  readonly signal: AbortSignal;
  readonly isCanceled: boolean;
  /**
   * Saves the model (weights and optimizer state) and a small JSON `state` (e.g. the epoch
   * reached) as one checkpoint, atomically and durably: it resolves once stored. The latest
   * checkpoint is what a resumed run continues from and what "export model" exports. `model`
   * may be null for a state-only checkpoint. Allowed after cancellation too, so a stopped run
   * can still be resumed later.
   */
  checkpoint(model: SavableModel | null, state?: unknown): Promise<void>;
  /** False where the runner keeps no checkpoints (then `checkpoint` rejects). */
  readonly canCheckpoint: boolean;
  /** The checkpoint this run continues from (semantics §8 resumed runs), or null for a fresh run. */
  readonly resumeFrom: ResumePoint | null;
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
