export type {
  ParameterSampling,
  Sampler,
  SamplerContext,
  SamplingKind,
  SamplingKinds,
  SamplingRecord,
  TrialObservation,
} from './sampler.js';
export {
  RANDOM_SAMPLING_RULES,
  RandomParameterSampling,
  type RandomSamplingOptions,
  type RandomSamplingRule,
} from './random.js';
export { GridParameterSampling } from './grid.js';
export { BayesianParameterSampling, type BayesianSamplingOptions } from './bayesian.js';
export { SobolSequence, type SobolOptions } from './sobol-sequence.js';
export { SOBOL_MAX_DIMENSIONS } from './joe-kuo-directions.js';
export { samplingFromRecord } from './from-record.js';
export {
  isSamplingKind,
  SAMPLING_KINDS,
  SAMPLING_REGISTRY,
  samplingOptionNames,
  samplingRow,
} from './registry.js';
export type {
  SamplingFileOnlyField,
  SamplingOption,
  SamplingRow,
  SweepFileSampling,
  WrittenSweepFileSampling,
} from './registry.js';
