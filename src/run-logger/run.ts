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
   */
  log(name: string, value: number): void;
  /** Logs several values of one metric at once, as if `log` were called for each in order. */
  logList(name: string, values: readonly number[]): void;
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
