import type { PoolSettings } from './options.js';
import type { TrialResult } from './protocol.js';

/**
 * When a worker is kept for another trial and when it is replaced. A worker is long-lived (its
 * TF.js, backend and datasets are costly to start) but runs user code, so after each trial the
 * pool checks what that trial left behind.
 */

export type RecyclingLimits = Pick<
  PoolSettings,
  'recycleAfterTrials' | 'recycleMinLifetimeMs' | 'maxTensorGrowth' | 'maxGpuBytesGrowth'
>;

/** How engines word a failed allocation: V8's RangeError, TF.js's backends, WebGPU's. */
const OUT_OF_MEMORY =
  /allocation failed|out of memory|OutOfMemory|Invalid typed array length|Invalid array buffer length|Array buffer allocation/i;

/** What the rules need to know of a worker. */
export interface WorkerHistory {
  readonly id: number;
  readonly bornAt: number;
  /** Trials it has run, the one just ended included. */
  readonly trials: number;
  /** Tensors it held before its first trial that reported them: the yardstick for leaks. */
  firstBaselineTensors: number | null;
}

/** A decision to end a worker, with the words the pool logs and fails a running trial with. */
export interface Retirement {
  readonly reason: string;
  readonly cause: 'unhealthy' | 'memory' | 'recycled';
  /** Spawn a successor at once (the worker broke), rather than when one is next needed. */
  readonly replace: boolean;
}

/** Whether a worker that will have run `trials` trials is old enough, in trials and time, to replace. */
export function dueForRecycling(
  worker: Pick<WorkerHistory, 'bornAt'>,
  trials: number,
  limits: RecyclingLimits,
): boolean {
  return trials >= limits.recycleAfterTrials && Date.now() - worker.bornAt >= limits.recycleMinLifetimeMs;
}

/**
 * Whether the worker that just returned `result` for `runId` must go, and why; null keeps it.
 * Records the worker's first tensor baseline when this is the first trial to report one.
 */
export function retirementAfter(
  worker: WorkerHistory,
  result: TrialResult,
  runId: string,
  limits: RecyclingLimits,
): Retirement | null {
  if (result.kind === 'failed' && result.unhealthy !== null) {
    return { reason: `worker ${worker.id} became unhealthy: ${result.unhealthy}`, cause: 'unhealthy', replace: true };
  }
  if (result.kind === 'failed' && OUT_OF_MEMORY.test(result.error.message)) {
    // After an allocation failure the worker's heap may be fragmented or near its limit.
    return {
      reason: `worker ${worker.id} ran out of memory in ${runId}: ${result.error.message}`,
      cause: 'memory',
      replace: true,
    };
  }
  const hygiene = result.hygiene;
  if (hygiene !== null) {
    worker.firstBaselineTensors ??= hygiene.baselineTensors;
    const growth = hygiene.tensorsAfterCleanup - worker.firstBaselineTensors;
    if (growth > limits.maxTensorGrowth) {
      return {
        reason: `worker ${worker.id} holds ${growth} more tensor(s) than at its first trial after cleanup`,
        cause: 'memory',
        replace: false,
      };
    }
    const gpu = hygiene.memory.gpuBytes;
    // A worker starts holding no GPU memory, so what it holds now is what it grew by.
    if (gpu !== null && gpu > limits.maxGpuBytesGrowth) {
      return {
        reason: `worker ${worker.id} holds ${formatBytes(gpu)} of GPU memory (limit ${formatBytes(limits.maxGpuBytesGrowth)})`,
        cause: 'memory',
        replace: false,
      };
    }
  }
  if (dueForRecycling(worker, worker.trials, limits)) {
    return { reason: `worker ${worker.id} ran ${worker.trials} trials`, cause: 'recycled', replace: false };
  }
  return null;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
