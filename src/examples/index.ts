export {
  BUILTIN_EXAMPLES,
  isBuiltinExample,
  loadBuiltinModule,
  resolveBuiltin,
  type BuiltinExampleName,
} from './registry.js';
export type { CalibrationWorkload, EnvTrainFunction, TrialDatasets, TrialEnv, TrialModule } from './env.js';
export { HyperparameterError, OPTIMIZERS, ACTIVATIONS, type OptimizerName, type ActivationName } from './common.js';
