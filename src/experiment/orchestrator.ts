import type { Clock } from '../clock/clock.js';
import type { PolicyDecision } from '../policy/policy.js';
import type { RandomSource } from '../random/random-source.js';
import { toErrorRecord } from '../trial-runner/in-process-runner.js';
import type { RunHistory } from '../policy/policy.js';
import {
  checkArtifacts,
  MODEL_JSON,
  MODEL_WEIGHTS,
  type CheckpointData,
  type ResumePoint,
} from '../run-logger/checkpoint.js';
import type { TrialEvent, TrialOutcome, TrialRunner } from '../trial-runner/runner.js';
import type { Sampler, SamplerContext, TrialObservation } from '../sampling/sampler.js';
import type { ParamSet } from '../space/expression.js';
import type {
  CheckpointRecord,
  CheckpointSummary,
  DecisionRecord,
  ErrorRecord,
  MetricPoint,
  RunRecord,
  SweepEndReason,
  SweepRecord,
  SweepStatus,
  TerminationRecord,
} from '../store/records.js';
import type { Store } from '../store/store.js';
import type { HyperDriveConfig } from './config.js';
import { isStorageFull } from '../store/storage-full.js';
import { historyAtCheckpoint, type PriorRun } from './prior.js';
import { RunState } from './run-state.js';
import { terminationText } from './termination-text.js';

export interface OrchestratorDeps {
  readonly store: Store;
  readonly runner: TrialRunner;
  readonly clock: Clock;
  readonly random: RandomSource;
}

/** What the store holds of a sweep whose page went away mid-run, to continue it. */
export interface RestoredSweep {
  readonly record: SweepRecord;
  readonly runs: readonly RunRecord[];
  /** Every stored metric point of the sweep, in logged order. */
  readonly metrics: readonly MetricPoint[];
}

export interface SweepIdentity {
  readonly id: string;
  readonly workspace: string;
  readonly experiment: string;
}

/** Live notifications for UIs; a listener that throws is ignored, never breaking the sweep. */
export type SweepEvent =
  | { readonly kind: 'sweep'; readonly sweep: SweepRecord }
  | { readonly kind: 'run'; readonly run: RunRecord }
  | { readonly kind: 'metric'; readonly point: MetricPoint }
  | { readonly kind: 'decision'; readonly record: DecisionRecord };

type StopRequest =
  | { readonly kind: 'canceled' }
  | { readonly kind: 'max-duration' }
  | { readonly kind: 'metric-never-logged' }
  | { readonly kind: 'paused'; readonly message: string }
  | { readonly kind: 'fatal'; readonly reason: SweepEndReason; readonly error: ErrorRecord };

/**
 * Runs one sweep: samples configurations, keeps at most `concurrency` trials running, counts
 * intervals, applies the policy at each primary-metric report, enforces the run and time
 * limits, and writes everything through to the store.
 */
export class Orchestrator {
  readonly concurrency: number;
  readonly done: Promise<SweepRecord>;

  private readonly config: HyperDriveConfig;
  private readonly deps: OrchestratorDeps;
  private readonly sampler: Sampler;
  private readonly runs: RunState[] = [];
  private readonly byId = new Map<string, RunState>();
  private readonly loggedNames = new Set<string>();
  private readonly listeners = new Set<(event: SweepEvent) => void>();

  private sweep: SweepRecord;
  private active = 0;
  private exhausted = false;
  private primaryLogged = false;
  /**
   * A run completed without the primary metric while no run had logged it: launching is held
   * until an active run logs it (then the sweep goes on) or none is left running (then the
   * sweep ends with the never-logged message). This keeps a misnamed metric from spending the
   * whole budget, at most one round of `concurrency` runs, without cancelling runs that may
   * still log it later (a run with fewer epochs can simply finish first).
   */
  private heldForMetric = false;
  private stopRequest: StopRequest | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  private writes: Promise<void> = Promise.resolve();
  private resolveDone!: (record: SweepRecord) => void;
  /** Runs to start again before sampling new ones (continuing an interrupted sweep). */
  private readonly relaunch: RunState[] = [];
  /** Configurations already drawn before an interruption, replayed to keep the sequence. */
  private replay = 0;
  /** `resumeChildRuns` not started yet; they go before any sampled run. */
  private readonly pendingResumes: PriorRun[];
  /** Finished runs of the `resumeFrom` sweeps, as the policy compares them. */
  private readonly priorHistories: readonly RunHistory[];
  private readonly priorObservations: readonly TrialObservation[];
  private durationMs: number;
  /** Stored points by run, kept from `restore` to continue re-run runs from their checkpoints. */
  private previousAttempts = new Map<string, MetricPoint[]>();
  /** Each running run's `trialTimeoutSeconds` timer (its cancel function), cleared when the run ends. */
  private readonly trialTimers = new Map<RunState, () => void>();

