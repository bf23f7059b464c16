export {
  BUILTIN_EXAMPLES,
  DATA_TEMPLATES,
  isBuiltinExample,
  isDataTemplate,
  type DataTemplateName,
  loadBuiltinModule,
  resolveBuiltin,
  type BuiltinExampleName,
} from './registry.js';
export type { CalibrationWorkload, EnvTrainFunction, TrialDatasets, TrialEnv, TrialModule } from './env.js';
export { HyperparameterError, OPTIMIZERS, ACTIVATIONS, type OptimizerName, type ActivationName } from './common.js';
export {
  IMAGE_CNN_SEARCH_SPACE,
  TABULAR_MLP_SEARCH_SPACE,
  TEMPLATE_METRICS,
  TEMPLATE_PRIMARY_METRIC,
  templateSearchSpace,
} from './template-spaces.js';
