import type { BackendRequest } from '../backend/names.js';
import type { PoolSizeReport } from '../backend/report.js';

// Declared with the stored backend report; re-exported because the pool computes it.
export type { PoolSizeReport };

/** Never more workers than this, whatever the device claims: each holds its own TF.js. */
export const MAX_POOL_SIZE = 32;
/**
 * Workers on a GPU backend each open their own device/context on the one GPU, which then
 * time-slices between them: beyond a few, more workers only add memory pressure.
 */
export const MAX_GPU_WORKERS = 4;
/** Assumed when the browser does not say (navigator.hardwareConcurrency is missing). */
export const FALLBACK_CORES = 2;

/**
 * The pool size for a request: one worker per logical core (each trains on one thread), and
 * for GPU backends (or 'auto', which may pick one) at most `MAX_GPU_WORKERS`.
 */
export function poolSize(
  requested: number,
  backend: BackendRequest,
  hardwareConcurrency: number | undefined,
): PoolSizeReport {
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(`pool size must be a positive integer (got ${String(requested)})`);
  }
  const known = hardwareConcurrency !== undefined && Number.isInteger(hardwareConcurrency) && hardwareConcurrency >= 1;
  const cores = known ? hardwareConcurrency : FALLBACK_CORES;
  const coreText = known ? `navigator.hardwareConcurrency is ${cores}` : `the core count is unknown (assumed ${cores})`;
  const gpu = backend === 'webgpu' || backend === 'webgl' || backend === 'auto';
  const reasons: { limit: number; text: string }[] = [
    { limit: cores, text: `${coreText}: one worker per core` },
    { limit: MAX_POOL_SIZE, text: `the pool never exceeds ${MAX_POOL_SIZE} workers` },
  ];
  if (gpu) {
    reasons.push({
      limit: MAX_GPU_WORKERS,
      text: `backend '${backend}' shares one GPU: at most ${MAX_GPU_WORKERS} workers`,
    });
  }
  const deviceLimit = Math.min(...reasons.map((r) => r.limit));
  const size = Math.min(requested, deviceLimit);
  const binding = reasons.filter((r) => r.limit === deviceLimit).map((r) => r.text);
  return {
    requested,
    size,
    deviceLimit,
    clampedBecause:
      size < requested
        ? `requested ${requested} workers, this device holds ${deviceLimit}: ${binding.join('; ')}`
        : null,
  };
}
