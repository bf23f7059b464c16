import * as Comlink from 'comlink';
import type { BackendName } from '../backend/names.js';
import type { AdapterSummary } from '../backend/report.js';
import { toErrorRecord } from '../error-record.js';
import type { Diagnostics, RetireCause } from './diagnostics.js';
import type { Execution } from './execution.js';
import type { PoolSettings } from './options.js';
import type { PoolWorker } from './pool-worker.js';
import {
  ProtocolError,
  parseHello,
  parseNotice,
  parseStatus,
  type HygieneReport,
  type TrialWorkerApi,
  type WorkerStatus,
} from './protocol.js';
import { dueForRecycling } from './recycling.js';
import { Slot, WorkerGoneError } from './slot.js';
import { withTimeout } from './with-timeout.js';

/**
 * The pool's workers: spawning them, handing each to one trial at a time, and retiring them
 * (crashed, hung, recycled, disposed). A retired worker's running trial ends with it.
 */

export interface PoolWorkerInfo {
  readonly id: number;
  readonly state: 'starting' | 'ready' | 'retired';
  readonly busyWith: string | null;
  readonly trials: number;
  readonly backend: BackendName | null;
  readonly adapter: AdapterSummary | null;
  readonly lastHygiene: HygieneReport | null;
}

/** The error name a trial fails with when its worker is retired for each cause. */
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
  shrunk: 'WorkerRetiredError',
};

export interface SlotsDeps {
  readonly factory: () => PoolWorker;
  readonly settings: PoolSettings;
  readonly capacity: number;
  readonly diagnostics: Diagnostics;
  /** Told before a worker that reported itself unhealthy is retired (e.g. to demote its backend). */
  readonly onUnhealthy: (slot: Slot, reason: string) => void;
}

let poolCounter = 0;

