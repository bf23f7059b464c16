export { BACKEND_CHAIN, isBackendName, type BackendName, type BackendRequest } from './names.js';
export type {
  AdapterSummary,
  CalibrationReport,
  CalibrationResult,
  CandidateMeasurement,
  PoolSizeReport,
} from './report.js';
