import type { Clock } from '../clock/clock.js';
import type { RunHistory } from '../policy/policy.js';
import type { RandomSource } from '../random/random-source.js';
import type { VerdictPlan } from '../run-logger/verdicts.js';
import type { ParamSet } from '../space/expression.js';
import type {
  CheckpointRecord,
  DecisionRecord,
  ErrorRecord,
  MetricPoint,
  PauseMode,
  RunRecord,
  SweepRecord,
  TerminationRecord,
} from '../store/records.js';
import type { Store } from '../store/store.js';
import type { TrialEvent, TrialOutcome, TrialRunner } from '../trial-runner/runner.js';
import type { HyperDriveConfig } from './config.js';
import { ConfigError } from '../errors.js';
import { type SweepEvent, SweepEvents } from './events.js';
import { prefixError } from './prefix-error.js';
import type { PriorRun } from './prior.js';
import {
  type Continuation,
  missingCheckpoint,
  ownRunContinuation,
  priorRunContinuation,
  type RestoredSweep,
  restoreRuns,
  unreadableCheckpoint,
} from './restore.js';
import { RunState } from './run-state.js';
import type { SamplerHost } from '../sampling/sampler.js';
import { Scheduler } from './scheduler.js';
import {
  concurrencyFor,
  durationLeftMs,
  expectLimitsChange,
  expectNote,
  expectPauseMode,
  type LimitsApplied,
  withNote,
} from './steering.js';
import { SweepWriter, type WriteFailure } from './sweep-writer.js';
import { terminationText } from './termination-text.js';
import { TrialTimeouts } from './trial-timeouts.js';

export type { SweepEvent } from './events.js';
export type { RestoredSweep } from './restore.js';

export interface OrchestratorDeps {
  readonly store: Store;
  readonly runner: TrialRunner;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Where the sampler runs (the browser: a sampler worker); in this thread when absent. */
  readonly samplerHost?: SamplerHost | undefined;
}

export interface SweepIdentity {
  readonly id: string;
  readonly workspace: string;
  readonly experiment: string;
}

/**
 * Runs one sweep: starts the runs the scheduler allows, counts intervals, applies the policy
 * at each primary-metric report, and ends the sweep when the scheduler says so. What to launch
 * lives in `Scheduler`, continuing an interrupted sweep in `restore`, and every write and live
 * event in `SweepWriter`.
 */
export class Orchestrator {
  readonly done: Promise<SweepRecord>;

  private readonly config: HyperDriveConfig;
  private readonly deps: OrchestratorDeps;
  private readonly scheduler: Scheduler;
  private readonly events = new SweepEvents();
  private readonly writer: SweepWriter;
  private readonly timeouts: TrialTimeouts;
  private readonly runs: RunState[] = [];
  private readonly byId = new Map<string, RunState>();
  /** Finished runs of the `resumeFrom` sweeps, as the policy compares them. */
  private readonly priorHistories: readonly RunHistory[];
  private sweep: SweepRecord;
  /** Time the sweep ran before this page took it on (an interruption, a pause, more runs). */
  private readonly elapsedBefore: number;
  /** When this page's loop started; with `elapsedBefore`, how long the sweep has run. */
  private loopStartedAt: number | null = null;
  private stopTimer: () => void = () => {};
  /** Set once the loop is over: steering commands no longer apply. */
  private ended = false;
  /** Runs to start again before sampling new ones (continuing an interrupted sweep). */
  private readonly relaunch: RunState[];
  /** Configurations already drawn before an interruption, replayed to keep the sequence. */
  private readonly replay: number;
  /** Stored points by run, kept from the restore to continue re-run runs from their checkpoints. */
  private readonly previousAttempts: ReadonlyMap<string, readonly MetricPoint[]>;
  private resolveDone!: (record: SweepRecord) => void;

