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
  const appBase = import.meta.env?.BASE_URL ?? '/';
  if (!appBase.startsWith('.')) return new URL(`${appBase}datasets/digits.csv`, base).href;
  // A relative base (the build, servable from any folder): the page's address says nothing of the
  // app's root (the headless page sits two folders down), but every built chunk, this one
  // included, sits in the root's assets/ folder (as in src/datasets/digits.ts). A variable, so
  // that Vite leaves the URL to run time instead of looking for it as an asset.
  const fromChunk = '../datasets/digits.csv';
  return new URL(fromChunk, import.meta.url).href;
}
