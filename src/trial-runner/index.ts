export type {
  TrialDefinition,
  TrialEvent,
  TrialExecution,
  TrialListener,
  TrialOutcome,
  TrialRequest,
  TrialRunner,
} from './runner.js';
export { toErrorRecord } from '../error-record.js';
export { InProcessRunner, type InProcessRunnerOptions } from './in-process-runner.js';