  constructor(identity: SweepIdentity, config: HyperDriveConfig, deps: OrchestratorDeps, restored?: RestoredSweep) {
    this.config = config;
    this.deps = deps;
    const state = restored === undefined ? null : restoreRuns(restored, config);
    this.scheduler = new Scheduler(
      config,
      deps.runner,
      deps.random,
      (termination) => {
        for (const run of this.runs) this.requestRunCancel(run, termination);
      },
      state?.progress,
      deps.samplerHost,
    );
    this.writer = new SweepWriter(deps.store, this.events, (failure) => this.onWriteFailure(failure));
    this.timeouts = new TrialTimeouts(deps.clock, config.trialTimeoutSeconds, (run, seconds) =>
      this.requestRunCancel(run, { kind: 'trial-timeout', seconds }),
    );
    this.sweep = {
      id: identity.id,
      workspace: identity.workspace,
      experiment: identity.experiment,
      status: 'Queued',
      config: config.toRecord(),
      concurrency: this.scheduler.concurrency,
      warnings: [...config.warnings, ...this.scheduler.warnings, ...(state === null ? [] : [state.warning])],
      // A note outlives interruptions, pauses and more runs; a pause ends when the sweep goes on.
      ...(restored?.record.note === undefined ? {} : { note: restored.record.note }),
      createdAt: state?.createdAt ?? deps.clock.now(),
      startedAt: null,
      endedAt: null,
      endReason: null,
      error: null,
    };
    this.elapsedBefore = state?.elapsedMs ?? 0;
    this.priorHistories = config.resumeFrom.flatMap((prior) =>
      prior.runs.map(
        (r): RunHistory => ({ runId: r.id, index: r.index, values: prior.primaryValues[r.id] ?? [], finished: true }),
      ),
    );
    for (const run of state?.runs ?? []) this.add(run);
    this.relaunch = [...(state?.relaunch ?? [])];
    this.replay = state?.replay ?? 0;
    this.previousAttempts = state?.previousAttempts ?? new Map();
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Concurrency actually used (the request clamped to what the runner holds). */
  get concurrency(): number {
    return this.scheduler.concurrency;
  }

  /** Starts the sweep on a later turn; `done` settles when it has ended and everything is stored. */
  start(): void {
    this.writer.putExperiment({
      workspace: this.sweep.workspace,
      name: this.sweep.experiment,
      createdAt: this.sweep.createdAt,
    });
    this.writer.putSweep(this.sweep);
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
    return this.events.subscribe(listener);
  }

  /** Cancels the sweep: no new runs, running ones are cancelled. */
  cancel(): void {
    this.scheduler.requestStop({ kind: 'canceled' });
  }

  /** Cancels one run; the sweep goes on. Returns false when the run is unknown or already over. */
  cancelRun(runId: string): boolean {
    const run = this.byId.get(runId);
    if (run === undefined || run.finished || run.cancelRequest !== null) return false;
    this.requestRunCancel(run, { kind: 'run-canceled' });
    return true;
  }

  /**
   * Changes `maxConcurrentRuns` and/or `maxDurationMinutes` while the sweep runs (semantics §8, steering),
   * checked like `HyperDriveConfig` (a ConfigError names the field). More runs start at once when
   * concurrency rises; when it falls, running runs finish and fewer start after them. The new
   * duration counts from the sweep's start: one already passed stops the sweep now.
   */
  setLimits(change: unknown): LimitsApplied {
    const checked = expectLimitsChange(change);
    if (this.ended) throw new ConfigError('sweepId', 'must name a sweep that is still running', this.sweep.id);
    const config = this.sweep.config;
    const requested = checked.maxConcurrentRuns ?? config.maxConcurrentRuns;
    const minutes = checked.maxDurationMinutes ?? this.scheduler.maxDurationMinutes;
    if (checked.maxConcurrentRuns !== undefined) this.deps.runner.resize?.(requested);
    const { concurrency, warning } = concurrencyFor(requested, config.maxTotalRuns, this.deps.runner);
    this.scheduler.setConcurrency(concurrency);
    const left = durationLeftMs(minutes, this.elapsedMs());
    if (checked.maxDurationMinutes !== undefined) {
      this.scheduler.setDurationMinutes(minutes);
      this.armDurationTimer(left);
    }
    this.sweep = {
      ...this.sweep,
      config: { ...config, maxConcurrentRuns: requested, maxDurationMinutes: minutes },
      concurrency,
      ...(warning === null || this.sweep.warnings.includes(warning)
        ? {}
        : { warnings: [...this.sweep.warnings, warning] }),
    };
    this.writer.putSweep(this.sweep);
    return { maxConcurrentRuns: requested, concurrency, maxDurationMinutes: minutes, durationLeftMs: left, warning };
  }

  /**
   * Pauses the sweep (semantics §8, steering): nothing new starts. `finish-running` lets running runs end;
   * `stop-now` stops them, and they wait (Queued) to re-run from their latest checkpoints. Once
   * none runs, the sweep is stored Running with `paused` set and `done` settles; continuing it
   * (`Experiment.continueSweep`) resumes it. False when it is already paused or ending.
   */
  pause(mode: unknown): boolean {
    const checked = expectPauseMode(mode);
    if (this.ended || !this.scheduler.pause(checked)) return false;
    if (checked === 'stop-now') {
      for (const run of this.runs) {
        this.requestRunCancel(run, {
          kind: 'sweep-paused',
          message: 'the sweep was paused; it re-runs from its latest checkpoint on resume',
        });
      }
    }
    this.announce();
    return true;
  }

  /**
   * Takes back a `finish-running` pause while its runs still run: launching goes on. False when
   * the sweep is not pausing that way (a `stop-now` pause is resumed by continuing the sweep).
   */
  unpause(): boolean {
    if (this.ended || this.scheduler.pausedBy !== 'finish-running') return false;
    this.scheduler.unpause();
    this.announce();
    return true;
  }

  /** How the sweep is being paused, while its runs wind down; null when it is not. */
  get pausing(): PauseMode | null {
    return this.scheduler.pausedBy;
  }

  /** Sets (or, with blank text, removes) the sweep's note. Throws a ConfigError on text over the limit. */
  setNote(note: unknown): void {
    this.sweep = withNote(this.sweep, expectNote('note', note));
    this.writer.putSweep(this.sweep);
  }

  /** Sets (or removes) a run's note. False when the run is unknown. */
  setRunNote(runId: string, note: unknown): boolean {
    const text = expectNote('note', note);
    const run = this.byId.get(runId);
    if (run === undefined) return false;
    run.note = text;
    this.writer.putRun(run.toRecord());
    return true;
  }

  /** Time the sweep has run, this page's share included. */
  private elapsedMs(): number {
    return this.elapsedBefore + (this.loopStartedAt === null ? 0 : this.deps.clock.now() - this.loopStartedAt);
  }

  private armDurationTimer(ms: number): void {
    this.stopTimer();
    this.stopTimer = this.deps.clock.setTimer(ms, () => this.scheduler.requestStop({ kind: 'max-duration' }));
  }

  /** Sends the sweep record out live without storing it (a pause under way is not yet stored). */
  private announce(): void {
    this.writer.announceSweep(this.sweep);
  }

  private async loop(): Promise<void> {
    this.sweep = { ...this.sweep, status: 'Running', startedAt: this.sweep.startedAt ?? this.deps.clock.now() };
    this.writer.putSweep(this.sweep);
    this.loopStartedAt = this.deps.clock.now();
    this.armDurationTimer(durationLeftMs(this.scheduler.maxDurationMinutes, this.elapsedBefore));
    const scheduler = this.scheduler;
    try {
      if (!(await scheduler.replay(this.runs, this.replay))) return;
      for (const run of this.relaunch.splice(0)) {
        if (scheduler.stopping) {
          this.abandon(run);
          continue;
        }
        await this.continueFromOwnCheckpoint(run);
        this.execute(run);
      }
      for (;;) {
        while (scheduler.canLaunch(this.runs.length)) {
          const resume = scheduler.nextResume();
          if (resume !== undefined) {
            await this.launchResumed(resume);
            continue;
          }
          let params: ParamSet | null;
          try {
            params = await scheduler.sample(this.runs);
          } catch (error) {
            scheduler.samplerFailed(error);
            break;
          }
          if (scheduler.stopping) break;
          if (params === null) {
            scheduler.spaceExhausted();
            break;
          }
          this.execute(this.createRun(params));
        }
        if (scheduler.running === 0) {
          // Held for the metric and nothing left that could still log it.
          if (scheduler.awaitingMetric()) scheduler.requestStop({ kind: 'metric-never-logged' });
          break;
        }
        await scheduler.sleep();
      }
    } finally {
      this.ended = true;
      this.stopTimer();
      this.timeouts.clearAll();
      await this.finish();
    }
  }

  /** Whether a paused sweep has anything left: a stopped run, or budget the sampler may still fill. */
  private moreToDo(): boolean {
    return (
      this.runs.some((r) => !r.finished) ||
      (this.runs.length < this.sweep.config.maxTotalRuns && !this.scheduler.spaceIsExhausted)
    );
  }

  private add(run: RunState): void {
    this.runs.push(run);
    this.byId.set(run.runId, run);
  }

  /** The sweep's next run, numbered in creation order. */
  private createRun(params: ParamSet): RunState {
    const index = this.runs.length;
    const run = new RunState(`${this.sweep.id}_${index}`, this.sweep.id, index, params, this.deps.clock.now());
    this.add(run);
    return run;
  }

  /** A run that was to be (re-)started but the sweep stopped first. */
  private abandon(run: RunState): void {
    run.abandon(this.deps.clock.now());
    this.writer.putRun(run.toRecord());
  }

  /** Starts a `resumeChildRuns` entry as this sweep's next run, from its run's latest checkpoint. */
  private async launchResumed(prior: PriorRun): Promise<void> {
    // Numbered before the checkpoint is read, so the runs keep the order they were chosen in.
    const run = this.createRun(prior.run.params);
    let checkpoint: CheckpointRecord | undefined;
    try {
      checkpoint = await this.deps.store.latestCheckpoint(prior.run.id);
    } catch (error) {
      this.failBeforeStart(run, unreadableCheckpoint(prior, error));
      return;
    }
    if (checkpoint === undefined) {
      this.failBeforeStart(run, missingCheckpoint(prior));
      return;
    }
    this.continueFrom(run, priorRunContinuation(prior, checkpoint));
    if (this.scheduler.stopping) {
      this.abandon(run);
      return;
    }
    this.execute(run);
  }

  /** A re-run run continues from its own latest checkpoint when one can be read. */
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
    this.continueFrom(run, ownRunContinuation(run, checkpoint, this.previousAttempts.get(run.runId) ?? []));
  }

