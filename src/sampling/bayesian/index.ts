export {
  BayesianSampler,
  MAX_MODEL_POINTS,
  modelSubset,
  roleOf,
  type BayesianSamplerSettings,
  type ObservationRole,
  type Suggestion,
} from './bayesian-sampler.js';
export {
  searchAcquisition,
  type AcquisitionBudget,
  type AcquisitionSearchOptions,
  type Candidate,
} from './acquisition-search.js';
export { SpaceEncoding, INACTIVE, type FeatureDimension, type FeatureKind } from './encoding.js';
export { fitHyperparameters, logPosterior, type FitOptions, type FitResult } from './fit-hyperparameters.js';
export { GaussianProcess, type Posterior } from './gaussian-process.js';
export {
  hyperparameterCount,
  hyperparameterPriors,
  lengthscalePrior,
  logPrior,
  noiseIndex,
  priorMode,
  signalIndex,
  type HyperparameterLayout,
  type LogPrior,
} from './hyperparameters.js';
export {
  CATEGORICAL,
  CONTINUOUS,
  featureDelta,
  inverseSquares,
  matern52,
  matern52Slope,
  pairDeltas,
  scaledDistance,
} from './kernel.js';
export { minimizeBounded, type MinimizeOptions, type MinimizeResult, type Objective } from './lbfgs.js';
export {
  choleskyAppendInPlace,
  choleskyInPlace,
  choleskySolveInPlace,
  inverseFromCholesky,
  logDeterminantFromCholesky,
  solveLowerInPlace,
  solveUpperTransposedInPlace,
} from './linear-algebra.js';
export { log1mexp, logExpectedImprovement, logH } from './log-expected-improvement.js';
export { JITTER, MarginalLikelihood, type TrainingData } from './marginal-likelihood.js';
export { fitYeoJohnson, standardizeTargets, yeoJohnson } from './standardize-targets.js';
