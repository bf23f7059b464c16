import type { ParamSet } from '../space/expression.js';
import type { PauseMode, RunRecord, SweepRecord, SweepStatus } from '../store/records.js';
import type { LimitsApplied, LimitsChange } from './steering.js';
import type { SweepEvent } from './events.js';
import type { Orchestrator } from './orchestrator.js';
import type { PriorRun, PriorSweep } from './prior.js';
import { loadPriorRuns, loadPriorSweep } from './prior-loader.js';
import {
  bestRun,
  metricsByRun,
  sortedRuns,
  type BestRunOptions,
  type RankedRun,
  type SortedChildrenOptions,
} from './run-queries.js';

/**
 * The handle `Experiment.submit` returns at once (HyperDrive's parent run): watch, query and
 * cancel a sweep while it runs and after it ends.
 */
export class Sweep {
  constructor(private readonly orchestrator: Orchestrator) {}

  get id(): string {
    return this.orchestrator.record.id;
  }

  /** Concurrency actually used (the request clamped to what the runner holds). */
  get concurrency(): number {
    return this.orchestrator.concurrency;
  }

  get warnings(): readonly string[] {
    return this.orchestrator.record.warnings;
  }

  getStatus(): SweepStatus {
    return this.orchestrator.record.status;
  }

  getDetails(): SweepRecord {
    return this.orchestrator.record;
  }

  /** Resolves with the final record once the sweep ended and everything is stored. Never rejects. */
  waitForCompletion(): Promise<SweepRecord> {
    return this.orchestrator.done;
  }

  /** Stops creating runs and cancels the running ones; resolves when the sweep has ended. */
  cancel(): Promise<SweepRecord> {
    this.orchestrator.cancel();
    return this.orchestrator.done;
  }

  /**
   * Changes `maxConcurrentRuns` and/or `maxDurationMinutes` while the sweep runs (semantics §8, steering);
   * a ConfigError names a bad field, with `HyperDriveConfig`'s rule.
   */
  setLimits(change: LimitsChange): LimitsApplied {
    return this.orchestrator.setLimits(change);
  }

  /**
   * Pauses the sweep: no new run starts; `finish-running` lets running runs end, `stop-now` stops
   * them to re-run from their checkpoints. `waitForCompletion` then resolves with the record
   * (status Running, `paused` set); `Experiment.continueSweep` resumes it. False when already
   * paused or ending.
   */
  pause(mode: PauseMode = 'finish-running'): boolean {
    return this.orchestrator.pause(mode);
  }

  /** Takes back a `finish-running` pause whose runs still run. False otherwise. */
  unpause(): boolean {
    return this.orchestrator.unpause();
  }

  /** How the sweep is being paused while its runs wind down; null when it is not. */
  get pausing(): PauseMode | null {
    return this.orchestrator.pausing;
  }

  /** Sets the sweep's note (blank text removes it); at most `MAX_NOTE_LENGTH` characters. */
  setNote(note: string): void {
    this.orchestrator.setNote(note);
  }

  /** Sets a run's note (blank text removes it). False when the run is unknown. */
  setRunNote(runId: string, note: string): boolean {
    return this.orchestrator.setRunNote(runId, note);
  }

  /** Cancels one run; the sweep goes on. False when the run is unknown or already over. */
  cancelRun(runId: string): boolean {
    return this.orchestrator.cancelRun(runId);
  }

  getChildren(): RunRecord[] {
    return this.orchestrator.runRecords();
  }

  getBestRunByPrimaryMetric(options: BestRunOptions = {}): RunRecord | null {
    return bestRun(this.orchestrator.runRecords(), this.orchestrator.record.config.primaryMetricGoal, options);
  }

  getChildrenSortedByPrimaryMetric(options: SortedChildrenOptions = {}): RankedRun[] {
    return sortedRuns(this.orchestrator.runRecords(), this.orchestrator.record.config.primaryMetricGoal, options);
  }

  getMetrics(): Record<string, Record<string, number | number[]>> {
    return metricsByRun(this.orchestrator.runMetrics());
  }

  getHyperparameters(): Record<string, ParamSet> {
    return Object.fromEntries(this.orchestrator.runRecords().map((r) => [r.id, r.params]));
  }

  /** This sweep, once ended, as an earlier sweep to warm-start another from (`resumeFrom`). */
  async toPrior(): Promise<PriorSweep> {
    await this.orchestrator.done;
    return loadPriorSweep(this.orchestrator.store, this.id);
  }

  /** One of this sweep's runs, once ended, to resume from its checkpoint (`resumeChildRuns`). */
  async priorRun(runId: string): Promise<PriorRun> {
    const [prior] = await loadPriorRuns(this.orchestrator.store, this.id, [runId]);
    if (prior === undefined) throw new Error(`unreachable: run ${runId} was found but not loaded`);
    return prior;
  }

  /** Live updates (sweep, run, metric, decision); returns an unsubscribe function. */
  subscribe(listener: (event: SweepEvent) => void): () => void {
    return this.orchestrator.subscribe(listener);
  }
}