  private failBeforeStart(run: RunState, error: ErrorRecord): void {
    // Counted as started so that its end is counted like any other's.
    this.scheduler.runStarted();
    this.onOutcome(run, { kind: 'failed', error });
  }

  /** Records the history up to a checkpoint as the run's first values, stored again under this run and attempt. */
  private continueFrom(run: RunState, continuation: Continuation): void {
    run.resumedFrom = continuation.resumedFrom;
    const copies = continuation.history.map((point): MetricPoint => {
      const step = run.record(point.name, point.value, this.config.primaryMetricName, this.config.primaryMetricGoal);
      this.scheduler.metricCarried(point.name);
      return { ...point, sweepId: this.sweep.id, runId: run.runId, attempt: run.attempt, step };
    });
    this.writer.appendMetrics(copies);
    run.resumeFrom = continuation.resumeFrom;
  }

  private execute(run: RunState): void {
    this.scheduler.runStarted();
    this.dispatch(run);
  }

  /** Hands the run to the runner; it is already counted as running. */
  private dispatch(run: RunState): void {
    this.writer.putRun(run.toRecord());
    try {
      run.execution = this.deps.runner.start(
        {
          sweepId: this.sweep.id,
          runId: run.runId,
          params: run.params,
          trial: this.config.trial,
          checkpoint: (data) => this.writer.putCheckpoint(run, run.attempt, data, this.deps.clock.now()),
          resumeFrom: run.resumeFrom,
          verdicts: this.verdictPlan(run),
        },
        (events) => this.onEvents(run, events),
      );
    } catch (error) {
      this.onOutcome(run, { kind: 'failed', error: prefixError('the runner could not start the trial', error) });
      return;
    }
    void run.execution.outcome.then((outcome) => this.onOutcome(run, outcome));
  }