export class Slots {
  private readonly slots: Slot[] = [];
  private readonly waiters: { execution: Execution; resolve: (slot: Slot) => void }[] = [];
  /** Names this pool's Web Locks apart from other pools' in the same origin. */
  private readonly poolId =
    `${Date.now().toString(36)}-${(poolCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  private nextWorkerId = 1;
  private isDisposed = false;

  /** Workers it may hold; starts at `deps.capacity`, changed by `setCapacity`. */
  private capacity: number;

  constructor(private readonly deps: SlotsDeps) {
    this.capacity = deps.capacity;
  }

  /**
   * Grows or shrinks the pool. Growing serves waiting trials at once; shrinking retires idle
   * workers now and busy ones when their trial ends (a running trial is never cut short by it).
   */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.serveWaiters();
    for (const slot of this.slots.filter((s) => s.execution === null && s.state !== 'retired')) {
      if (this.slots.length <= capacity) break;
      this.retire(slot, `the pool shrank to ${capacity} worker(s)`, 'shrunk', false);
    }
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  get live(): number {
    return this.slots.length;
  }

  /** Retires every worker and cancels the trials still waiting for one. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const slot of [...this.slots]) this.retire(slot, 'the pool was disposed', 'disposed', false);
    for (const waiter of this.waiters.splice(0))
      waiter.execution.settle({ kind: 'canceled', reason: 'the worker pool was disposed' });
  }

  info(): readonly PoolWorkerInfo[] {
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

  /** Asks every started worker for its state; workers that do not answer in time are left out. */
  async statuses(timeoutMs: number): Promise<WorkerStatus[]> {
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

  slotOf(execution: Execution): Slot | null {
    return this.slots.find((s) => s.execution === execution) ?? null;
  }

  acquire(execution: Execution): Promise<Slot> {
    const free = this.slots.filter((s) => s.execution === null && s.state !== 'retired');
    const slot =
      free.find((s) => s.state === 'ready') ??
      free[0] ??
      (this.slots.length < this.capacity ? this.spawn() : undefined);
    if (slot !== undefined) {
      // Assigned now, not when the trial is driven: two starts in one turn must not share a
      // worker, and a worker dying in between must take this trial down with it.
      slot.execution = execution;
      this.prepareSuccessor(slot);
      return Promise.resolve(slot);
    }
    // Only reached while a cancelled trial's worker is still winding down: the orchestrator
    // never starts more than `capacity` trials, so this wait is brief.
    return new Promise((resolve) => this.waiters.push({ execution, resolve }));
  }

  release(slot: Slot): void {
    slot.execution = null;
    if (slot.state === 'retired') return;
    if (this.waiters.length === 0 && this.slots.length > this.capacity) {
      this.retire(slot, `the pool shrank to ${this.capacity} worker(s)`, 'shrunk', false);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      slot.execution = waiter.execution;
      waiter.resolve(slot);
    }
  }

  /**
   * Terminates a worker and forgets it. Its running trial, if any, fails with `reason` unless
   * it was already settled (e.g. as cancelled). `replace` spawns a successor at once (healing);
   * otherwise one is spawned when next needed.
   */
  retire(slot: Slot, reason: string, cause: RetireCause, replace: boolean): void {
    if (slot.state === 'retired') return;
    slot.state = 'retired';
    try {
      slot.worker.terminate();
    } catch {
      // Already gone.
    }
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    this.deps.diagnostics.counts.retired[cause] += 1;
    this.deps.diagnostics.note('retired', slot.id, slot.execution?.request.runId ?? null, `${reason} [${cause}]`);
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
    if (this.isDisposed) return;
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

  protocolError(slot: Slot, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.retire(slot, `worker ${slot.id} broke the protocol: ${message}`, 'protocol', true);
  }

  /**
   * A worker starting its last trial before recycling gets its successor spawned now, so the
   * successor loads TF.js and its backend while that trial trains, and the next trial does not
   * wait for a cold start (measured: recycling every 20 trials otherwise cost ~19 ms per trial of
   * a short sweep). The extra worker is idle until then: the orchestrator never starts more than
   * `capacity` trials at once.
   */
  private prepareSuccessor(slot: Slot): void {
    if (this.isDisposed || !dueForRecycling(slot, slot.trials + 1, this.deps.settings)) return;
    if (this.slots.some((s) => s !== slot && s.execution === null && s.state !== 'retired')) return;
    this.spawn(` ahead of recycling worker ${slot.id}`);
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.slots.length < this.capacity && !this.isDisposed) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      const slot = this.spawn();
      slot.execution = waiter.execution;
      waiter.resolve(slot);
    }
  }

  private spawn(why = ''): Slot {
    const { diagnostics, settings } = this.deps;
    const id = this.nextWorkerId++;
    const worker = this.deps.factory();
    const api = Comlink.wrap<TrialWorkerApi>(worker);
    const slot = new Slot(id, worker, api);
    this.slots.push(slot);
    diagnostics.counts.spawned += 1;
    diagnostics.note('spawned', id, null, `worker ${id} spawned${why}`);

    worker.addEventListener('error', (event) => {
      const e = event as ErrorEvent;
      const where = typeof e.filename === 'string' && e.filename !== '' ? ` (${e.filename}:${e.lineno})` : '';
      const message =
        typeof e.message === 'string' && e.message !== '' ? e.message : 'the worker script failed to load or threw';
      e.preventDefault?.();
      this.onCrash(slot, `uncaught error in worker ${id}: ${message}${where}`);
    });
    // A sandboxed worker (src/pool/sandbox) has no Web Lock to show that it died: it says so itself.
    worker.addEventListener('exit', (event) => {
      const reason = event instanceof CustomEvent && typeof event.detail === 'string' ? event.detail : 'it ended';
      this.onCrash(slot, `worker ${id} stopped (${reason})`);
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
        this.deps.onUnhealthy(slot, parsed.reason);
        this.retire(slot, `worker ${id} became unhealthy: ${parsed.reason}`, 'unhealthy', true);
      } catch (error) {
        this.protocolError(slot, error);
      }
    });
    slot.ready = slot
      .unlessGone(
        withTimeout(
          api.hello(
            {
              workerId: id,
              lockName: locks === undefined ? null : lockName,
              flushMs: settings.flushMs,
              assets: settings.assets,
            },
            notify,
          ),
          settings.startTimeoutMs,
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
      if (error instanceof ProtocolError) this.protocolError(slot, error);
      else this.retire(slot, `worker ${id} could not start: ${toErrorRecord(error).message}`, 'start-failed', false);
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
}
