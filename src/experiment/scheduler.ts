import type { RandomSource } from '../random/random-source.js';
import type { Sampler, SamplerContext, SamplerHost, TrialObservation } from '../sampling/sampler.js';
import type { ParamSet } from '../space/expression.js';
import type {
  ErrorRecord,
  PauseMode,
  RunRecord,
  RunStatus,
  SweepEndReason,
  SweepStatus,
  TerminationRecord,
} from '../store/records.js';
import type { TrialRunner } from '../trial-runner/runner.js';
import type { HyperDriveConfig } from './config.js';
import { concurrencyFor } from './steering.js';
import { prefixError } from './prefix-error.js';
import type { PriorRun } from './prior.js';
import type { RunState } from './run-state.js';

/** Why the sweep stops before running out of runs or configurations. */
export type StopRequest =
  | { readonly kind: 'canceled' }
  | { readonly kind: 'max-duration' }
  | { readonly kind: 'metric-never-logged' }
  | { readonly kind: 'paused'; readonly message: string }
  | { readonly kind: 'fatal'; readonly reason: SweepEndReason; readonly error: ErrorRecord };

/** How the sweep ended, as stored on its record. */
export interface SweepEnding {
  readonly status: SweepStatus;
  readonly endReason: SweepEndReason;
  readonly error: ErrorRecord | null;
}

/** What a continued sweep had already seen before its interruption. */
export interface LaunchProgress {
  readonly loggedNames: readonly string[];
  readonly primaryLogged: boolean;
  readonly heldForMetric: boolean;
  /** Prior runs (`resumeChildRuns`) that already have a run in this sweep. */
  readonly resumedRunIds: ReadonlySet<string>;
}

type SchedulerConfig = Pick<
  HyperDriveConfig,
  | 'hyperparameterSampling'
  | 'primaryMetricName'
  | 'primaryMetricGoal'
  | 'maxTotalRuns'
  | 'maxConcurrentRuns'
  | 'maxDurationMinutes'
  | 'resumeFrom'
  | 'resumeChildRuns'
>;

/**
 * Decides what runs next and when the sweep ends: at most `concurrency` runs at once, resumed
 * runs before sampled ones, never more than `maxTotalRuns`, nothing new once a stop is
 * requested, and launching held while the primary metric looks misnamed.
 */
export class Scheduler {
  /** Said on the sweep record when the runner holds fewer runs than asked for. */
  readonly warnings: readonly string[];
  /** `maxConcurrentRuns` clamped to `maxTotalRuns` and to what the runner holds; steerable. */
  private limit: number;
  /** The duration limit in force (steerable while the sweep runs). */
  private durationMinutes: number;
  /** Set while a person paused the sweep: nothing new is launched. */
  private pauseMode: PauseMode | null = null;

