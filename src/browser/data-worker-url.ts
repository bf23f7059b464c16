// The app's build (Vite, from source). The library build replaces this module with
// `data-worker-url.lib.ts` (scripts/build-lib.ts), as it does sampler-worker-url.ts.

/** Keep `new Worker(new URL(...))` inline: that is the shape Vite bundles as a worker entry. */
export function spawnDataWorker(name: string): Worker {
  return new Worker(new URL('../data-worker/data-worker.ts', import.meta.url), { type: 'module', name });
}
