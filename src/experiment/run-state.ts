import { isBetter, type PrimaryMetricGoal } from '../metric/goal.js';
import type { RunHistory } from '../policy/policy.js';
import {
  type CheckpointData,
  checkArtifacts,
  MODEL_JSON,
  MODEL_WEIGHTS,
  type ResumePoint,
} from '../run-logger/checkpoint.js';
import type { TrialExecution, TrialOutcome } from '../trial-runner/runner.js';
import type { ParamSet } from '../space/expression.js';
import {
  TERMINAL_STATUSES,
  type CheckpointSummary,
  type ErrorRecord,
  type RunRecord,
  type RunStatus,
  type TerminationRecord,
} from '../store/records.js';

/** The orchestrator's live view of one run; also the history its policy judges. */
export class RunState implements RunHistory {
  status: RunStatus = 'Queued';
  startedAt: number | null = null;
  endedAt: number | null = null;
  bestMetric: number | null = null;
  termination: TerminationRecord | null = null;
  error: ErrorRecord | null = null;
  backend: string | null = null;
  /** The pool's worker that ran the latest attempt, when a pool ran it (the Studio's timeline). */
  worker: number | null = null;
  attempt = 1;
  execution: TrialExecution | null = null;
  checkpoint: CheckpointSummary | null = null;
  resumedFrom: RunRecord['resumedFrom'] = null;
  /** The checkpoint handed to the trial when it starts (a resumed run), not stored with the run. */
  resumeFrom: ResumePoint | null = null;
  /** Set when the orchestrator asked the trial to stop; applied when the trial settles. */
  cancelRequest: TerminationRecord | null = null;
  /** A person's note on the run (written from the Studio); null when none. */
  note: string | null = null;
  /**
   * Primary-metric values in order, `values[N-1]` being interval N, up to a policy's decision:
   * what the run logged after it is never judged or compared (see `afterDecision`).
   */
  readonly values: number[] = [];
  /** Every metric the run logged, in order. */
  readonly metrics = new Map<string, number[]>();
  /** Set once a policy stopped the run: the interval it was stopped at. */
  private decidedAt: number | null = null;
  /** What the run logged after that decision (semantics §5): kept, never its best. */
  private after: { intervals: number; bestMetric: number | null; firstSteps: Record<string, number> } | null = null;

  constructor(
    readonly runId: string,
    readonly sweepId: string,
    readonly index: number,
    readonly params: ParamSet,
    readonly createdAt: number,
  ) {}

  get finished(): boolean {
    return TERMINAL_STATUSES.has(this.status);
  }

  /** Records one value; returns its 0-based step among this metric's values. */
  record(name: string, value: number, primaryName: string, goal: PrimaryMetricGoal): number {
    let list = this.metrics.get(name);
    if (list === undefined) {
      list = [];
      this.metrics.set(name, list);
    }
    list.push(value);
    const step = list.length - 1;
    if (this.decidedAt !== null) {
      this.after ??= { intervals: 0, bestMetric: null, firstSteps: {} };
      this.after.firstSteps[name] ??= step;
    }
    if (name === primaryName) {
      const finite = Number.isFinite(value);
      if (this.after === null) this.values.push(value);
      if (this.after !== null) {
        this.after.intervals += 1;
        if (finite && (this.after.bestMetric === null || isBetter(goal, value, this.after.bestMetric))) {
          this.after.bestMetric = value;
        }
      } else if (finite && (this.bestMetric === null || isBetter(goal, value, this.bestMetric))) {
        this.bestMetric = value;
      }
    }
    return step;
  }

  /** Primary-metric intervals logged, those after a decision included. */
  get intervals(): number {
    return this.values.length + (this.after?.intervals ?? 0);
  }

  /**
   * A policy stopped the run at `interval`: from now on what it logs is after the decision, so
   * its best stays the best up to the decision (a stop never contradicts the run's own record).
   */
  markDecided(interval: number): void {
    this.decidedAt ??= interval;
  }

  /**
   * Claims the run's next checkpoint (sequence, intervals and metric counts it covers) before
   * it is written, so two checkpoints in flight never share a sequence.
   */
  claimCheckpoint(data: CheckpointData, time: number): CheckpointSummary {
    const bytes = checkArtifacts(data.artifacts);
    this.checkpoint = {
      sequence: (this.checkpoint?.sequence ?? 0) + 1,
      time,
      intervals: this.intervals,
      metricCounts: Object.fromEntries([...this.metrics].map(([name, values]) => [name, values.length])),
      bytes,
      model: MODEL_JSON in data.artifacts && MODEL_WEIGHTS in data.artifacts,
    };
    return this.checkpoint;
  }

  /** Ends the run with its trial's outcome; a stop the sweep asked for wins over what the trial said. */
  settle(outcome: TrialOutcome, now: number): void {
    if (this.cancelRequest !== null) {
      // The trial stopped because we asked, whatever it threw on the way out.
      this.status = 'Canceled';
      this.termination = this.cancelRequest;
    } else if (outcome.kind === 'completed') {
      this.status = 'Completed';
    } else if (outcome.kind === 'failed') {
      this.status = 'Failed';
      this.error = outcome.error;
    } else if (outcome.kind === 'lost') {
      // Settled only when it cannot re-run (the orchestrator re-runs a lost trial otherwise).
      this.status = 'Failed';
      this.error = { message: `TrialLostError: ${outcome.reason}`, stack: null };
    } else {
      this.status = 'Canceled';
      this.termination = { kind: 'run-canceled' };
    }
    this.startedAt ??= now;
    this.endedAt = now;
  }

  /**
   * A run stopped by "pause now": not finished but waiting again, so that resuming the sweep
   * re-runs it in place from its latest checkpoint (as after a reload) and the budget stays exact.
   */
  park(): void {
    this.status = 'Queued';
    this.cancelRequest = null;
    this.execution = null;
  }

  /**
   * Starts the run's next attempt in place (same id, same budget slot) after its trial was lost:
   * what the lost attempt logged stays stored under its attempt number; the new attempt begins
   * empty, and carries the history of the checkpoint it continues from, if any (`continueFrom`).
   */
  beginAttempt(): void {
    this.attempt += 1;
    this.status = 'Queued';
    this.execution = null;
    this.resumeFrom = null;
    this.backend = null;
    this.worker = null;
    this.bestMetric = null;
    this.values.length = 0;
    this.metrics.clear();
    this.decidedAt = null;
    this.after = null;
  }

  /** Ends a run that was to be started again but the sweep stopped first. */
  abandon(now: number): void {
    this.status = 'Canceled';
    this.termination = this.cancelRequest ?? { kind: 'interrupted' };
    this.endedAt = now;
  }

  toRecord(): RunRecord {
    return {
      id: this.runId,
      sweepId: this.sweepId,
      index: this.index,
      attempt: this.attempt,
      params: this.params,
      status: this.status,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      intervals: this.intervals,
      bestMetric: this.bestMetric,
      termination: this.termination,
      error: this.error,
      backend: this.backend,
      checkpoint: this.checkpoint,
      resumedFrom: this.resumedFrom ?? null,
      // Only when known, so records of in-process runs stay as they were.
      ...(this.worker === null ? {} : { worker: this.worker }),
      ...(this.note === null ? {} : { note: this.note }),
      ...(this.after === null || this.decidedAt === null
        ? {}
        : { afterDecision: { interval: this.decidedAt, ...this.after, firstSteps: { ...this.after.firstSteps } } }),
    };
  }
}