  constructor(identity: SweepIdentity, config: HyperDriveConfig, deps: OrchestratorDeps, restored?: RestoredSweep) {
    this.config = config;
    this.deps = deps;
    this.sampler = config.hyperparameterSampling.createSampler(deps.random);
    this.concurrency = Math.max(1, Math.min(config.maxConcurrentRuns, config.maxTotalRuns, deps.runner.capacity));

    const warnings = [...config.warnings];
    if (config.maxConcurrentRuns > deps.runner.capacity) {
      const note = deps.runner.capacityNote;
      warnings.push(
        `maxConcurrentRuns ${config.maxConcurrentRuns} exceeds what this device's pool holds (${deps.runner.capacity}): running ${deps.runner.capacity} at a time` +
          (note ? ` (${note})` : ''),
      );
    }
    this.sweep = {
      id: identity.id,
      workspace: identity.workspace,
      experiment: identity.experiment,
      status: 'Queued',
      config: config.toRecord(),
      concurrency: this.concurrency,
      warnings,
      createdAt: deps.clock.now(),
      startedAt: null,
      endedAt: null,
      endReason: null,
      error: null,
    };
    this.durationMs = config.maxDurationMinutes * 60_000;
    this.pendingResumes = [...config.resumeChildRuns];
    this.priorHistories = config.resumeFrom.flatMap((prior) =>
      prior.runs.map(
        (r): RunHistory => ({ runId: r.id, index: r.index, values: prior.primaryValues[r.id] ?? [], finished: true }),
      ),
    );
    this.priorObservations = config.resumeFrom.flatMap((prior) => prior.runs.map(observationOf));
    if (restored !== undefined) this.restore(restored);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /**
   * Rebuilds the live state from the store. Finished runs keep their results and feed the
   * policy; unfinished ones are re-run in place under the same id with the next attempt number,
   * so the run budget stays exact and no stored metric is dropped.
   */
  private restore(restored: RestoredSweep): void {
    const { record } = restored;
    const byRun = new Map<string, MetricPoint[]>();
    for (const point of restored.metrics) {
      this.loggedNames.add(point.name);
      let list = byRun.get(point.runId);
      if (list === undefined) {
        list = [];
        byRun.set(point.runId, list);
      }
      list.push(point);
    }
    let lastActivity = record.startedAt ?? record.createdAt;
    for (const stored of [...restored.runs].sort((a, b) => a.index - b.index)) {
      const run = new RunState(stored.id, stored.sweepId, stored.index, stored.params, stored.createdAt);
      lastActivity = Math.max(lastActivity, stored.createdAt, stored.startedAt ?? 0, stored.endedAt ?? 0);
      run.checkpoint = stored.checkpoint ?? null;
      run.resumedFrom = stored.resumedFrom ?? null;
      const finished = stored.status === 'Completed' || stored.status === 'Canceled' || stored.status === 'Failed';
      if (finished) {
        run.attempt = stored.attempt;
        for (const point of byRun.get(stored.id) ?? []) {
          if (point.attempt !== stored.attempt) continue;
          run.record(point.name, point.value, this.config.primaryMetricName, this.config.primaryMetricGoal);
        }
        run.status = stored.status;
        run.startedAt = stored.startedAt;
        run.endedAt = stored.endedAt;
        run.termination = stored.termination;
        run.error = stored.error;
        run.backend = stored.backend;
      } else {
        run.attempt = stored.attempt + 1;
        this.relaunch.push(run);
      }
      if (run.values.length > 0) this.primaryLogged = true;
      for (const point of byRun.get(stored.id) ?? []) lastActivity = Math.max(lastActivity, point.time);
      this.runs.push(run);
      this.byId.set(run.runId, run);
    }
    this.heldForMetric = this.runs.some((r) => r.status === 'Completed');
    // Resumed runs were not drawn from the sampler; the ones already created are not pending.
    this.replay = this.runs.filter((r) => r.resumedFrom === null).length;
    const started = new Set(this.runs.map((r) => r.resumedFrom?.runId));
    this.pendingResumes.splice(
      0,
      this.pendingResumes.length,
      ...this.pendingResumes.filter((p) => !started.has(p.run.id)),
    );
    this.previousAttempts = byRun;
    // Time spent while no page ran the sweep does not count against maxDurationMinutes.
    const elapsed = Math.max(0, lastActivity - (record.startedAt ?? record.createdAt));
    this.durationMs = Math.max(0, this.durationMs - elapsed);
    this.sweep = {
      ...this.sweep,
      createdAt: record.createdAt,
      warnings: [
        ...this.sweep.warnings,
        `continued after an interruption: ${this.relaunch.length} unfinished run(s) re-run, ${this.runs.length - this.relaunch.length} finished run(s) kept`,
      ],
    };
  }

  /** Starts the sweep on a later turn; `done` settles when it has ended and everything is stored. */
  start(): void {
    this.persist(() =>
      this.deps.store.putExperiment({
        workspace: this.sweep.workspace,
        name: this.sweep.experiment,
        createdAt: this.sweep.createdAt,
      }),
    );
    this.saveSweep();
    void this.loop();
  }

  get store(): Store {
    return this.deps.store;
  }

  get record(): SweepRecord {
    return this.sweep;
  }

  runRecords(): RunRecord[] {
    return this.runs.map((r) => r.toRecord());
  }

  /** Each run's logged metrics, name → values in order. */
  runMetrics(): Map<string, ReadonlyMap<string, readonly number[]>> {
    return new Map(this.runs.map((r) => [r.runId, r.metrics]));
  }

  subscribe(listener: (event: SweepEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels the sweep: no new runs, running ones are cancelled. */
  cancel(): void {
    this.requestStop({ kind: 'canceled' });
  }

  /** Cancels one run; the sweep goes on. Returns false when the run is unknown or already over. */
  cancelRun(runId: string): boolean {
    const run = this.byId.get(runId);
    if (run === undefined || run.finished || run.cancelRequest !== null) return false;
    this.requestRunCancel(run, { kind: 'run-canceled' });
    return true;
  }

  private async loop(): Promise<void> {
    this.sweep = { ...this.sweep, status: 'Running', startedAt: this.sweep.startedAt ?? this.deps.clock.now() };
    this.saveSweep();
    const stopTimer = this.deps.clock.setTimer(this.durationMs, () => this.requestStop({ kind: 'max-duration' }));
    try {
      if (!(await this.replaySampler())) return;
      for (const run of this.relaunch.splice(0)) {
        if (this.stopRequest !== null) {
          this.abandon(run);
          continue;
        }
        await this.continueFromOwnCheckpoint(run);
        this.execute(run);
      }
      for (;;) {
        while (this.canLaunch()) {
          const resume = this.pendingResumes.shift();
          if (resume !== undefined) {
            await this.launchResumed(resume);
            continue;
          }
          let params: ParamSet | null;
          try {
            params = await this.sampler.next(this.samplerContext());
          } catch (error) {
            this.requestStop({
              kind: 'fatal',
              reason: { kind: 'sampler-error' },
              error: prefixError('the sampler failed', error),
            });
            break;
          }
          if (this.stopRequest !== null) break;
          if (params === null) {
            this.exhausted = true;
            break;
          }
          this.launch(params);
        }
        if (this.active === 0) {
          // Held for the metric and nothing left that could still log it.
          if (this.awaitingMetric()) this.requestStop({ kind: 'metric-never-logged' });
          break;
        }
        await this.sleep();
      }
    } finally {
      stopTimer();
      for (const run of [...this.trialTimers.keys()]) this.clearTrialTimeout(run);
      await this.finish();
    }
  }

  /** Draws and discards the configurations used before an interruption. False on failure. */
  private async replaySampler(): Promise<boolean> {
    for (; this.replay > 0; this.replay--) {
      try {
        await this.sampler.next(this.samplerContext());
      } catch (error) {
        this.requestStop({
          kind: 'fatal',
          reason: { kind: 'sampler-error' },
          error: prefixError('the sampler failed', error),
        });
        return false;
      }
    }
    return true;
  }

  /** A run that was to be re-run but the sweep stopped first. */
  private abandon(run: RunState): void {
    run.status = 'Canceled';
    run.termination = run.cancelRequest ?? { kind: 'interrupted' };
    run.endedAt = this.deps.clock.now();
    this.saveRun(run);
  }

  /** Launching is held: a run completed without the primary metric and no run has logged it yet. */
  private awaitingMetric(): boolean {
    return this.heldForMetric && !this.primaryLogged;
  }

  private canLaunch(): boolean {
    return (
      this.stopRequest === null &&
      !this.awaitingMetric() &&
      !this.exhausted &&
      this.active < this.concurrency &&
      this.runs.length < this.config.maxTotalRuns
    );
  }

  private launch(params: ParamSet): void {
    const index = this.runs.length;
    const run = new RunState(`${this.sweep.id}_${index}`, this.sweep.id, index, params, this.deps.clock.now());
    this.runs.push(run);
    this.byId.set(run.runId, run);
    this.execute(run);
  }

  /**
   * Starts a `resumeChildRuns` entry as this sweep's next run: same hyperparameters, its
   * metric history up to the checkpoint carried over (so intervals continue and the policy
   * judges the whole curve), and the checkpoint handed to the trial as `run.resumeFrom`.
   */
  private async launchResumed(prior: PriorRun): Promise<void> {
    const index = this.runs.length;
    const run = new RunState(
      `${this.sweep.id}_${index}`,
      this.sweep.id,
      index,
      prior.run.params,
      this.deps.clock.now(),
    );
    this.runs.push(run);
    this.byId.set(run.runId, run);
    let checkpoint: CheckpointRecord | undefined;
    try {
      checkpoint = await this.deps.store.latestCheckpoint(prior.run.id);
    } catch (error) {
      this.active += 1;
      this.onOutcome(run, {
        kind: 'failed',
        error: prefixError(`the checkpoint of run ${prior.run.id} could not be read`, error),
      });
      return;
    }
    if (checkpoint === undefined) {
      this.active += 1;
      this.onOutcome(run, {
        kind: 'failed',
        error: {
          message: `ResumeError: the checkpoint of run ${prior.run.id} is no longer stored (its sweep may have been deleted)`,
          stack: null,
        },
      });
      return;
    }
    run.resumedFrom = { sweepId: prior.sweep.id, runId: prior.run.id, sequence: checkpoint.sequence };
    this.seedHistory(run, historyAtCheckpoint(prior, checkpointCounts(checkpoint, prior.run.checkpoint ?? null)));
    run.resumeFrom = resumePointOf(checkpoint);
    if (this.stopRequest !== null) {
      this.abandon(run);
      return;
    }
    this.execute(run);
  }

  /**
   * A run interrupted by a reload continues from its own latest checkpoint when it has one:
   * its previous attempt's history up to that checkpoint is carried into the new attempt.
   */
  private async continueFromOwnCheckpoint(run: RunState): Promise<void> {
    if (run.checkpoint === null) return;
    let checkpoint: CheckpointRecord | undefined;
    try {
      checkpoint = await this.deps.store.latestCheckpoint(run.runId);
    } catch {
      // Unreadable: the run retrains from scratch, which is always correct, only slower.
      return;
    }
    if (checkpoint === undefined) return;
    const counts = checkpointCounts(checkpoint, run.checkpoint);
    const previous = (this.previousAttempts.get(run.runId) ?? []).filter((p) => p.attempt === checkpoint.attempt);
    const seen = new Map<string, number>();
    const carried = previous.filter((point) => {
      const n = seen.get(point.name) ?? 0;
      if (n >= (counts[point.name] ?? 0)) return false;
      seen.set(point.name, n + 1);
      return true;
    });
    this.seedHistory(run, carried);
    run.resumeFrom = resumePointOf(checkpoint);
    run.resumedFrom = { sweepId: this.sweep.id, runId: run.runId, sequence: checkpoint.sequence };
  }

  /** Records earlier values as this run's first ones (stored again under this run and attempt). */
  private seedHistory(run: RunState, points: readonly MetricPoint[]): void {
    const copies: MetricPoint[] = [];
    for (const point of points) {
      const step = run.record(point.name, point.value, this.config.primaryMetricName, this.config.primaryMetricGoal);
      this.loggedNames.add(point.name);
      if (point.name === this.config.primaryMetricName) this.primaryLogged = true;
      copies.push({ ...point, sweepId: this.sweep.id, runId: run.runId, attempt: run.attempt, step });
    }
    if (copies.length === 0) return;
    this.persist(() => this.deps.store.appendMetrics(copies));
    for (const point of copies) this.emit({ kind: 'metric', point });
  }

  private execute(run: RunState): void {
    this.active += 1;
    this.saveRun(run);
    try {
      run.execution = this.deps.runner.start(
        {
          sweepId: this.sweep.id,
          runId: run.runId,
          params: run.params,
          trial: this.config.trial,
          checkpoint: (data) => this.saveCheckpoint(run, run.attempt, data),
          resumeFrom: run.resumeFrom,
        },
        (events) => this.onEvents(run, events),
      );
    } catch (error) {
      this.onOutcome(run, { kind: 'failed', error: prefixError('the runner could not start the trial', error) });
      return;
    }
    void run.execution.outcome.then((outcome) => this.onOutcome(run, outcome));
  }

  private onEvents(run: RunState, events: readonly TrialEvent[]): void {
    if (run.finished) return;
    const points: MetricPoint[] = [];
    const decisions: DecisionRecord[] = [];
    for (const event of events) {
      if (event.kind === 'started' || run.status === 'Queued') {
        run.status = 'Running';
        run.startedAt ??= event.time;
        this.armTrialTimeout(run);
        if (event.kind === 'started') {
          run.backend = event.backend;
          continue;
        }
      }
      if (event.kind !== 'metric') continue;
      const step = run.record(event.name, event.value, this.config.primaryMetricName, this.config.primaryMetricGoal);
      this.loggedNames.add(event.name);
      points.push({
        sweepId: this.sweep.id,
        runId: run.runId,
        attempt: run.attempt,
        name: event.name,
        step,
        value: event.value,
        time: event.time,
      });
      if (event.name !== this.config.primaryMetricName) continue;
      if (!this.primaryLogged) {
        this.primaryLogged = true;
        // Launching may have been held waiting for this first report: let the loop go on.
        if (this.heldForMetric) this.notify();
      }
      // Once a run is being stopped, later reports are kept but no longer judged.
      if (run.cancelRequest !== null) continue;
      const decision = this.decide(run);
      if (decision.kind === 'skip') continue;
      decisions.push({ sweepId: this.sweep.id, runId: run.runId, time: event.time, decision });
      if (decision.kind === 'cancel') this.requestRunCancel(run, { kind: 'policy', decision });
    }
    this.saveRun(run);
    if (points.length > 0) {
      this.persist(() => this.deps.store.appendMetrics(points));
      for (const point of points) this.emit({ kind: 'metric', point });
    }
    if (decisions.length > 0) {
      this.persist(() => this.deps.store.appendDecisions(decisions));
      for (const record of decisions) this.emit({ kind: 'decision', record });
    }
  }

  /**
   * Stores a trial's checkpoint durably before its `run.checkpoint` resolves. It waits for the
   * writes queued before it, so a stored checkpoint never refers to intervals the store lacks.
   */
  private async saveCheckpoint(run: RunState, attempt: number, data: CheckpointData): Promise<void> {
    if (run.finished || run.attempt !== attempt)
      throw new Error(`run ${run.runId} has ended; its checkpoint was not stored`);
    const bytes = checkArtifacts(data.artifacts);
    const sequence = (run.checkpoint?.sequence ?? 0) + 1;
    const time = this.deps.clock.now();
    const intervals = run.values.length;
    // Claimed before the write, so two checkpoints in flight never share a sequence.
    const metricCounts = Object.fromEntries([...run.metrics].map(([name, values]) => [name, values.length]));
    run.checkpoint = {
      sequence,
      time,
      intervals,
      metricCounts,
      bytes,
      model: MODEL_JSON in data.artifacts && MODEL_WEIGHTS in data.artifacts,
    };
    await this.writes;
    await this.deps.store.putCheckpoint({
      sweepId: this.sweep.id,
      runId: run.runId,
      attempt,
      sequence,
      time,
      intervals,
      metricCounts,
      state: data.state,
      artifacts: data.artifacts,
    });
    this.saveRun(run);
  }

  private decide(run: RunState): PolicyDecision {
    return this.config.policy.decide({
      goal: this.config.primaryMetricGoal,
      run,
      interval: run.values.length,
      others: [...this.runs.filter((r) => r !== run), ...this.priorHistories],
    });
  }

  /**
   * `trialTimeoutSeconds`: once the run has been running that long (the injected clock, from
   * its `startedAt`), it is cancelled like a policy cancels it, and the sweep goes on.
   */
  private armTrialTimeout(run: RunState): void {
    const seconds = this.config.trialTimeoutSeconds;
    if (seconds === undefined || run.startedAt === null || this.trialTimers.has(run)) return;
    const elapsed = Math.max(0, this.deps.clock.now() - run.startedAt);
    const stop = this.deps.clock.setTimer(Math.max(0, seconds * 1000 - elapsed), () => {
      this.trialTimers.delete(run);
      this.requestRunCancel(run, { kind: 'trial-timeout', seconds });
    });
    this.trialTimers.set(run, stop);
  }

  private clearTrialTimeout(run: RunState): void {
    const stop = this.trialTimers.get(run);
    if (stop === undefined) return;
    this.trialTimers.delete(run);
    stop();
  }

  private onOutcome(run: RunState, outcome: TrialOutcome): void {
    if (run.finished) return;
    this.clearTrialTimeout(run);
    this.active -= 1;
    if (run.cancelRequest !== null) {
      // The trial stopped because we asked, whatever it threw on the way out.
      run.status = 'Canceled';
      run.termination = run.cancelRequest;
    } else if (outcome.kind === 'completed') {
      run.status = 'Completed';
    } else if (outcome.kind === 'failed') {
      run.status = 'Failed';
      run.error = outcome.error;
    } else {
      run.status = 'Canceled';
      run.termination = { kind: 'run-canceled' };
    }
    run.startedAt ??= this.deps.clock.now();
    run.endedAt = this.deps.clock.now();
    this.saveRun(run);
    // A run that completed without ever reporting the primary metric, while no run has, hints
    // that the metric name is wrong: launch nothing more until a running run logs it. Runs still
    // going are not cancelled; if none of them logs it, the loop ends the sweep with the message.
    if (run.status === 'Completed' && !this.primaryLogged) this.heldForMetric = true;
    this.notify();
  }

  private requestRunCancel(run: RunState, termination: TerminationRecord): void {
    if (run.finished || run.cancelRequest !== null) return;
    run.cancelRequest = termination;
    run.execution?.cancel(terminationText(termination));
  }

  private requestStop(request: StopRequest): void {
    if (this.stopRequest !== null) return;
    this.stopRequest = request;
    const termination: TerminationRecord =
      request.kind === 'canceled'
        ? { kind: 'sweep-canceled' }
        : request.kind === 'max-duration'
          ? { kind: 'max-duration', minutes: this.config.maxDurationMinutes }
          : request.kind === 'paused'
            ? { kind: 'sweep-paused', message: request.message }
            : {
                kind: 'sweep-failed',
                message: request.kind === 'fatal' ? request.error.message : this.neverLoggedMessage(),
              };
    for (const run of this.runs) this.requestRunCancel(run, termination);
    this.notify();
  }

  private async finish(): Promise<void> {
    const { status, endReason, error } = this.outcome();
    this.sweep = { ...this.sweep, status, endReason, error, endedAt: this.deps.clock.now() };
    // A paused sweep stays stored as it was (Running, with its unfinished runs), so that once
    // space is freed it reads as interrupted and continues like one.
    if (this.stopRequest?.kind === 'paused') this.emit({ kind: 'sweep', sweep: this.sweep });
    else this.saveSweep();
    await this.writes;
    try {
      await this.deps.store.flush();
    } catch {
      // Already reported through `persist` where it mattered; the in-memory view is complete.
    }
    this.resolveDone(this.sweep);
  }

  private outcome(): { status: SweepStatus; endReason: SweepEndReason; error: ErrorRecord | null } {
    const stop = this.stopRequest;
    if (stop?.kind === 'canceled') return { status: 'Canceled', endReason: { kind: 'canceled' }, error: null };
    if (stop?.kind === 'paused') {
      return {
        status: 'Canceled',
        endReason: { kind: 'storage-full', message: stop.message },
        error: { message: stop.message, stack: null },
      };
    }
    if (stop?.kind === 'fatal') return { status: 'Failed', endReason: stop.reason, error: stop.error };
    const failed = this.runs.filter((r) => r.status === 'Failed');
    if (this.runs.length > 0 && failed.length === this.runs.length) {
      const first = failed[0]?.error?.message ?? 'unknown error';
      return {
        status: 'Failed',
        endReason: { kind: 'all-runs-failed', runs: this.runs.length },
        error: { message: `all ${this.runs.length} runs failed; the first with: ${first}`, stack: null },
      };
    }
    // Time running out before any run reported proves nothing about the metric's name: only a
    // run that completed without it (or a sweep that ran to its end) does.
    if (stop?.kind === 'max-duration' && !this.awaitingMetric()) {
      return {
        status: 'Completed',
        endReason: { kind: 'max-duration', minutes: this.config.maxDurationMinutes },
        error: null,
      };
    }
    // Reached under max-duration only while launching was held for the metric: a run did
    // complete without it, which is the evidence the message needs.
    if (stop?.kind === 'metric-never-logged' || (this.runs.length > 0 && !this.primaryLogged)) {
      return {
        status: 'Failed',
        endReason: {
          kind: 'metric-never-logged',
          metric: this.config.primaryMetricName,
          logged: [...this.loggedNames].sort(),
        },
        error: { message: this.neverLoggedMessage(), stack: null },
      };
    }
    if (this.exhausted)
      return { status: 'Completed', endReason: { kind: 'space-exhausted', runs: this.runs.length }, error: null };
    return { status: 'Completed', endReason: { kind: 'max-total-runs', runs: this.runs.length }, error: null };
  }

  private neverLoggedMessage(): string {
    const logged = [...this.loggedNames].sort();
    const metric = JSON.stringify(this.config.primaryMetricName);
    return logged.length === 0
      ? `primary metric ${metric} was never logged by any run, and no run logged any metric`
      : `primary metric ${metric} was never logged by any run; metrics that were logged: ${logged.join(', ')}`;
  }

  private samplerContext(): SamplerContext {
    return {
      goal: this.config.primaryMetricGoal,
      observations: this.runs.map((r) => observationOf(r)),
      priors: this.priorObservations,
    };
  }

  private saveRun(run: RunState): void {
    const record = run.toRecord();
    // Runs stopped by a pause are not stored as ended: continuing the sweep re-runs them.
    if (record.termination?.kind !== 'sweep-paused') this.persist(() => this.deps.store.putRun(record));
    this.emit({ kind: 'run', run: record });
  }

  private saveSweep(): void {
    const record = this.sweep;
    this.persist(() => this.deps.store.putSweep(record));
    this.emit({ kind: 'sweep', sweep: record });
  }

  /** Serialises writes so the store sees them in order; a failing store fails the sweep. */
  private persist(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => {
      if (isStorageFull(error)) {
        this.requestStop({
          kind: 'paused',
          message:
            "the browser's storage for this site is full, so results could not be saved; free space (delete old sweeps or saved models, or allow more storage), then continue this sweep: finished runs are kept and the rest re-run",
        });
        return;
      }
      this.requestStop({
        kind: 'fatal',
        reason: { kind: 'store-error' },
        error: prefixError('the store failed', error),
      });
    });
  }

  private emit(event: SweepEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken UI listener must not break the sweep.
      }
    }
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    if (wake === null) {
      this.woken = true;
      return;
    }
    this.wake = null;
    wake();
  }
}

function observationOf(r: Pick<RunRecord, 'params' | 'bestMetric' | 'status'>): TrialObservation {
  return {
    params: r.params,
    best: r.bestMetric ?? undefined,
    state:
      r.status === 'Completed'
        ? 'completed'
        : r.status === 'Canceled'
          ? 'canceled'
          : r.status === 'Failed'
            ? 'failed'
            : 'running',
  };
}

/** How many values of each metric a checkpoint covers; older records fall back to the run's summary. */
function checkpointCounts(
  checkpoint: CheckpointRecord,
  summary: CheckpointSummary | null,
): Readonly<Record<string, number>> {
  return checkpoint.metricCounts ?? (summary?.sequence === checkpoint.sequence ? summary.metricCounts : {});
}

function resumePointOf(checkpoint: CheckpointRecord): ResumePoint {
  return {
    runId: checkpoint.runId,
    sequence: checkpoint.sequence,
    intervals: checkpoint.intervals ?? 0,
    state: (checkpoint.state ?? null) as ResumePoint['state'],
    artifacts: checkpoint.artifacts,
  };
}

function prefixError(prefix: string, error: unknown): ErrorRecord {
  const record = toErrorRecord(error);
  return { message: `${prefix}: ${record.message}`, stack: record.stack };
}
