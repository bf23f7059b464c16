import type { PoolWorker } from './pool-worker.js';
import { sandboxHost } from './sandbox/sandbox-host.js';

let next = 1;

/**
 * Spawns a trial worker. Kept apart from the pool so that code importing the pool in Node (unit
 * tests with a fake factory) never evaluates `new Worker`. A built app starts every worker in
 * the sandbox frame (src/pool/sandbox), where user code cannot reach the Studio's storage, locks,
 * channels or page. `vite dev` serves the worker as many unbundled modules, which an opaque origin
 * cannot load: there the worker starts directly, unsandboxed. The URL must stay inline in
 * `new Worker(new URL(...))` for Vite to find and bundle the worker.
 */
export function spawnTrialWorker(): PoolWorker {
  const name = `overdrive-trial-${next++}`;
  if (!import.meta.env.DEV) return sandboxHost().spawn(name);
  return new Worker(new URL('../../workers/trial-worker.ts', import.meta.url), { type: 'module', name });
}
