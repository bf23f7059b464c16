/**
 * Overdrive's public entry point: HyperDrive's vocabulary in TypeScript. Everything here is plain
 * TypeScript with no DOM or TF.js import, so it runs in Node and in the browser alike.
 */
export {
  choice,
  randint,
  uniform,
  loguniform,
  normal,
  lognormal,
  quniform,
  qloguniform,
  qnormal,
  qlognormal,
  range,
  createSearchSpace,
  flattenParams,
} from './space/index.js';
export type {
  Expression,
  ParamSet,
  ParamValue,
  Primitive,
  SearchSpace,
  SearchSpaceDefinition,
} from './space/index.js';

export { RandomParameterSampling, GridParameterSampling, BayesianParameterSampling } from './sampling/index.js';
export type { ParameterSampling, Sampler } from './sampling/index.js';

export {
  BanditPolicy,
  MedianStoppingPolicy,
  TruncationSelectionPolicy,
  AshaPolicy,
  HyperbandPolicy,
  NoTerminationPolicy,
} from './policy/index.js';
export type {
  EarlyTerminationPolicy,
  PolicyDecision,
  PolicyEvidence,
  AshaPolicyOptions,
  HyperbandPolicyOptions,
} from './policy/index.js';

export { PrimaryMetricGoal } from './metric/goal.js';
export {
  HyperDriveConfig,
  Workspace,
  Experiment,
  Sweep,
  type HyperDriveConfigOptions,
  type WorkspaceOptions,
  type SweepEvent,
  type RankedRun,
  type PriorSweep,
  type PriorRun,
  type LimitsApplied,
  type LimitsChange,
  type MoreRuns,
  expectLimitsChange,
  expectNote,
} from './experiment/index.js';

export type { Run, TrainFunction, CheckpointData, ResumePoint, SavableModel } from './run-logger/index.js';
export { RunCanceledError } from './run-logger/index.js';
export { InProcessRunner } from './trial-runner/index.js';
export type { TrialRunner, TrialEvent, TrialOutcome } from './trial-runner/index.js';
export { MemoryStore } from './store/memory-store.js';
export type { Store } from './store/store.js';
export type { RunRecord, SweepRecord, RunStatus, SweepStatus, MetricPoint } from './store/records.js';
export { MAX_NOTE_LENGTH, type PauseMode } from './store/records.js';
export { SystemClock, ManualClock, type Clock } from './clock/index.js';
export { SeededRandom, type RandomSource } from './random/index.js';
export { ConfigError, NotImplementedError } from './errors.js';
