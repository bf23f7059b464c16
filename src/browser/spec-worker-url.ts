// The app's build (Vite, from source). Only the Studio starts the spec worker; the npm package's
// entry points do not reach this module.

/** Keep `new Worker(new URL(...))` inline: that is the shape Vite bundles as a worker entry. */
export function spawnSpecWorker(name: string): Worker {
  return new Worker(new URL('../spec-worker/spec-worker.ts', import.meta.url), { type: 'module', name });
}
