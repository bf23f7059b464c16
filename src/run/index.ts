export type { Run, TrainFunction } from './run.js';
export { RunCanceledError } from './run.js';
export { createRunContext, type RunContextOptions } from './run-context.js';