  /** Where this run's trial waits for the policy's verdict (semantics §5 exact decisions). */
  private verdictPlan(run: RunState): VerdictPlan | null {
    const points = this.config.policy.evaluationPoints(run);
    if (points === null) return null;
    return { metric: this.config.primaryMetricName, intervalsBefore: run.values.length, points };
  }

  private onEvents(run: RunState, events: readonly TrialEvent[]): void {
    if (run.finished) return;
    const points: MetricPoint[] = [];
    const decisions: DecisionRecord[] = [];
    for (const event of events) {
      if (event.kind === 'started' || run.status === 'Queued') {
        run.status = 'Running';
        run.startedAt ??= event.time;
        this.timeouts.arm(run);
        if (event.kind === 'started') {
          run.backend = event.backend;
          run.worker = event.worker ?? null;
          continue;
        }
      }
      if (event.kind !== 'metric') continue;
      const step = run.record(event.name, event.value, this.config.primaryMetricName, this.config.primaryMetricGoal);
      this.scheduler.metricLogged(event.name);
      points.push({
        sweepId: this.sweep.id,
        runId: run.runId,
        attempt: run.attempt,
        name: event.name,
        step,
        value: event.value,
        time: event.time,
      });
      // Once a run is being stopped, later reports are kept but no longer judged.
      if (event.name !== this.config.primaryMetricName || run.cancelRequest !== null) continue;
      const decision = this.config.policy.decide({
        goal: this.config.primaryMetricGoal,
        run,
        interval: run.values.length,
        others: [...this.runs.filter((r) => r !== run), ...this.priorHistories],
      });
      if (decision.kind === 'skip') continue;
      decisions.push({ sweepId: this.sweep.id, runId: run.runId, time: event.time, decision });
      if (decision.kind === 'cancel') {
        run.markDecided(decision.interval);
        this.requestRunCancel(run, { kind: 'policy', decision });
      }
    }
    this.writer.putRun(run.toRecord());
    this.writer.appendMetrics(points);
    this.writer.appendDecisions(decisions);
  }

