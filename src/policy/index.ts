export type {
  EarlyTerminationPolicy,
  EvaluationPoints,
  PolicyDecision,
  PolicyEvidence,
  PolicyKinds,
  PolicyInput,
  PolicyKind,
  PolicyRecord,
  RunHistory,
} from './policy.js';
export {
  DEFAULT_DELAY_EVALUATION,
  DEFAULT_EVALUATION_INTERVAL,
  isScheduled,
  readSchedule,
  SCHEDULE_OPTION_NAMES,
} from './schedule.js';
export type { Schedule, ScheduleOptions } from './schedule.js';
export { bestUpTo, formatNumber, runningAverage } from './history.js';
export { BanditPolicy } from './bandit.js';
export type { BanditEvidence, BanditPolicyOptions } from './bandit.js';
export { MedianStoppingPolicy, median } from './median-stopping.js';
export type { MedianStoppingEvidence, MedianStoppingPolicyOptions } from './median-stopping.js';
export { TruncationSelectionPolicy } from './truncation-selection.js';
export type { TruncationSelectionEvidence, TruncationSelectionPolicyOptions } from './truncation-selection.js';
export { AshaPolicy } from './asha.js';
export type { AshaEvidence, AshaPolicyOptions } from './asha.js';
export { HyperbandPolicy } from './hyperband.js';
export type { HyperbandEvidence, HyperbandPolicyOptions } from './hyperband.js';
export { maxBrackets, MAX_RUNG_INTERVAL } from './successive-halving.js';
export { NoTerminationPolicy } from './no-termination.js';
export type { NoTerminationPolicyOptions } from './no-termination.js';
export { policyFromRecord } from './from-record.js';
export {
  FILE_POLICY_ROWS,
  NO_FILE_POLICY_ROW,
  isPolicyKind,
  POLICY_FILE_KEYS,
  POLICY_KINDS,
  POLICY_REGISTRY,
  policyOptionNames,
  policyRow,
  policyRowOfFileType,
} from './registry.js';
export type {
  OptunaPruner,
  OptunaPrunerWriter,
  PolicyField,
  PolicyFieldRead,
  PolicyFileForm,
  PolicyRow,
  SweepFilePolicy,
  WrittenSweepFilePolicy,
} from './registry.js';
