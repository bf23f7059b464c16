import type { PoolWorker } from './pool-worker.js';

let next = 1;

/**
 * Spawns the bundled trial worker. Kept apart from the pool so that code importing the pool in
 * Node (unit tests with a fake factory) never evaluates `new Worker`. The URL must stay inline
 * in `new Worker(new URL(...))` for Vite to find and bundle the worker.
 */
export function spawnTrialWorker(): PoolWorker {
  return new Worker(new URL('../../workers/trial-worker.ts', import.meta.url), {
    type: 'module',
    name: `overdrive-trial-${next++}`,
  });
}