  private onOutcome(run: RunState, outcome: TrialOutcome): void {
    if (run.finished) return;
    this.timeouts.clear(run);
    if (run.cancelRequest?.kind === 'sweep-paused' && this.scheduler.pausedBy === 'stop-now') {
      // Stopped by "pause now": it waits to re-run from its checkpoint, and keeps its budget slot.
      run.park();
      this.writer.putRun(run.toRecord());
      this.scheduler.runEnded('Queued');
      return;
    }
    if (outcome.kind === 'lost' && run.cancelRequest === null && !this.scheduler.stopping) {
      void this.rerunLost(run, outcome.reason);
      return;
    }
    run.settle(outcome, this.deps.clock.now());
    this.writer.putRun(run.toRecord());
    this.scheduler.runEnded(run.status);
  }

  /**
   * The runner lost the run's trial through no fault it could lay on it (a sandbox process that
   * died with several trials in it): the run re-runs in place, as after a reload (semantics §8):
   * same id and budget slot (it stays counted as running), next attempt, from its own latest
   * stored checkpoint with that checkpoint's history carried over, else from the start. What the
   * lost attempt logged stays stored under its own attempt number.
   */
  private async rerunLost(run: RunState, reason: string): Promise<void> {
    run.beginAttempt();
    this.writer.putRun(run.toRecord());
    // Said on the sweep, so the attempt number on the run has its reason where people look.
    this.sweep = { ...this.sweep, warnings: [...this.sweep.warnings, `run ${run.runId} re-runs: ${reason}`] };
    this.writer.putSweep(this.sweep);
    if (run.checkpoint !== null) {
      // Every queued write first, so the latest checkpoint and the points it covers are stored.
      await new Promise<void>((resolve) => void this.writer.settle(resolve));
      let checkpoint: CheckpointRecord | undefined;
      let previous: MetricPoint[] = [];
      try {
        checkpoint = await this.deps.store.latestCheckpoint(run.runId);
        if (checkpoint !== undefined) previous = await this.deps.store.listMetrics(run.sweepId, run.runId);
      } catch {
        // Unreadable: the run retrains from scratch, which is always correct, only slower.
        checkpoint = undefined;
      }
      if (checkpoint !== undefined) this.continueFrom(run, ownRunContinuation(run, checkpoint, previous));
    }
    // Stopped while it waited (a person, a limit, a pause): it ends as any stopped run does.
    if (run.cancelRequest !== null) {
      this.onOutcome(run, { kind: 'canceled', reason: terminationText(run.cancelRequest) });
      return;
    }
    if (this.scheduler.stopping) {
      this.abandon(run);
      this.scheduler.runEnded(run.status);
      return;
    }
    this.dispatch(run);
  }

  private requestRunCancel(run: RunState, termination: TerminationRecord): void {
    if (run.finished || run.cancelRequest !== null) return;
    run.cancelRequest = termination;
    run.execution?.cancel(terminationText(termination));
  }

  private onWriteFailure(failure: WriteFailure): void {
    this.scheduler.requestStop(
      failure.kind === 'storage-full'
        ? { kind: 'paused', message: failure.message }
        : { kind: 'fatal', reason: { kind: 'store-error' }, error: failure.error },
    );
  }

  private async finish(): Promise<void> {
    const pausedBy = this.scheduler.pausedBy;
    if (pausedBy !== null && !this.scheduler.stopping && this.moreToDo()) {
      // Stored as an unfinished sweep, marked paused: a reload shows it Paused, and continuing
      // it re-runs the stopped runs in place and samples the rest of the budget.
      this.sweep = { ...this.sweep, paused: { at: this.deps.clock.now(), mode: pausedBy } };
      this.writer.putSweep(this.sweep);
      await this.writer.settle(() => this.resolveDone(this.sweep));
      return;
    }
    const { status, endReason, error } = this.scheduler.ending(this.runs);
    this.sweep = { ...this.sweep, status, endReason, error, endedAt: this.deps.clock.now() };
    // A paused sweep stays stored as it was (Running, with its unfinished runs), so that once
    // space is freed it reads as interrupted and continues like one.
    if (this.scheduler.paused) this.writer.announceSweep(this.sweep);
    else this.writer.putSweep(this.sweep);
    await this.writer.settle(() => this.resolveDone(this.sweep));
  }
}
