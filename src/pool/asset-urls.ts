import type { PoolWorker } from './pool-worker.js';
import { sandboxHost } from './sandbox/sandbox-host.js';

// The app's build (Vite, from source). The library build replaces this module with
// `asset-urls.lib.ts` (see scripts/build-lib.ts); both export the same two functions.

/** The URL must stay inline in `new Worker(new URL(...))` for Vite to find and bundle the worker. */
export function spawnPackagedWorker(name: string): PoolWorker {
  return new Worker(new URL('../../workers/trial-worker.ts', import.meta.url), { type: 'module', name });
}

/**
 * A worker in the sandbox frame. `vite dev` serves the worker as many unbundled modules, which an
 * opaque origin cannot load: there the worker starts directly, unsandboxed.
 */
export function spawnSandboxedWorker(name: string): PoolWorker {
  if (import.meta.env?.DEV === true) return spawnPackagedWorker(name);
  return sandboxHost().spawn(name);
}

/** The app serves the shipped CSV from `public/datasets/` under its base path. */
export function packagedDigitsUrl(): string {
  const base = typeof location === 'undefined' ? 'http://localhost/' : location.href;
  // Vite defines import.meta.env; plain Node (tsx scripts, the benchmarks) does not.
  return new URL(`${import.meta.env?.BASE_URL ?? '/'}datasets/digits.csv`, base).href;
}
