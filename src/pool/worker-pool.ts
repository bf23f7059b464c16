import * as Comlink from 'comlink';
import { isBuiltinExample, BUILTIN_EXAMPLES } from '../examples/registry.js';
import type {
  TrialEvent,
  TrialExecution,
  TrialListener,
  TrialOutcome,
  TrialRequest,
  TrialRunner,
} from '../trial-runner/runner.js';
import { toErrorRecord as errorRecord } from '../error-record.js';
import { poolSize, type PoolSizeReport } from './device-limits.js';
import {
  BACKEND_CHAIN,
  ProtocolError,
  checkWireParams,
  isBackendName,
  parseCalibration,
  parseCheckpoint,
  parseEventBatch,
  parseHello,
  parseNotice,
  parseStatus,
  parseTrialResult,
  type AdapterSummary,
  type BackendName,
  type BackendRequest,
  type CalibrationReport,
  type HygieneReport,
  type TrialResult,
  type TrialWorkerApi,
  type WireTrial,
  type WorkerStatus,
} from './protocol.js';

/** What the pool needs of a worker: a real `Worker`, or a fake one in tests. */
export interface PoolWorker extends Comlink.Endpoint {
  terminate(): void;
}

export interface WorkerPoolOptions {
  /** Workers wanted; clamped to what the device holds (see `sizeReport`). */
  readonly size: number;
  /** Backend to train on, or 'auto' to measure each trial definition once. Default 'auto'. */
  readonly backend?: BackendRequest;
  /** A worker is replaced after this many trials (default 20), bounding slow leaks. */
  readonly recycleAfterTrials?: number;
  /**
   * ...but not before it has lived this long (default 30 s). A worker's start (TF.js, backend,
   * datasets) costs about half a second of CPU: recycling every 20 trials of a sweep whose trials
   * take milliseconds would spend most of the sweep starting workers (measured: 20 ms per trivial
   * trial), while a leak that matters builds up over minutes. Memory growth still recycles at once.
   */
  readonly recycleMinLifetimeMs?: number;
  /** How long a cancelled trial may take to stop before its worker is terminated (default 3000). */
  readonly cancelGraceMs?: number;
  /** A worker holding more GPU memory than this after a trial is replaced (default 256 MiB). */
  readonly maxGpuBytesGrowth?: number;
  /** Tensors a worker may hold above its first baseline after cleanup before it is replaced (default 0). */
  readonly maxTensorGrowth?: number;
  /** Creates a worker; defaults to the bundled `workers/trial-worker.ts`. */
  readonly workerFactory?: () => PoolWorker;
  /** Overrides `navigator.hardwareConcurrency` when sizing the pool. */
  readonly hardwareConcurrency?: number;
  /** How often workers flush buffered metrics (default 75 ms). */
  readonly flushMs?: number;
  /** How long a new worker may take to load and answer (default 60 s). */
  readonly startTimeoutMs?: number;
  /**
   * A busy worker that neither reports nor answers a ping for this long is taken for hung (an
   * infinite loop, a step that never returns) and replaced; its run fails. Default 5 minutes:
   * a worker is silent while one `fit` epoch runs, and big epochs are legitimately long.
   */
  readonly watchdogMs?: number;
  readonly calibration?: {
    readonly steps?: number;
    readonly maxMsPerBackend?: number;
    /** Past this, calibration is abandoned and the fallback chain decides (default 120 s). */
    readonly timeoutMs?: number;
  };
}

export type RetireCause =
  | 'crashed'
  | 'hung'
  | 'cancel-timeout'
  | 'recycled'
  | 'memory'
  | 'protocol'
  | 'unhealthy'
  | 'start-failed'
  | 'disposed';

export interface PoolDiagnostic {
  readonly time: number;
  readonly kind: 'spawned' | 'retired' | 'warning' | 'calibrated' | 'backend';
  readonly workerId: number | null;
  readonly runId: string | null;
  readonly message: string;
}

export interface PoolStats {
  readonly spawned: number;
  readonly live: number;
  readonly retired: Readonly<Record<RetireCause, number>>;
  readonly trialsStarted: number;
  readonly trialsEnded: number;
}

export interface PoolWorkerInfo {
  readonly id: number;
  readonly state: 'starting' | 'ready' | 'retired';
  readonly busyWith: string | null;
  readonly trials: number;
  readonly backend: BackendName | null;
  readonly adapter: AdapterSummary | null;
  readonly lastHygiene: HygieneReport | null;
}

