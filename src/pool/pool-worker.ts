import type * as Comlink from 'comlink';

/**
 * What the pool needs of a worker: a real `Worker`, or a fake one in tests. Declared on its own
 * so that the bundled worker's factory (`assets.ts`) and the pool both depend on it
 * rather than on each other.
 */
export interface PoolWorker extends Comlink.Endpoint {
  terminate(): void;
}
