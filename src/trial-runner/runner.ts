import type { CheckpointData, ResumePoint } from '../run-logger/checkpoint.js';
import type { TrainFunction } from '../run-logger/run.js';
import type { VerdictPlan } from '../run-logger/verdicts.js';
import type { ParamSet } from '../space/expression.js';
import type { ErrorRecord } from '../error-record.js';

/**
 * What a trial trains: a function in this thread (in-process runner only: functions cannot
 * cross into a worker), a built-in example by name, or an ES module URL whose default export
 * is `train(params, run)`.
 */
export type TrialDefinition =
  | { readonly kind: 'function'; readonly train: TrainFunction }
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'module'; readonly url: string };

export interface TrialRequest {
  readonly sweepId: string;
  readonly runId: string;
  readonly params: ParamSet;
  readonly trial: TrialDefinition;
  /**
   * Stores one checkpoint of this trial durably (the orchestrator's store); the trial's
   * `run.checkpoint` resolves when this does. Absent: the trial cannot checkpoint.
   */
  readonly checkpoint?: (data: CheckpointData) => Promise<void>;
  /** The checkpoint the trial continues from, given to it as `run.resumeFrom`. */
  readonly resumeFrom?: ResumePoint | null;
  /**
   * The reports at which the policy judges this trial (semantics §5 exact decisions): there
   * `run.log` waits for the verdict. Absent or null: nothing waits (no policy).
   */
  readonly verdicts?: VerdictPlan | null;
}

/** Messages from a running trial to the orchestrator. */
export type TrialEvent =
  | {
      readonly kind: 'started';
      readonly time: number;
      readonly backend: string | null;
      /** The worker that runs it, when a worker pool does (its id in the pool's diagnostics). */
      readonly worker?: number;
    }
  | { readonly kind: 'metric'; readonly name: string; readonly value: number; readonly time: number };

/** How a trial ended, from the runner's point of view. */
export type TrialOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly error: ErrorRecord }
  | { readonly kind: 'canceled'; readonly reason: string }
  /**
   * The runner lost the trial to a fault it does not lay on the trial (its sandbox process died
   * with other trials in it, so which one ended it is not known): the run re-runs in place, as
   * after a reload (semantics §8, interrupted runs). The runner bounds how often it says so for
   * one run; it says `failed` once it knows the trial is at fault.
   */
  | { readonly kind: 'lost'; readonly reason: string };

export interface TrialExecution {
  /** Settles once the trial has stopped using its slot; never rejects. */
  readonly outcome: Promise<TrialOutcome>;
  /** Asks the trial to stop: cooperatively first, then by force where the runner can. */
  cancel(reason: string): void;
}

/**
 * Receives a trial's events, possibly batched; called in order. It decides synchronously: a
 * cancel it asks for (`TrialExecution.cancel`) is made before it returns, which is how a runner
 * answers a trial waiting for its verdict without another message.
 */
export type TrialListener = (events: readonly TrialEvent[]) => void;

/** Runs trials. The orchestrator never starts more than `capacity` at once. */
export interface TrialRunner {
  /** Trials it can run at the same time (the pool size); `Infinity` when unbounded. */
  readonly capacity: number;
  /** Why `capacity` is below what was asked for, in words (e.g. the device's core count). */
  readonly capacityNote?: string | null;
  start(request: TrialRequest, listener: TrialListener): TrialExecution;
  /**
   * Grows or shrinks what it holds to `requested` trials at once (a sweep's concurrency changed
   * while it runs); `capacity` and `capacityNote` say the result. Trials running on a slot that
   * is no longer needed finish first. Absent where capacity is fixed.
   */
  resize?(requested: number): void;
  dispose(): Promise<void>;
}