const DEFAULTS = {
  backend: 'auto' as BackendRequest,
  recycleAfterTrials: 20,
  recycleMinLifetimeMs: 30_000,
  cancelGraceMs: 3_000,
  maxGpuBytesGrowth: 256 * 1024 * 1024,
  maxTensorGrowth: 0,
  flushMs: 75,
  startTimeoutMs: 60_000,
  watchdogMs: 300_000,
  calibrationSteps: 5,
  calibrationMaxMsPerBackend: 1_500,
  calibrationTimeoutMs: 120_000,
};

const MAX_DIAGNOSTICS = 500;
/** How engines word a failed allocation: V8's RangeError, TF.js's backends, WebGPU's. */
const OUT_OF_MEMORY =
  /allocation failed|out of memory|OutOfMemory|Invalid typed array length|Invalid array buffer length|Array buffer allocation/i;

const ERROR_NAMES: Record<RetireCause, string> = {
  crashed: 'WorkerCrashedError',
  hung: 'WorkerHungError',
  'cancel-timeout': 'WorkerTerminatedError',
  recycled: 'WorkerRecycledError',
  memory: 'WorkerRecycledError',
  protocol: 'ProtocolError',
  unhealthy: 'WorkerUnhealthyError',
  'start-failed': 'WorkerStartError',
  disposed: 'PoolDisposedError',
};

/** The worker is gone; `reason` says how. */
class WorkerGoneError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/** Settles the first time; the pool and the worker may both try to end a trial. */
class Execution {
  readonly outcome: Promise<TrialOutcome>;
  settled = false;
  cancelReason: string | null = null;
  dispatched = false;
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the worker running it last showed it is alive (a batch, an answered ping). */
  lastSign = 0;
  watchdog: ReturnType<typeof setInterval> | null = null;
  private resolve!: (outcome: TrialOutcome) => void;

  constructor(
    readonly request: TrialRequest,
    private readonly listener: TrialListener,
  ) {
    this.outcome = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  deliver(events: readonly TrialEvent[]): void {
    if (this.settled || events.length === 0) return;
    try {
      this.listener(events);
    } catch {
      // A listener's failure is the orchestrator's business, never the pool's.
    }
  }

  settle(outcome: TrialOutcome): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.resolve(outcome);
    return true;
  }
}

class Slot {
  state: 'starting' | 'ready' | 'retired' = 'starting';
  /** The trial this worker is assigned to, from the moment it is chosen until it is free. */
  execution: Execution | null = null;
  trials = 0;
  readonly bornAt = Date.now();
  backend: BackendName | null = null;
  adapter: AdapterSummary | null = null;
  lastHygiene: HygieneReport | null = null;
  firstBaselineTensors: number | null = null;
  /** Resolves (never rejects) with a reason once the worker is gone for whatever cause. */
  readonly gone: Promise<string>;
  ready!: Promise<void>;
  private markGone!: (reason: string) => void;
  goneReason: string | null = null;

  constructor(
    readonly id: number,
    readonly worker: PoolWorker,
    readonly api: Comlink.Remote<TrialWorkerApi>,
  ) {
    this.gone = new Promise((resolve) => {
      this.markGone = resolve;
    });
  }

  die(reason: string): void {
    if (this.goneReason !== null) return;
    this.goneReason = reason;
    this.markGone(reason);
  }

  /** `promise`, unless the worker goes first. */
  unlessGone<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([
      promise,
      this.gone.then((reason) => {
        throw new WorkerGoneError(reason);
      }),
    ]);
  }
}

let poolCounter = 0;

/**
 * Runs trials in a pool of dedicated Web Workers, one trial per worker at a time, each worker
 * on its own TF.js backend. Workers are spawned lazily, reused (their datasets stay cached),
 * recycled after `recycleAfterTrials` trials or when their memory grew, and replaced when they
 * crash. Everything a worker sends is validated: a misbehaving worker fails its run and is
 * replaced, never taking the pool down.
 */
export class WorkerPool implements TrialRunner {
  readonly capacity: number;
  /** Why the pool is smaller than requested (the orchestrator quotes it in its warning). */
  readonly capacityNote: string | null;
  readonly sizeReport: PoolSizeReport;
  readonly backend: BackendRequest;

