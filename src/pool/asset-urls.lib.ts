import type { PoolWorker } from './pool-worker.js';

// The npm package's build of `asset-urls.ts` (scripts/build-lib.ts swaps it in). The paths are
// relative to the package's `lib/`, where every entry point's chunks are written: written as
// new-URL-relative-to-import.meta.url literals so that a consumer's bundler (Vite, webpack 5,
// Rollup) copies the files and rewrites the URLs, and a page with no bundler finds them next to
// `lib/`. Keep the `new Worker(new URL(...), { type: 'module' })` inline: that is the shape the
// bundlers recognise as a worker entry.

export function spawnPackagedWorker(name: string): PoolWorker {
  return new Worker(new URL('./workers/trial-worker.js', import.meta.url), { type: 'module', name });
}

/**
 * The package has no sandbox frame (it needs the app's build of the frame page and the worker
 * bundle as one file, and the CSP that allows them): its workers are plain workers of the
 * page's origin, like `isolation: 'page'`. The README's security section says so.
 */
export function spawnSandboxedWorker(name: string): PoolWorker {
  return spawnPackagedWorker(name);
}

export function packagedDigitsUrl(): string {
  return new URL('./datasets/digits.csv', import.meta.url).href;
}
