import type * as Comlink from 'comlink';
import type { BackendName } from '../backend/names.js';
import type { AdapterSummary } from '../backend/report.js';
import type { Execution } from './execution.js';
import type { PoolWorker } from './pool-worker.js';
import type { HygieneReport, TrialWorkerApi } from './protocol.js';

/** The worker is gone; `reason` says how. */
export class WorkerGoneError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/** One worker and what the pool knows of it. */
export class Slot {
  state: 'starting' | 'ready' | 'retired' = 'starting';
  /** The trial this worker is assigned to, from the moment it is chosen until it is free. */
  execution: Execution | null = null;
  trials = 0;
  readonly bornAt = Date.now();
  backend: BackendName | null = null;
  adapter: AdapterSummary | null = null;
  lastHygiene: HygieneReport | null = null;
  firstBaselineTensors: number | null = null;
  /** Spawned to run one suspect trial alone in the sandbox (src/pool/quarantine.ts); closed after it. */
  isolated = false;
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
