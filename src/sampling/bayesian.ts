import { NotImplementedError } from '../errors.js';
import type { RandomSource } from '../random/random-source.js';
import type { SearchSpaceDefinition } from '../space/expression.js';
import type { SearchSpace } from '../space/search-space.js';
import type { ParameterSampling, Sampler, SamplingSpec } from './sampler.js';

export interface BayesianSamplingOptions {
  readonly seed?: number | string | undefined;
}

const MESSAGE =
  "BayesianParameterSampling is not implemented yet; use RandomParameterSampling (optionally rule 'sobol') or GridParameterSampling";

/**
 * Bayesian sampling (SPEC §3) is reserved: the class exists so that configurations naming it
 * type-check and fail loudly at construction, never by silently sampling at random instead.
 */
export class BayesianParameterSampling implements ParameterSampling {
  readonly kind = 'bayesian' as const;
  declare readonly space: SearchSpace;
  readonly size: number | undefined = undefined;

  constructor(_definition: SearchSpaceDefinition, _options?: BayesianSamplingOptions) {
    throw new NotImplementedError(MESSAGE);
  }

  createSampler(_random: RandomSource): Sampler {
    throw new NotImplementedError(MESSAGE);
  }

  toSpec(): SamplingSpec {
    throw new NotImplementedError(MESSAGE);
  }
}
