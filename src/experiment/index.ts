export {
  HyperDriveConfig,
  DEFAULT_MAX_DURATION_MINUTES,
  MAX_CONCURRENT_RUNS_LIMIT,
  MAX_TOTAL_RUNS_LIMIT,
  type HyperDriveConfigOptions,
} from './config.js';
export { Workspace, type WorkspaceOptions } from './workspace.js';
export { Experiment } from './experiment.js';
export { Sweep } from './sweep.js';
export { Orchestrator, type OrchestratorDeps } from './orchestrator.js';
export type { SweepEvent } from './events.js';
export type { RestoredSweep } from './restore.js';
export {
  bestRun,
  sortedRuns,
  metricsByRun,
  type RankedRun,
  type BestRunOptions,
  type SortedChildrenOptions,
} from './run-queries.js';
export { policyShortName, runStatusText, terminationText } from './termination-text.js';
export { configFromRecord } from './config-from-record.js';
export { priorRunOf, priorSweepOf, historyAtCheckpoint, type PriorRun, type PriorSweep } from './prior.js';
export { loadConfigPriors, loadPriorRuns, loadPriorSweep } from './prior-loader.js';
export { MAX_RESUME_SOURCES } from './resume-rules.js';
export {
  expectLimitsChange,
  expectNote,
  type LimitsApplied,
  type LimitsChange,
  type MoreRuns,
} from './steering.js';
