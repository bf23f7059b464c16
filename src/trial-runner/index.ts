export type {
  TrialDefinition,
  TrialEvent,
  TrialExecution,
  TrialListener,
  TrialOutcome,
  TrialRequest,
  TrialRunner,
} from './runner.js';
export { InProcessRunner, toErrorRecord, type InProcessRunnerOptions } from './in-process-runner.js';