  private readonly sampler: Sampler;
  private readonly priorObservations: readonly TrialObservation[];
  /** `resumeChildRuns` not started yet; they go before any sampled run. */
  private readonly pendingResumes: PriorRun[];
  private readonly loggedNames: Set<string>;
  private active = 0;
  private exhausted = false;
  private primaryLogged: boolean;
  /**
   * A run completed without the primary metric while no run had logged it: launching is held
   * until an active run logs it (then the sweep goes on) or none is left running (then the
   * sweep ends with the never-logged message). This keeps a misnamed metric from spending the
   * whole budget, at most one round of `concurrency` runs, without cancelling runs that may
   * still log it later (a run with fewer epochs can simply finish first).
   */
  private heldForMetric: boolean;
  private stopRequest: StopRequest | null = null;
  private wake: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly config: SchedulerConfig,
    runner: Pick<TrialRunner, 'capacity' | 'capacityNote'>,
    random: RandomSource,
    /** Cancels the runs still going, with what the stop says of them. */
    private readonly onStop: (termination: TerminationRecord) => void,
    progress?: LaunchProgress,
    samplerHost?: SamplerHost,
  ) {
    this.sampler =
      samplerHost === undefined
        ? config.hyperparameterSampling.createSampler(random)
        : samplerHost(config.hyperparameterSampling, random);
    const { concurrency, warning } = concurrencyFor(config.maxConcurrentRuns, config.maxTotalRuns, runner);
    this.limit = concurrency;
    this.warnings = warning === null ? [] : [warning];
    this.durationMinutes = config.maxDurationMinutes;
    this.priorObservations = config.resumeFrom.flatMap((prior) => prior.runs.map(observationOf));
    this.pendingResumes = config.resumeChildRuns.filter((p) => !progress?.resumedRunIds.has(p.run.id));
    this.loggedNames = new Set(progress?.loggedNames);
    this.primaryLogged = progress?.primaryLogged ?? false;
    this.heldForMetric = progress?.heldForMetric ?? false;
  }

  /** Runs at once: `maxConcurrentRuns` clamped to `maxTotalRuns` and to what the runner holds. */
  get concurrency(): number {
    return this.limit;
  }

  get maxDurationMinutes(): number {
    return this.durationMinutes;
  }

  /**
   * A new concurrency (already clamped, see `concurrencyFor`). Raising it lets the loop launch at
   * once; lowering it launches nothing until enough running runs end (none is stopped for it).
   */
  setConcurrency(concurrency: number): void {
    this.limit = concurrency;
    this.notify();
  }

  /** A new duration limit; the caller re-arms the timer. */
  setDurationMinutes(minutes: number): void {
    this.durationMinutes = minutes;
  }

  /** How a person paused the sweep, or null when it is not paused. */
  get pausedBy(): PauseMode | null {
    return this.pauseMode;
  }

  /** Launches nothing more; the loop ends once no run is left running. False when already paused or stopping. */
  pause(mode: PauseMode): boolean {
    if (this.stopRequest !== null || this.pauseMode !== null) return false;
    this.pauseMode = mode;
    this.notify();
    return true;
  }

  /** Undoes a pause whose runs are still winding down. False when it was not paused. */
  unpause(): boolean {
    if (this.pauseMode === null) return false;
    this.pauseMode = null;
    this.notify();
    return true;
  }

  get stopping(): boolean {
    return this.stopRequest !== null;
  }

  get paused(): boolean {
    return this.stopRequest?.kind === 'paused';
  }

  canLaunch(created: number): boolean {
    return (
      this.stopRequest === null &&
      this.pauseMode === null &&
      !this.awaitingMetric() &&
      !this.exhausted &&
      this.active < this.limit &&
      created < this.config.maxTotalRuns
    );
  }

  /** The next `resumeChildRuns` entry to start, if any is left. */
  nextResume(): PriorRun | undefined {
    return this.pendingResumes.shift();
  }

  /**
   * The sampler's next configuration, seeing every run so far and the priors; `null` when it
   * has no more. Not async on purpose: the loop awaits the sampler's own result, so no extra
   * microtask turns shift how in-process trials interleave with the sweep.
   */
  sample(runs: readonly RunState[]): ParamSet | null | Promise<ParamSet | null> {
    return this.sampler.next(this.samplerContext(runs));
  }

  /** The sampler threw: the sweep fails with its error. */
  samplerFailed(error: unknown): void {
    this.requestStop({
      kind: 'fatal',
      reason: { kind: 'sampler-error' },
      error: prefixError('the sampler failed', error),
    });
  }

  get spaceIsExhausted(): boolean {
    return this.exhausted;
  }

  /** The sampler has no more configurations: nothing new is launched. */
  spaceExhausted(): void {
    this.exhausted = true;
  }

  /**
   * Draws and discards `count` configurations: those a continued sweep drew before its
   * interruption, so that the sampler goes on with the same sequence. False when it failed.
   */
  async replay(runs: readonly RunState[], count: number): Promise<boolean> {
    for (let left = count; left > 0; left--) {
      try {
        await this.sampler.next(this.samplerContext(runs));
      } catch (error) {
        this.samplerFailed(error);
        return false;
      }
    }
    return true;
  }

  runStarted(): void {
    this.active += 1;
  }

  get running(): number {
    return this.active;
  }

  /** Notes a logged metric; the first primary-metric report lets launching held for it go on. */
  metricLogged(name: string): void {
    this.loggedNames.add(name);
    if (name !== this.config.primaryMetricName || this.primaryLogged) return;
    this.primaryLogged = true;
    if (this.heldForMetric) this.notify();
  }

  /**
   * Notes a metric carried over from a checkpoint into a continued run. It wakes nothing: the
   * loop is the one carrying it over, so it is not waiting.
   */
  metricCarried(name: string): void {
    this.loggedNames.add(name);
    if (name === this.config.primaryMetricName) this.primaryLogged = true;
  }

  runEnded(status: RunStatus): void {
    this.active -= 1;
    // A run stopped by "pause now" goes back to waiting: it says nothing of the metric's name.
    if (status === 'Queued') {
      this.notify();
      return;
    }
    // A run that completed without ever reporting the primary metric, while no run has, hints
    // that the metric name is wrong: launch nothing more until a running run logs it. Runs still
    // going are not cancelled; if none of them logs it, the loop ends the sweep with the message.
    if (status === 'Completed' && !this.primaryLogged) this.heldForMetric = true;
    this.notify();
  }

  /** Launching is held: a run completed without the primary metric and no run has logged it yet. */
  awaitingMetric(): boolean {
    return this.heldForMetric && !this.primaryLogged;
  }

  /** Stops the sweep: nothing new is launched and the runs still going are cancelled. The first reason stands. */
  requestStop(request: StopRequest): void {
    if (this.stopRequest !== null) return;
    this.stopRequest = request;
    this.onStop(this.terminationOf(request));
    this.notify();
  }

  /** Waits until something may have changed what can be launched (a run ended, a stop, a report). */
  sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  notify(): void {
    const wake = this.wake;
    if (wake === null) {
      this.woken = true;
      return;
    }
    this.wake = null;
    wake();
  }

  /** How the sweep ended, from why it stopped (if it was stopped) and its runs. */
  ending(runs: readonly Pick<RunState, 'status' | 'error'>[]): SweepEnding {
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
    const failed = runs.filter((r) => r.status === 'Failed');
    if (runs.length > 0 && failed.length === runs.length) {
      const first = failed[0]?.error?.message ?? 'unknown error';
      return {
        status: 'Failed',
        endReason: { kind: 'all-runs-failed', runs: runs.length },
        error: { message: `all ${runs.length} runs failed; the first with: ${first}`, stack: null },
      };
    }
    // Time running out before any run reported proves nothing about the metric's name: only a
    // run that completed without it (or a sweep that ran to its end) does.
    if (stop?.kind === 'max-duration' && !this.awaitingMetric()) {
      return {
        status: 'Completed',
        endReason: { kind: 'max-duration', minutes: this.durationMinutes },
        error: null,
      };
    }
    // Reached under max-duration only while launching was held for the metric: a run did
    // complete without it, which is the evidence the message needs.
    if (stop?.kind === 'metric-never-logged' || (runs.length > 0 && !this.primaryLogged)) {
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
      return { status: 'Completed', endReason: { kind: 'space-exhausted', runs: runs.length }, error: null };
    return { status: 'Completed', endReason: { kind: 'max-total-runs', runs: runs.length }, error: null };
  }

  /** What a stop says of each run it cancels. */
  private terminationOf(request: StopRequest): TerminationRecord {
    switch (request.kind) {
      case 'canceled':
        return { kind: 'sweep-canceled' };
      case 'max-duration':
        return { kind: 'max-duration', minutes: this.durationMinutes };
      case 'paused':
        return { kind: 'sweep-paused', message: request.message };
      case 'fatal':
        return { kind: 'sweep-failed', message: request.error.message };
      case 'metric-never-logged':
        return { kind: 'sweep-failed', message: this.neverLoggedMessage() };
    }
  }

  private neverLoggedMessage(): string {
    const logged = [...this.loggedNames].sort();
    const metric = JSON.stringify(this.config.primaryMetricName);
    return logged.length === 0
      ? `primary metric ${metric} was never logged by any run, and no run logged any metric`
      : `primary metric ${metric} was never logged by any run; metrics that were logged: ${logged.join(', ')}`;
  }

  private samplerContext(runs: readonly RunState[]): SamplerContext {
    return {
      goal: this.config.primaryMetricGoal,
      observations: runs.map((r) => observationOf(r)),
      priors: this.priorObservations,
    };
  }
}

/** A run as the sampler sees it: its configuration, its best value so far and how it stands. */
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
