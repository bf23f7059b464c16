export type { Run, TrainFunction } from './run.js';
export { RunCanceledError } from './run.js';
export { createRunContext, type RunContextOptions, type VerdictChannel } from './run-context.js';
export {
  CONTINUE,
  isEvaluationPoint,
  type Verdict,
  type VerdictPlan,
  type VerdictPoints,
} from './verdicts.js';
export {
  CHECKPOINT_LIMITS,
  MODEL_JSON,
  MODEL_WEIGHTS,
  checkArtifacts,
  checkpointState,
  decodeModelArtifacts,
  encodeModelArtifacts,
  serializeModel,
  withoutOptimizer,
  type CheckpointData,
  type JsonValue,
  type ModelArtifactsData,
  type ResumePoint,
  type SavableModel,
  type WeightSpec,
} from './checkpoint.js';
