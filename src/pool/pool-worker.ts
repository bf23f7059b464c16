import type * as Comlink from 'comlink';

/**
 * What the pool needs of a worker: a real `Worker`, or a fake one in tests. Declared on its own
 * so that the bundled worker's factory (`assets.ts`) and the pool both depend on it
 * rather than on each other.
 */
export interface PoolWorker extends Comlink.Endpoint {
  terminate(): void;
}

/**
 * The detail of the `exit` event a worker without a Web Lock (a sandboxed one, src/pool/sandbox)
 * dispatches when it is gone: how, since a dead process is judged differently from a worker that
 * closed itself (src/pool/quarantine.ts).
 */
export type WorkerExit =
  /** Its process died (out of memory, or it crashed), with every worker in it. */
  | { readonly kind: 'process-ended'; readonly reason: string }
  /** It closed itself, or its sandbox never started. */
  | { readonly kind: 'ended'; readonly reason: string };

/** The `exit` event's detail; a detail of another shape (a foreign worker) reads as `ended`. */
export function workerExit(event: Event): WorkerExit {
  const detail: unknown = event instanceof CustomEvent ? event.detail : null;
  if (detail !== null && typeof detail === 'object') {
    const { kind, reason } = detail as { kind?: unknown; reason?: unknown };
    const text = typeof reason === 'string' ? reason : 'it ended';
    if (kind === 'process-ended') return { kind, reason: text };
    return { kind: 'ended', reason: text };
  }
  return { kind: 'ended', reason: typeof detail === 'string' ? detail : 'it ended' };
}
