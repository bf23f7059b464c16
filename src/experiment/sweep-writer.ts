import type { CheckpointData } from '../run-logger/checkpoint.js';
import type {
  DecisionRecord,
  ErrorRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  SweepRecord,
} from '../store/records.js';
import { isStorageFull } from '../store/storage-full.js';
import type { Store } from '../store/store.js';
import type { SweepEvents } from './events.js';
import { prefixError } from './prefix-error.js';
import type { RunState } from './run-state.js';

/** Why a write did not reach the store; the orchestrator decides what the sweep does about it. */
export type WriteFailure =
  | { readonly kind: 'storage-full'; readonly message: string }
  | { readonly kind: 'store-error'; readonly error: ErrorRecord };

const STORAGE_FULL_MESSAGE =
  "the browser's storage for this site is full, so results could not be saved; free space (delete old sweeps or saved models, or allow more storage), then continue this sweep: finished runs are kept and the rest re-run";

/**
 * Everything a sweep writes to the store, in the order it happened, each record announced to
 * the listeners as it is queued. Writes never block the sweep; a failed one is reported once
 * per failure through `onFailure`.
 */
export class SweepWriter {
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly events: SweepEvents,
    private readonly onFailure: (failure: WriteFailure) => void,
  ) {}

  putExperiment(record: ExperimentRecord): void {
    this.persist(() => this.store.putExperiment(record));
  }

  putSweep(record: SweepRecord): void {
    this.persist(() => this.store.putSweep(record));
    this.events.emit({ kind: 'sweep', sweep: record });
  }

  /** Announces the sweep's record without storing it (a paused sweep stays stored as it was). */
  announceSweep(record: SweepRecord): void {
    this.events.emit({ kind: 'sweep', sweep: record });
  }

  putRun(record: RunRecord): void {
    // Runs stopped by a pause are not stored as ended: continuing the sweep re-runs them.
    if (record.termination?.kind !== 'sweep-paused') this.persist(() => this.store.putRun(record));
    this.events.emit({ kind: 'run', run: record });
  }

  appendMetrics(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    this.persist(() => this.store.appendMetrics(points));
    for (const point of points) this.events.emit({ kind: 'metric', point });
  }

  appendDecisions(records: readonly DecisionRecord[]): void {
    if (records.length === 0) return;
    this.persist(() => this.store.appendDecisions(records));
    for (const record of records) this.events.emit({ kind: 'decision', record });
  }

  /**
   * Stores a trial's checkpoint durably before the trial's `run.checkpoint` resolves. It waits
   * for the writes queued before it, so a stored checkpoint never refers to intervals the store
   * lacks; its failure goes to the trial. A run that has ended (or moved on to another attempt)
   * stores none.
   */
  async putCheckpoint(run: RunState, attempt: number, data: CheckpointData, now: number): Promise<void> {
    if (run.finished || run.attempt !== attempt)
      throw new Error(`run ${run.runId} has ended; its checkpoint was not stored`);
    const { sequence, time, intervals, metricCounts } = run.claimCheckpoint(data, now);
    await this.writes;
    try {
      await this.store.putCheckpoint({
        sweepId: run.sweepId,
        runId: run.runId,
        attempt,
        sequence,
        time,
        intervals,
        metricCounts,
        state: data.state,
        artifacts: data.artifacts,
      });
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      // Storage full pauses the sweep, as for any other write (README, "Storage"): the run is
      // not failed for a checkpoint it could not keep, and the budget is not spent. The trial
      // goes on until the pause stops it; its last stored checkpoint stays the one to resume.
      this.onFailure({ kind: 'storage-full', message: STORAGE_FULL_MESSAGE });
      return;
    }
    this.putRun(run.toRecord());
  }

  /**
   * Waits for every queued write and flushes the store's buffers, then calls `settled` in the
   * same turn (a callback rather than a returned promise, which would add a turn).
   */
  async settle(settled: () => void): Promise<void> {
    await this.writes;
    try {
      await this.store.flush();
    } catch {
      // Already reported through `persist` where it mattered; the in-memory view is complete.
    }
    settled();
  }

  /** Serialises writes so the store sees them in order. */
  private persist(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => {
      this.onFailure(
        isStorageFull(error)
          ? { kind: 'storage-full', message: STORAGE_FULL_MESSAGE }
          : { kind: 'store-error', error: prefixError('the store failed', error) },
      );
    });
  }
}
