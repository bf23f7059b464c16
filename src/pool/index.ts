export {
  WorkerPool,
  type WorkerPoolOptions,
  type PoolWorker,
  type PoolDiagnostic,
  type PoolStats,
  type PoolWorkerInfo,
  type RetireCause,
} from './worker-pool.js';
export type { CalibrationCache } from './options.js';
export { poolSize, MAX_POOL_SIZE, MAX_GPU_WORKERS, type PoolSizeReport } from './device-limits.js';
export {
  BACKEND_CHAIN,
  PROTOCOL_VERSION,
  ProtocolError,
  type BackendName,
  type BackendRequest,
  type CalibrationReport,
  type CalibrationResult,
  type CandidateMeasurement,
  type HygieneReport,
  type MemorySnapshot,
  type TrialWorkerApi,
  type WorkerEvent,
  type WorkerStatus,
} from './protocol.js';
