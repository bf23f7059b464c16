import type { BackendRequest } from '../backend/names.js';
import type { CalibrationReport, PoolSizeReport } from '../backend/report.js';
import type { TrialExecution, TrialListener, TrialRequest, TrialRunner } from '../trial-runner/runner.js';
import { BackendChoice } from './backend-choice.js';
import { poolSize } from './device-limits.js';
import { Diagnostics, type PoolDiagnostic, type PoolStats } from './diagnostics.js';
import { Execution } from './execution.js';
import { resolveOptions, type WorkerPoolOptions } from './options.js';
import type { PoolWorker } from './pool-worker.js';
import type { WorkerStatus } from './protocol.js';
import { refusal } from './requests.js';
import { Slots, type PoolWorkerInfo } from './slots.js';
import { TrialDriver } from './trial-driver.js';

export type { PoolDiagnostic, PoolStats, RetireCause } from './diagnostics.js';
export type { WorkerPoolOptions } from './options.js';
export type { PoolWorker } from './pool-worker.js';
export type { PoolWorkerInfo } from './slots.js';

/**
 * Runs trials in a pool of dedicated Web Workers, one trial per worker at a time, each worker
 * on its own TF.js backend. Workers are spawned lazily, reused (their datasets stay cached),
 * recycled after `recycleAfterTrials` trials or when their memory grew, and replaced when they
 * crash. Everything a worker sends is validated: a misbehaving worker fails its run and is
 * replaced, never taking the pool down.
 *
 * The class only composes its parts: `options` (checked settings), `slots` (the workers),
 * `backend-choice` (calibration, demotion), `trial-driver` (one trial on one worker) and
 * `diagnostics` (notes and counts).
 */
export class WorkerPool implements TrialRunner {
  /** How the pool size came about; replaced when `resize` changes it. */
  sizeReport: PoolSizeReport;
  readonly backend: BackendRequest;
  private readonly hardwareConcurrency: number | undefined;

  private readonly log = new Diagnostics();
  private readonly slots: Slots;
  private readonly backends: BackendChoice;
  private readonly driver: TrialDriver;

  private constructor(options: WorkerPoolOptions, factory: () => PoolWorker) {
    const resolved = resolveOptions(options);
    this.backend = resolved.backend;
    this.sizeReport = resolved.sizeReport;
    this.hardwareConcurrency = options.hardwareConcurrency;
    const note = this.log.note;
    this.backends = new BackendChoice({
      backend: this.backend,
      factory,
      flushMs: resolved.settings.flushMs,
      assets: resolved.settings.assets,
      calibration: resolved.calibration,
      calibrationCache: options.calibrationCache,
      note,
    });
    this.slots = new Slots({
      factory,
      settings: resolved.settings,
      capacity: this.capacity,
      diagnostics: this.log,
      onUnhealthy: (slot, reason) => this.backends.noteUnhealthy(slot, reason),
    });
    this.driver = new TrialDriver({ slots: this.slots, backends: this.backends, settings: resolved.settings, note });
    if (this.sizeReport.clampedBecause !== null) note('warning', null, null, this.sizeReport.clampedBecause);
  }

  get capacity(): number {
    return this.sizeReport.size;
  }

  /** Why the pool is smaller than requested (the orchestrator quotes it in its warning). */
  get capacityNote(): string | null {
    return this.sizeReport.clampedBecause;
  }

  /**
   * Holds `requested` trials at once from now on, within what the device holds (the same clamp
   * as at creation). Shrinking lets running trials finish; their workers are retired after.
   */
  resize(requested: number): void {
    this.sizeReport = poolSize(requested, this.backend, this.hardwareConcurrency ?? deviceCores());
    this.slots.setCapacity(this.capacity);
  }

  /** Creates a pool; no worker starts until the first trial. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    // Loaded only when needed, so that code using the pool in Node (unit tests with a fake
    // factory) never evaluates `new Worker`.
    let factory = options.workerFactory;
    if (factory === undefined) {
      const { spawnTrialWorker } = await import('./assets.js');
      const isolation = options.isolation ?? 'sandbox';
      factory = () => spawnTrialWorker(options.assets, isolation);
    }
    return new WorkerPool(options, factory);
  }

  start(request: TrialRequest, listener: TrialListener): TrialExecution {
    const execution = new Execution(request, listener);
    const handle: TrialExecution = {
      outcome: execution.outcome,
      cancel: (reason) => this.driver.cancel(execution, reason),
    };
    const refused = refusal(request, this.slots.disposed);
    if (refused !== null) {
      execution.settle({ kind: 'failed', error: { message: refused, stack: null } });
      return handle;
    }
    const counts = this.log.counts;
    counts.trialsStarted += 1;
    void this.slots.acquire(execution).then((slot) => this.driver.drive(slot, execution));
    void execution.outcome.then(() => {
      counts.trialsEnded += 1;
    });
    return handle;
  }

  async dispose(): Promise<void> {
    if (this.slots.disposed) return;
    this.slots.dispose();
    this.backends.dispose();
  }

  /** The backend measurements behind 'auto' decisions so far. */
  calibrations(): readonly CalibrationReport[] {
    return this.backends.calibrations();
  }

  stats(): PoolStats {
    return this.log.stats(this.slots.live);
  }

  workers(): readonly PoolWorkerInfo[] {
    return this.slots.info();
  }

  /** Asks every started worker for its state, memory included (e.g. to check tensor hygiene). */
  async inspect(timeoutMs = 5_000): Promise<WorkerStatus[]> {
    return this.slots.statuses(timeoutMs);
  }

  diagnostics(): readonly PoolDiagnostic[] {
    return this.log.entries();
  }

  /** Live pool events (spawns, replacements, warnings, calibrations). Returns an unsubscribe. */
  subscribe(listener: (entry: PoolDiagnostic) => void): () => void {
    return this.log.subscribe(listener);
  }
}

function deviceCores(): number | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
}
