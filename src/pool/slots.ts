import * as Comlink from 'comlink';
import type { BackendName } from '../backend/names.js';
import type { AdapterSummary } from '../backend/report.js';
import { toErrorRecord } from '../error-record.js';
import type { Diagnostics, RetireCause } from './diagnostics.js';
import type { Execution } from './execution.js';
import type { PoolSettings } from './options.js';
import { type PoolWorker, workerExit } from './pool-worker.js';
import {
  ProtocolError,
  parseHello,
  parseNotice,
  parseStatus,
  type HygieneReport,
  type TrialWorkerApi,
  type WorkerStatus,
} from './protocol.js';
import { Quarantine } from './quarantine.js';
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
  'process-ended': 'TrialProcessCrashedError',
  quarantine: 'WorkerRetiredError',
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
  /** Suspects of a dead sandbox process, each waiting to run alone (src/pool/quarantine.ts). */
  private readonly isolatedWaiters: { execution: Execution; resolve: (slot: Slot) => void }[] = [];
  private readonly quarantine: Quarantine;
  private clearing = false;
  /** Names this pool's Web Locks apart from other pools' in the same origin. */
  private readonly poolId =
    `${Date.now().toString(36)}-${(poolCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  private nextWorkerId = 1;
  private isDisposed = false;

  /** Workers it may hold; starts at `deps.capacity`, changed by `setCapacity`. */
  private capacity: number;

  constructor(private readonly deps: SlotsDeps) {
    this.capacity = deps.capacity;
    this.quarantine = new Quarantine(deps.settings.maxCrashRetries);
  }

  /**
   * While a suspect waits to run alone or runs alone, nothing else runs in the sandbox: idle
   * workers are closed, busy ones finish their trials, and other trials wait.
   */
  private get isolating(): boolean {
    return this.isolatedWaiters.length > 0 || this.slots.some((s) => s.isolated);
  }

  /** Gives a worker to a trial, noting whether the trial now shares the sandbox with another worker. */
  private assign(slot: Slot, execution: Execution): void {
    slot.execution = execution;
    if (this.slots.length > 1) execution.shared = true;
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
    for (const waiter of [...this.isolatedWaiters.splice(0), ...this.waiters.splice(0)])
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
    // A suspect that ends any other way than with a dead process is one no longer.
    void execution.outcome.then((outcome) => {
      if (outcome.kind !== 'lost') this.quarantine.clear(execution.request.runId);
    });
    if (this.quarantine.isSuspect(execution.request.runId)) {
      return new Promise((resolve) => {
        this.isolatedWaiters.push({ execution, resolve });
        this.isolateNext();
      });
    }
    if (this.isolating) return new Promise((resolve) => this.waiters.push({ execution, resolve }));
    const free = this.slots.filter((s) => s.execution === null && s.state !== 'retired');
    const slot =
      free.find((s) => s.state === 'ready') ??
      free[0] ??
      (this.slots.length < this.capacity ? this.spawn() : undefined);
    if (slot !== undefined) {
      // Assigned now, not when the trial is driven: two starts in one turn must not share a
      // worker, and a worker dying in between must take this trial down with it.
      this.assign(slot, execution);
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
    if (slot.isolated || this.isolatedWaiters.length > 0) {
      // A suspect's sandbox is not reused (the next suspect gets a fresh one), and a worker freed
      // while suspects wait makes room for them.
      this.retire(
        slot,
        slot.isolated
          ? `worker ${slot.id} ran a trial alone and is closed`
          : `worker ${slot.id} is closed so that a trial can run alone in the sandbox`,
        'quarantine',
        false,
      );
      return;
    }
    if (this.waiters.length === 0 && this.slots.length > this.capacity) {
      this.retire(slot, `the pool shrank to ${this.capacity} worker(s)`, 'shrunk', false);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.assign(slot, waiter.execution);
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
      } else if (cause === 'process-ended') {
        const runId = execution.request.runId;
        // A trial that never reached its worker ran none of its code: it cannot be the one.
        const verdict = this.quarantine.decide({
          runId,
          position: !execution.dispatched ? 'not-started' : execution.shared ? 'beside-others' : 'alone',
          reason,
        });
        this.deps.diagnostics.note('warning', slot.id, runId, verdict.reason);
        execution.settle(
          verdict.kind === 'retry-alone'
            ? { kind: 'lost', reason: verdict.reason }
            : { kind: 'failed', error: { message: verdict.reason, stack: null } },
        );
      } else {
        execution.settle({ kind: 'failed', error: { message: `${ERROR_NAMES[cause]}: ${reason}`, stack: null } });
      }
    }
    slot.die(reason);
    if (this.isDisposed) return;
    // No replacement while a suspect is lost or waits: it is to have the sandbox to itself.
    if (
      replace &&
      this.slots.length < this.capacity &&
      !this.isolating &&
      !this.quarantine.isSuspect(execution?.request.runId ?? '')
    ) {
      const fresh = this.spawn(` to replace worker ${slot.id}`);
      const waiter = this.waiters.shift();
      if (waiter !== undefined) {
        this.assign(fresh, waiter.execution);
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
    if (this.isDisposed || slot.isolated || !dueForRecycling(slot, slot.trials + 1, this.deps.settings)) return;
    if (this.slots.some((s) => s !== slot && s.execution === null && s.state !== 'retired')) return;
    this.spawn(` ahead of recycling worker ${slot.id}`);
  }

  private serveWaiters(): void {
    if (this.isolating) {
      this.isolateNext();
      return;
    }
    while (this.waiters.length > 0 && this.slots.length < this.capacity && !this.isDisposed) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      const slot = this.spawn();
      this.assign(slot, waiter.execution);
      waiter.resolve(slot);
    }
  }

  /**
   * Runs the next suspect alone once nothing else lives in the sandbox: idle workers are closed
   * now, busy ones when their trials end (`release`). Each suspect gets a fresh worker (a fresh
   * frame, so a fresh process once the dead one is gone), closed after its trial.
   */
  private isolateNext(): void {
    if (this.isDisposed || this.isolatedWaiters.length === 0 || this.clearing) return;
    // Closing a worker serves waiters, which comes back here: the flag keeps that from nesting.
    this.clearing = true;
    try {
      for (const idle of this.slots.filter((s) => s.execution === null && s.state !== 'retired')) {
        this.retire(
          idle,
          `worker ${idle.id} is closed so that a trial can run alone in the sandbox`,
          'quarantine',
          false,
        );
      }
    } finally {
      this.clearing = false;
    }
    if (this.slots.length > 0) return;
    const waiter = this.isolatedWaiters.shift();
    if (waiter === undefined) return;
    const slot = this.spawn(` to re-run ${waiter.execution.request.runId} alone`);
    slot.isolated = true;
    this.assign(slot, waiter.execution);
    waiter.resolve(slot);
  }

  private spawn(why = ''): Slot {
    const { diagnostics, settings } = this.deps;
    const id = this.nextWorkerId++;
    const worker = this.deps.factory();
    const api = Comlink.wrap<TrialWorkerApi>(worker);
    const slot = new Slot(id, worker, api);
    this.slots.push(slot);
    for (const other of this.slots) if (other.execution !== null) other.execution.shared = true;
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
      const exit = workerExit(event);
      const reason = `worker ${id} stopped (${exit.reason})`;
      if (exit.kind === 'process-ended' && slot.execution !== null && slot.state !== 'retired') {
        // Its process died with whatever ran in it: quarantine judges its trial (see `retire`).
        this.retire(slot, reason, 'process-ended', true);
      } else this.onCrash(slot, reason);
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
