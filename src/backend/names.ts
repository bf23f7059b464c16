/**
 * The TF.js backends by name. They live outside the pool because the stored sweep record and
 * the export document name them too, and the store must not depend on the worker pool.
 */

/** TF.js backends a worker can train on, in the order a worker falls back through them. */
export const BACKEND_CHAIN = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_CHAIN)[number];
/** What a pool is asked for: one backend (the start of the fallback chain), or measure. */
export type BackendRequest = BackendName | 'auto';

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_CHAIN as readonly string[]).includes(value);
}
