import * as Comlink from 'comlink';
import type { TrialEvent, TrialRequest } from '../../src/trial-runner/runner.js';
import type { WorkerExit } from '../../src/pool/pool-worker.js';
import { WorkerPool, type PoolWorker, type WorkerPoolOptions } from '../../src/pool/worker-pool.js';
import { type EventSink, PROTOCOL_VERSION, type WireTrialRequest, type WorkerNotice } from '../../src/pool/protocol.js';
import { EventPort } from '../../workers/event-port.js';

/**
 * Fake workers for the pool's unit tests: comlink over a MessageChannel, with a scripted API on
 * the far end. What the fake sends is deliberately untyped, as a real worker's messages are.
 */

export interface Script {
  runTrial?: (request: WireTrialRequest, sink: EventSink, worker: FakeWorker) => Promise<unknown>;
  hello?: () => Promise<unknown>;
  calibrate?: () => Promise<unknown>;
}

export class FakeWorker extends EventTarget implements PoolWorker {
  terminated = false;
  readonly cancels: { runId: string; reason: string }[] = [];
  readonly requests: WireTrialRequest[] = [];
  /** The latest trial's event port, as the worker holds it. */
  events: MessagePort | null = null;
  notify: ((notice: WorkerNotice) => unknown) | null = null;
  private readonly port: MessagePort;
  private readonly far: MessagePort;

  constructor(
    readonly id: number,
    script: Script,
  ) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.far = port2;
    const api = {
      hello: async (_init: unknown, notify?: (notice: WorkerNotice) => unknown) => {
        this.notify = notify ?? null;
        return (
          script.hello?.() ?? { protocol: PROTOCOL_VERSION, lockHeld: false, webgpu: false, offscreenCanvas: false }
        );
      },
      // The trial's events go over its own port, as from the real worker (workers/event-port.ts).
      runTrial: (request: WireTrialRequest, events: MessagePort) => {
        this.requests.push(request);
        this.events = events;
        return (script.runTrial ?? completeWith(2))(request, new EventPort(events).send, this);
      },
      cancel: (runId: string, reason: string) => {
        this.cancels.push({ runId, reason });
        this.dispatchEvent(new Event('cancel'));
      },
      status: async () => ({
        workerId: id,
        backend: 'cpu',
        unhealthy: null,
        busy: false,
        trials: 0,
        memory: null,
        adapter: null,
        datasets: [],
      }),
      calibrate: () => script.calibrate?.() ?? Promise.reject(new Error('no calibration scripted')),
    };
    Comlink.expose(api, port2);
    port1.addEventListener('message', (event) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data: (event as MessageEvent).data }));
    });
    port1.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.port.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.far.close();
  }

  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }

  /** Its process died, as the sandbox host reports it (src/pool/sandbox/sandbox-host.ts). */
  processEnded(): void {
    const detail: WorkerExit = {
      kind: 'process-ended',
      reason: "the trial sandbox's process ended (out of memory, or it crashed)",
    };
    this.dispatchEvent(new CustomEvent('exit', { detail }));
  }

  waitForCancel(): Promise<void> {
    return new Promise((resolve) => this.addEventListener('cancel', () => resolve(), { once: true }));
  }
}

export function completeWith(epochs: number): NonNullable<Script['runTrial']> {
  return async (request, sink) => {
    await sink([{ kind: 'started', time: 1, backend: request.backend, notes: [], adapter: null }]);
    for (let i = 0; i < epochs; i++) await sink([{ kind: 'metric', name: 'acc', value: i / 10, time: 2 + i }]);
    return { kind: 'completed', hygiene: null };
  };
}

export const never = <T>(): Promise<T> => new Promise<T>(() => {});
export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (polled each 2 ms, up to 5 s): a fixed tick raced a loaded machine. */
export async function until(condition: () => boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

const pools: WorkerPool[] = [];
/** Disposes every pool `makePool` made; a test file calls it after each test. */
export async function disposePools(): Promise<void> {
  for (const pool of pools.splice(0)) await pool.dispose();
}

export async function makePool(
  scripts: Script | ((index: number) => Script),
  options: Partial<WorkerPoolOptions> = {},
) {
  const workers: FakeWorker[] = [];
  const pool = await WorkerPool.create({
    size: 2,
    backend: 'cpu',
    hardwareConcurrency: 4,
    workerFactory: () => {
      const index = workers.length;
      const worker = new FakeWorker(index + 1, typeof scripts === 'function' ? scripts(index) : scripts);
      workers.push(worker);
      return worker;
    },
    ...options,
  });
  pools.push(pool);
  return { pool, workers };
}

let runCounter = 0;
export function request(overrides: Partial<TrialRequest> = {}): TrialRequest {
  runCounter += 1;
  return {
    sweepId: 'HD_1',
    runId: `HD_1_${runCounter}`,
    params: { lr: 0.1 },
    trial: { kind: 'builtin', name: 'spiral' },
    ...overrides,
  };
}

export function collect(): { events: TrialEvent[]; batches: number; listener: (batch: readonly TrialEvent[]) => void } {
  const state = {
    events: [] as TrialEvent[],
    batches: 0,
    listener: (batch: readonly TrialEvent[]) => {
      state.batches += 1;
      state.events.push(...batch);
    },
  };
  return state;
}
