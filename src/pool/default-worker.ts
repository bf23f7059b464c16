import type { PoolWorker } from './pool-worker.js';
import { sandboxHost } from './sandbox/sandbox-host.js';

let next = 1;

/**
 * Spawns a trial worker. Kept apart from the pool so that code importing the pool in Node (unit
 * tests with a fake factory) never evaluates `new Worker`. A built app starts a 'sandbox' worker
 * in the sandbox frame (src/pool/sandbox), where user code cannot reach the Studio's storage,
 * locks, channels or page; a 'page' worker (the app's own built-in models, which need WebGPU) is
 * a plain worker of the page's origin. `vite dev` serves the worker as many unbundled modules, which an opaque origin
 * cannot load: there the worker starts directly, unsandboxed. The URL must stay inline in
 * `new Worker(new URL(...))` for Vite to find and bundle the worker.
 */
export function spawnTrialWorker(isolation: 'sandbox' | 'page' = 'sandbox'): PoolWorker {
  const name = `overdrive-trial-${next++}`;
  if (isolation === 'sandbox' && !import.meta.env.DEV) return sandboxHost().spawn(name);
  return new Worker(new URL('../../workers/trial-worker.ts', import.meta.url), { type: 'module', name });
}
