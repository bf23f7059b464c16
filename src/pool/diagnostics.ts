/**
 * What the pool tells an observer about itself: a bounded log of notes (spawns, retirements,
 * warnings, backend decisions), live subscriptions to it, and running counts.
 */

export type RetireCause =
  | 'crashed'
  | 'hung'
  | 'cancel-timeout'
  | 'recycled'
  | 'memory'
  | 'protocol'
  | 'unhealthy'
  | 'start-failed'
  | 'disposed'
  /** The sweep's concurrency was lowered while it ran: a worker no longer needed. */
  | 'shrunk'
  /** Its sandbox process died (out of memory, or it crashed): src/pool/quarantine.ts decides its trial. */
  | 'process-ended'
  /** Closed so that a trial can run alone in the sandbox, or after it did (src/pool/quarantine.ts). */
  | 'quarantine';

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

/** Writes one note; the pool's parts are given this rather than the whole `Diagnostics`. */
export type Note = (
  kind: PoolDiagnostic['kind'],
  workerId: number | null,
  runId: string | null,
  message: string,
) => void;

const MAX_DIAGNOSTICS = 500;

export class Diagnostics {
  readonly counts = {
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
      shrunk: 0,
      'process-ended': 0,
      quarantine: 0,
    } satisfies Record<RetireCause, number>,
  };
  private readonly log: PoolDiagnostic[] = [];
  private readonly subscribers = new Set<(entry: PoolDiagnostic) => void>();

  readonly note: Note = (kind, workerId, runId, message) => {
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
  };

  entries(): readonly PoolDiagnostic[] {
    return [...this.log];
  }

  subscribe(listener: (entry: PoolDiagnostic) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  stats(live: number): PoolStats {
    return {
      spawned: this.counts.spawned,
      live,
      retired: { ...this.counts.retired },
      trialsStarted: this.counts.trialsStarted,
      trialsEnded: this.counts.trialsEnded,
    };
  }
}