  private readonly options: Required<
    Pick<
      WorkerPoolOptions,
      | 'recycleAfterTrials'
      | 'recycleMinLifetimeMs'
      | 'cancelGraceMs'
      | 'maxGpuBytesGrowth'
      | 'maxTensorGrowth'
      | 'flushMs'
      | 'startTimeoutMs'
      | 'watchdogMs'
    >
  >;
  private readonly calibrationBudget: { steps: number; maxMsPerBackend: number; timeoutMs: number };
  private readonly factory: () => PoolWorker;
  private readonly poolId =
    `${Date.now().toString(36)}-${(poolCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly slots: Slot[] = [];
  private readonly waiters: { execution: Execution; resolve: (slot: Slot) => void }[] = [];
  private readonly decisions = new Map<string, Promise<BackendName>>();
  private readonly reports: CalibrationReport[] = [];
  private readonly log: PoolDiagnostic[] = [];
  private readonly subscribers = new Set<(entry: PoolDiagnostic) => void>();
  private readonly calibrators = new Set<PoolWorker>();
  /** Backends that lost their device: later trials start further down the chain. */
  private readonly demoted = new Set<BackendName>();
  private nextWorkerId = 1;
  private disposed = false;
  private counts = {
    spawned: 0,
    trialsStarted: 0,
    trialsEnded: 0,
    retired: {
      crashed: 0,
      hung: 0,
      'cancel-timeout': 0,
      recycled: 0,
      memory: 0,
      protocol: 0,
      unhealthy: 0,
      'start-failed': 0,
      disposed: 0,
    } satisfies Record<RetireCause, number>,
  };

  private constructor(options: WorkerPoolOptions, factory: () => PoolWorker) {
    const backend = options.backend ?? DEFAULTS.backend;
    if (backend !== 'auto' && !isBackendName(backend)) {
      throw new RangeError(
        `backend must be 'auto' or one of ${BACKEND_CHAIN.join(', ')} (got ${JSON.stringify(backend)})`,
      );
    }
    this.backend = backend;
    const hardwareConcurrency =
      options.hardwareConcurrency ?? (typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency);
    this.sizeReport = poolSize(options.size, backend, hardwareConcurrency);
    this.capacity = this.sizeReport.size;
    this.capacityNote = this.sizeReport.clampedBecause;
    const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
      if (value === undefined) return fallback;
      if (!Number.isFinite(value) || value < min)
        throw new RangeError(`${name} must be a number >= ${min} (got ${value})`);
      return value;
    };
    this.options = {
      recycleAfterTrials: Math.floor(
        positive('recycleAfterTrials', options.recycleAfterTrials, DEFAULTS.recycleAfterTrials),
      ),
      recycleMinLifetimeMs: positive(
        'recycleMinLifetimeMs',
        options.recycleMinLifetimeMs,
        DEFAULTS.recycleMinLifetimeMs,
        0,
      ),
      cancelGraceMs: positive('cancelGraceMs', options.cancelGraceMs, DEFAULTS.cancelGraceMs, 0),
      maxGpuBytesGrowth: positive('maxGpuBytesGrowth', options.maxGpuBytesGrowth, DEFAULTS.maxGpuBytesGrowth, 0),
      maxTensorGrowth: positive('maxTensorGrowth', options.maxTensorGrowth, DEFAULTS.maxTensorGrowth, 0),
      flushMs: positive('flushMs', options.flushMs, DEFAULTS.flushMs, 10),
      startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs, DEFAULTS.startTimeoutMs),
      watchdogMs: positive('watchdogMs', options.watchdogMs, DEFAULTS.watchdogMs, 100),
    };
    this.calibrationBudget = {
      steps: Math.floor(positive('calibration.steps', options.calibration?.steps, DEFAULTS.calibrationSteps)),
      maxMsPerBackend: positive(
        'calibration.maxMsPerBackend',
        options.calibration?.maxMsPerBackend,
        DEFAULTS.calibrationMaxMsPerBackend,
        0,
      ),
      timeoutMs: positive('calibration.timeoutMs', options.calibration?.timeoutMs, DEFAULTS.calibrationTimeoutMs),
    };
    this.factory = factory;
    if (this.sizeReport.clampedBecause !== null) this.note('warning', null, null, this.sizeReport.clampedBecause);
  }

  /** Creates a pool; no worker starts until the first trial. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const factory = options.workerFactory ?? (await import('./default-worker.js')).spawnTrialWorker;
    return new WorkerPool(options, factory);
  }

  start(request: TrialRequest, listener: TrialListener): TrialExecution {
    const execution = new Execution(request, listener);
    const handle: TrialExecution = { outcome: execution.outcome, cancel: (reason) => this.cancel(execution, reason) };
    const refused = this.refuse(request);
    if (refused !== null) {
      execution.settle({ kind: 'failed', error: { message: refused, stack: null } });
      return handle;
    }
    this.counts.trialsStarted += 1;
    void this.acquire(execution).then((slot) => this.drive(slot, execution));
    void execution.outcome.then(() => {
      this.counts.trialsEnded += 1;
    });
    return handle;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const slot of [...this.slots]) this.retire(slot, 'the pool was disposed', 'disposed', false);
    for (const worker of this.calibrators) worker.terminate();
    this.calibrators.clear();
    for (const waiter of this.waiters.splice(0))
      waiter.execution.settle({ kind: 'canceled', reason: 'the worker pool was disposed' });
  }

  /** The backend measurements behind 'auto' decisions so far. */
  calibrations(): readonly CalibrationReport[] {
    return [...this.reports];
  }

  stats(): PoolStats {
    return {
      spawned: this.counts.spawned,
      live: this.slots.length,
      retired: { ...this.counts.retired },
      trialsStarted: this.counts.trialsStarted,
      trialsEnded: this.counts.trialsEnded,
    };
  }

  workers(): readonly PoolWorkerInfo[] {
    return this.slots.map((s) => ({
      id: s.id,
      state: s.state,
      busyWith: s.execution?.request.runId ?? null,
      trials: s.trials,
      backend: s.backend,
      adapter: s.adapter,
      lastHygiene: s.lastHygiene,
    }));
  }

  /** Asks every started worker for its state, memory included (e.g. to check tensor hygiene). */
  async inspect(timeoutMs = 5_000): Promise<WorkerStatus[]> {
    const ready = this.slots.filter((s) => s.state === 'ready');
    const answers = await Promise.all(
      ready.map(async (slot) => {
        try {
          return parseStatus(await slot.unlessGone(withTimeout(slot.api.status(), timeoutMs, 'status')));
        } catch {
          return null;
        }
      }),
    );
    return answers.filter((a): a is WorkerStatus => a !== null);
  }

  diagnostics(): readonly PoolDiagnostic[] {
    return [...this.log];
  }

  /** Live pool events (spawns, replacements, warnings, calibrations). Returns an unsubscribe. */
  subscribe(listener: (entry: PoolDiagnostic) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  // -------------------------------------------------------------------------------------------

  private refuse(request: TrialRequest): string | null {
    if (this.disposed) return 'PoolDisposedError: the worker pool was disposed';
    const trial = request.trial;
    if (trial.kind === 'function') {
      return (
        'UnsupportedTrialError: the worker pool cannot run a training function given as a function value ' +
        '(functions cannot be sent to a worker); give the trial as { kind: "builtin", name } or ' +
        '{ kind: "module", url } of an ES module whose default export is train(params, run, env), ' +
        'or use the InProcessRunner'
      );
    }
    if (trial.kind === 'builtin' && !isBuiltinExample(trial.name)) {
      return `UnknownBuiltinError: unknown built-in example ${JSON.stringify(trial.name)}; built-in examples: ${BUILTIN_EXAMPLES.join(', ')}`;
    }
    try {
      checkWireParams(request.params);
    } catch (error) {
      return errorRecord(error).message;
    }
    return null;
  }

  private wireTrial(trial: TrialRequest['trial']): WireTrial {
    if (trial.kind === 'builtin') return { kind: 'builtin', name: trial.name };
    if (trial.kind === 'module') {
      // Relative URLs mean the page's location, not the worker script's.
      const base = typeof location === 'undefined' ? undefined : location.href;
      return { kind: 'module', url: new URL(trial.url, base).href };
    }
    throw new Error('unreachable: function trials are refused before dispatch');
  }

  private acquire(execution: Execution): Promise<Slot> {
    const free = this.slots.filter((s) => s.execution === null && s.state !== 'retired');
    const slot =
      free.find((s) => s.state === 'ready') ??
      free[0] ??
      (this.slots.length < this.capacity ? this.spawn() : undefined);
    if (slot !== undefined) {
      // Assigned now, not when `drive` runs: two starts in one turn must not share a worker,
      // and a worker dying in between must take this trial down with it.
      slot.execution = execution;
      this.prepareSuccessor(slot);
      return Promise.resolve(slot);
    }
    // Only reached while a cancelled trial's worker is still winding down: the orchestrator
    // never starts more than `capacity` trials, so this wait is brief.
    return new Promise((resolve) => this.waiters.push({ execution, resolve }));
  }

  /**
   * A worker starting its last trial before recycling gets its successor spawned now, so the
   * successor loads TF.js and its backend while that trial trains, and the next trial does not
   * wait for a cold start (measured: recycling every 20 trials otherwise cost ~19 ms per trial of
   * a short sweep). The extra worker is idle until then: the orchestrator never starts more than
   * `capacity` trials at once.
   */
  private prepareSuccessor(slot: Slot): void {
    if (this.disposed || !this.dueForRecycling(slot, slot.trials + 1)) return;
    if (this.slots.some((s) => s !== slot && s.execution === null && s.state !== 'retired')) return;
    this.spawn(` ahead of recycling worker ${slot.id}`);
  }

  private release(slot: Slot): void {
    slot.execution = null;
    if (slot.state === 'retired') return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      slot.execution = waiter.execution;
      waiter.resolve(slot);
    }
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.slots.length < this.capacity && !this.disposed) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      const slot = this.spawn();
      slot.execution = waiter.execution;
      waiter.resolve(slot);
    }
  }

  private spawn(why = ''): Slot {
    const id = this.nextWorkerId++;
    const worker = this.factory();
    const api = Comlink.wrap<TrialWorkerApi>(worker);
    const slot = new Slot(id, worker, api);
    this.slots.push(slot);
    this.counts.spawned += 1;
    this.note('spawned', id, null, `worker ${id} spawned${why}`);

    worker.addEventListener('error', (event) => {
      const e = event as ErrorEvent;
      const where = typeof e.filename === 'string' && e.filename !== '' ? ` (${e.filename}:${e.lineno})` : '';
      const message =
        typeof e.message === 'string' && e.message !== '' ? e.message : 'the worker script failed to load or threw';
      e.preventDefault?.();
      this.onCrash(slot, `uncaught error in worker ${id}: ${message}${where}`);
    });
    worker.addEventListener('messageerror', () => {
      this.onCrash(slot, `worker ${id} sent a message that could not be deserialised`);
    });

    const lockName = `overdrive-pool-${this.poolId}-worker-${id}`;
    const locks =
      typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
    const notify = Comlink.proxy((notice: unknown) => {
      try {
        const parsed = parseNotice(notice);
        this.noteUnhealthy(slot, parsed.reason);
        this.retire(slot, `worker ${id} became unhealthy: ${parsed.reason}`, 'unhealthy', true);
      } catch (error) {
        this.onProtocolError(slot, error);
      }
    });
    slot.ready = slot
      .unlessGone(
        withTimeout(
          api.hello(
            { workerId: id, lockName: locks === undefined ? null : lockName, flushMs: this.options.flushMs },
            notify,
          ),
          this.options.startTimeoutMs,
          `worker ${id} start`,
        ),
      )
      .then((raw) => {
        const hello = parseHello(raw);
        if (hello.lockHeld && locks !== undefined) {
          // Granted only once the worker's own hold on it ends, i.e. when the worker is gone.
          void locks
            .request(lockName, () => this.onCrash(slot, `worker ${id} stopped (it closed itself or its thread died)`))
            .catch(() => {});
        }
        if (slot.state === 'starting') slot.state = 'ready';
      });
    slot.ready.catch((error: unknown) => {
      if (error instanceof WorkerGoneError) return;
      if (error instanceof ProtocolError) this.onProtocolError(slot, error);
      else this.retire(slot, `worker ${id} could not start: ${errorRecord(error).message}`, 'start-failed', false);
    });
    return slot;
  }

  private onCrash(slot: Slot, reason: string): void {
    if (slot.state === 'retired') return;
    // A worker that dies before answering is not replaced at once: if its script cannot load,
    // replacing it would respawn forever. The next trial tries a new one.
    if (slot.state === 'starting')
      this.retire(slot, `worker ${slot.id} could not start: ${reason}`, 'start-failed', false);
    else this.retire(slot, reason, 'crashed', true);
  }

  private onProtocolError(slot: Slot, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.retire(slot, `worker ${slot.id} broke the protocol: ${message}`, 'protocol', true);
  }

  /**
   * Terminates a worker and forgets it. Its running trial, if any, fails with `reason` unless
   * it was already settled (e.g. as cancelled). `replace` spawns a successor at once (healing);
   * otherwise one is spawned when next needed.
   */
  private retire(slot: Slot, reason: string, cause: RetireCause, replace: boolean): void {
    if (slot.state === 'retired') return;
    slot.state = 'retired';
    try {
      slot.worker.terminate();
    } catch {
      // Already gone.
    }
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    this.counts.retired[cause] += 1;
    this.note('retired', slot.id, slot.execution?.request.runId ?? null, `${reason} [${cause}]`);
    const execution = slot.execution;
    if (execution !== null && !execution.settled) {
      if (execution.cancelReason !== null || cause === 'disposed') {
        execution.settle({
          kind: 'canceled',
          reason: `${execution.cancelReason ?? 'canceled'} (worker ended: ${reason})`,
        });
      } else {
        execution.settle({ kind: 'failed', error: { message: `${ERROR_NAMES[cause]}: ${reason}`, stack: null } });
      }
    }
    slot.die(reason);
    if (this.disposed) return;
    if (replace && this.slots.length < this.capacity) {
      const fresh = this.spawn(` to replace worker ${slot.id}`);
      const waiter = this.waiters.shift();
      if (waiter !== undefined) {
        fresh.execution = waiter.execution;
        waiter.resolve(fresh);
      }
    }
    this.serveWaiters();
  }

  private cancel(execution: Execution, reason: string): void {
    if (execution.settled || execution.cancelReason !== null) return;
    execution.cancelReason = reason;
    const slot = this.slotOf(execution);
    if (!execution.dispatched || slot === null) {
      // Not in a worker yet: `drive` stops at its next step and frees the slot.
      execution.settle({ kind: 'canceled', reason });
      return;
    }
    void slot.api.cancel(execution.request.runId, reason).catch(() => {});
    execution.graceTimer = setTimeout(() => {
      if (execution.settled) return;
      const grace = this.options.cancelGraceMs;
      execution.settle({
        kind: 'canceled',
        reason: `${reason} (worker ${slot.id} terminated after ignoring cancellation for ${grace} ms)`,
      });
      this.retire(slot, `run ${execution.request.runId} ignored cancellation for ${grace} ms`, 'cancel-timeout', true);
    }, this.options.cancelGraceMs);
  }

  private slotOf(execution: Execution): Slot | null {
    return this.slots.find((s) => s.execution === execution) ?? null;
  }

  private async drive(slot: Slot, execution: Execution): Promise<void> {
    try {
      if (execution.settled) return;
      await slot.ready;
      if (execution.settled) return;
      const backend = await this.backendFor(execution.request.trial);
      if (execution.settled || slot.state === 'retired') return;
      const request = execution.request;
      const sink = Comlink.proxy((batch: unknown) => this.onBatch(slot, execution, batch));
      const saver = Comlink.proxy((data: unknown) => this.onCheckpoint(slot, execution, data));
      execution.dispatched = true;
      this.watch(slot, execution);
      // Typed unknown on purpose: what comes back is parsed, never trusted.
      const raw = await slot.unlessGone<unknown>(
        slot.api.runTrial(
          {
            sweepId: request.sweepId,
            runId: request.runId,
            params: request.params,
            trial: this.wireTrial(request.trial),
            backend,
            resumeFrom: request.resumeFrom ?? null,
            checkpoints: request.checkpoint !== undefined,
          },
          sink,
          saver,
        ),
      );
      if (execution.settled) return;
      let result: TrialResult;
      try {
        result = parseTrialResult(raw);
      } catch (error) {
        this.onProtocolError(slot, error);
        return;
      }
      this.finish(slot, execution, result);
    } catch (error) {
      if (execution.settled) return;
      if (error instanceof WorkerGoneError) {
        // `retire` settled it already unless the worker vanished some other way.
        execution.settle({ kind: 'failed', error: { message: `WorkerCrashedError: ${error.message}`, stack: null } });
      } else if (error instanceof ProtocolError) {
        this.onProtocolError(slot, error);
      } else {
        // The worker's API itself threw (not the training function: that is a result).
        execution.settle({ kind: 'failed', error: errorRecord(error) });
        this.retire(slot, `worker ${slot.id} failed outside a trial: ${errorRecord(error).message}`, 'crashed', true);
      }
    } finally {
      if (slot.execution === execution) this.release(slot);
    }
  }

  private onBatch(slot: Slot, execution: Execution, batch: unknown): void {
    if (execution.settled || slot.state === 'retired') return;
    execution.lastSign = Date.now();
    let events;
    try {
      events = parseEventBatch(batch);
    } catch (error) {
      this.onProtocolError(slot, error);
      return;
    }
    const out: TrialEvent[] = [];
    for (const event of events) {
      if (event.kind === 'started') {
        slot.backend = event.backend;
        slot.adapter = event.adapter;
        for (const note of event.notes) this.note('backend', slot.id, execution.request.runId, note);
        out.push({ kind: 'started', time: event.time, backend: event.backend });
      } else if (event.kind === 'metric') {
        out.push({ kind: 'metric', name: event.name, value: event.value, time: event.time });
      } else {
        this.note('warning', slot.id, execution.request.runId, event.message);
      }
    }
    execution.deliver(out);
  }

  /** A checkpoint from the worker: checked, then stored by whoever started the trial. */
  private async onCheckpoint(slot: Slot, execution: Execution, raw: unknown): Promise<void> {
    if (execution.settled || slot.state === 'retired')
      throw new Error(`run ${execution.request.runId} has ended; its checkpoint was not stored`);
    let data;
    try {
      data = parseCheckpoint(raw);
    } catch (error) {
      // A malformed checkpoint is the trial's fault (what it passed), not a broken worker.
      throw new Error(errorRecord(error).message);
    }
    const store = execution.request.checkpoint;
    if (store === undefined) throw new Error('run.checkpoint: this sweep stores no checkpoints');
    await store(data);
  }

  /**
   * Pings the worker while its trial runs. A worker blocked in an endless loop cannot answer
   * (its one thread never returns to the event loop) nor report, so silence past `watchdogMs`
   * means hung: the run fails and the worker is replaced.
   */
  private watch(slot: Slot, execution: Execution): void {
    const limit = this.options.watchdogMs;
    execution.lastSign = Date.now();
    execution.watchdog = setInterval(
      () => {
        if (execution.settled || slot.state === 'retired') {
          if (execution.watchdog !== null) clearInterval(execution.watchdog);
          return;
        }
        const silent = Date.now() - execution.lastSign;
        if (silent > limit) {
          const reason = `worker ${slot.id} gave no sign of life for ${Math.round(silent / 1000)} s while running ${execution.request.runId} (an endless loop, or a step that never returns)`;
          execution.settle({ kind: 'failed', error: { message: `WorkerHungError: ${reason}`, stack: null } });
          this.retire(slot, reason, 'hung', true);
          return;
        }
        void slot.api.status().then(
          () => {
            execution.lastSign = Date.now();
          },
          () => {},
        );
      },
      Math.max(50, Math.min(5_000, limit / 4)),
    );
  }

  private finish(slot: Slot, execution: Execution, result: TrialResult): void {
    slot.trials += 1;
    slot.lastHygiene = result.hygiene;
    if (result.kind === 'completed') execution.settle({ kind: 'completed' });
    else if (result.kind === 'canceled') execution.settle({ kind: 'canceled', reason: result.reason });
    else execution.settle({ kind: 'failed', error: result.error });

    if (result.kind === 'failed' && result.unhealthy !== null) {
      this.noteUnhealthy(slot, result.unhealthy);
      this.retire(slot, `worker ${slot.id} became unhealthy: ${result.unhealthy}`, 'unhealthy', true);
      return;
    }
    if (result.kind === 'failed' && OUT_OF_MEMORY.test(result.error.message)) {
      // After an allocation failure the worker's heap may be fragmented or near its limit.
      this.retire(
        slot,
        `worker ${slot.id} ran out of memory in ${execution.request.runId}: ${result.error.message}`,
        'memory',
        true,
      );
      return;
    }
    const hygiene = result.hygiene;
    if (hygiene !== null) {
      slot.firstBaselineTensors ??= hygiene.baselineTensors;
      const growth = hygiene.tensorsAfterCleanup - slot.firstBaselineTensors;
      if (growth > this.options.maxTensorGrowth) {
        this.retire(
          slot,
          `worker ${slot.id} holds ${growth} more tensor(s) than at its first trial after cleanup`,
          'memory',
          false,
        );
        return;
      }
      const gpu = hygiene.memory.gpuBytes;
      // A worker starts holding no GPU memory, so what it holds now is what it grew by.
      if (gpu !== null && gpu > this.options.maxGpuBytesGrowth) {
        this.retire(
          slot,
          `worker ${slot.id} holds ${formatBytes(gpu)} of GPU memory (limit ${formatBytes(this.options.maxGpuBytesGrowth)})`,
          'memory',
          false,
        );
        return;
      }
    }
    if (this.dueForRecycling(slot, slot.trials)) {
      this.retire(slot, `worker ${slot.id} ran ${slot.trials} trials`, 'recycled', false);
    }
  }

  private dueForRecycling(slot: Slot, trials: number): boolean {
    return trials >= this.options.recycleAfterTrials && Date.now() - slot.bornAt >= this.options.recycleMinLifetimeMs;
  }

  private async backendFor(trial: TrialRequest['trial']): Promise<BackendName> {
    if (this.backend !== 'auto') return this.fallbackOf(this.backend);
    const wire = this.wireTrial(trial);
    const key = wire.kind === 'builtin' ? `builtin:${wire.name}` : `module:${wire.url}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = this.calibrate(key, wire);
      this.decisions.set(key, decision);
    }
    return this.fallbackOf(await decision);
  }

  /**
   * A lost WebGPU device tends to be lost again (driver reset, GPU crash, memory pressure):
   * later trials go down the chain rather than fail the same way.
   */
  private noteUnhealthy(slot: Slot, reason: string): void {
    if (!/WebGPU device lost/.test(reason) || slot.backend !== 'webgpu' || this.demoted.has('webgpu')) return;
    this.demoted.add('webgpu');
    this.note(
      'backend',
      slot.id,
      slot.execution?.request.runId ?? null,
      `WebGPU lost its device; later trials start on ${this.fallbackOf('webgpu')}`,
    );
  }

  /** `backend`, or the first one after it in the chain that has not lost its device. */
  private fallbackOf(backend: BackendName): BackendName {
    const start = BACKEND_CHAIN.indexOf(backend);
    return BACKEND_CHAIN.slice(start).find((b) => !this.demoted.has(b)) ?? 'cpu';
  }

  /**
   * Measures each backend on a throwaway worker, so that the backends it tried (and the memory
   * they hold) do not linger in a training worker, and pool workers are not competing for the
   * cores while it measures.
   */
  private async calibrate(key: string, trial: WireTrial): Promise<BackendName> {
    const worker = this.factory();
    this.calibrators.add(worker);
    const api = Comlink.wrap<TrialWorkerApi>(worker);
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        (event as ErrorEvent).preventDefault?.();
        reject(new Error(`the calibration worker crashed: ${(event as ErrorEvent).message ?? 'unknown error'}`));
      });
    });
    crashed.catch(() => {});
    try {
      const measure = async (): Promise<unknown> => {
        parseHello(await api.hello({ workerId: 0, lockName: null, flushMs: this.options.flushMs }));
        return api.calibrate(trial, BACKEND_CHAIN, {
          steps: this.calibrationBudget.steps,
          maxMsPerBackend: this.calibrationBudget.maxMsPerBackend,
        });
      };
      const raw = await withTimeout(
        Promise.race([measure(), crashed]),
        this.calibrationBudget.timeoutMs,
        'calibration',
      );
      const result = parseCalibration(raw);
      const report: CalibrationReport = { ...result, trial: key, failure: null };
      this.reports.push(report);
      this.note('calibrated', null, null, `${key}: ${result.reason}`);
      return result.chosen;
    } catch (error) {
      const failure = errorRecord(error).message;
      const fallback: BackendName = BACKEND_CHAIN[0];
      this.reports.push({
        trial: key,
        workload: 'none',
        candidates: [],
        chosen: fallback,
        reason: `calibration failed (${failure}); using the fallback chain ${BACKEND_CHAIN.join(' → ')}`,
        totalMs: 0,
        failure,
      });
      this.note('warning', null, null, `${key}: calibration failed: ${failure}`);
      return fallback;
    } finally {
      worker.terminate();
      this.calibrators.delete(worker);
    }
  }

  private note(kind: PoolDiagnostic['kind'], workerId: number | null, runId: string | null, message: string): void {
    const entry: PoolDiagnostic = { time: Date.now(), kind, workerId, runId, message };
    this.log.push(entry);
    if (this.log.length > MAX_DIAGNOSTICS) this.log.splice(0, this.log.length - MAX_DIAGNOSTICS);
    for (const subscriber of this.subscribers) {
      try {
        subscriber(entry);
      } catch {
        // Observers cannot break the pool.
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
