// The app's build (Vite, from source). The library build replaces this module with
// `sampler-worker-url.lib.ts` (scripts/build-lib.ts), as it does src/pool/asset-urls.ts.

/** Keep `new Worker(new URL(...))` inline: that is the shape Vite bundles as a worker entry. */
export function spawnSamplerWorker(name: string): Worker {
  return new Worker(new URL('../sampler-worker/sampler-worker.ts', import.meta.url), { type: 'module', name });
}
