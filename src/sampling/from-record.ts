import { ConfigError } from '../errors.js';
import type { SearchSpaceDefinition } from '../space/expression.js';
import { reviveDefinition } from '../space/serialize.js';
import { BayesianParameterSampling, type BayesianSamplingOptions } from './bayesian.js';
import { GridParameterSampling } from './grid.js';
import { RandomParameterSampling, type RandomSamplingOptions } from './random.js';
import type { ParameterSampling, SamplingRecord } from './sampler.js';

/**
 * Rebuilds a sampling from its stored `toRecord()` (to resume or clone a sweep). The stored data
 * goes through the same validation as a new sampling, so a corrupted spec fails with the usual
 * messages instead of sampling something else.
 */
export function samplingFromRecord(spec: SamplingRecord): ParameterSampling {
  // Validated by the constructors; the casts only restate what they check at run time.
  const definition = reviveDefinition(spec.space) as SearchSpaceDefinition;
  switch (spec.kind) {
    case 'random':
      return new RandomParameterSampling(definition, spec.options as RandomSamplingOptions);
    case 'grid':
      return new GridParameterSampling(definition);
    case 'bayesian':
      return new BayesianParameterSampling(definition, spec.options as BayesianSamplingOptions);
    default:
      throw new ConfigError(
        'hyperparameterSampling.kind',
        "must be 'random', 'grid' or 'bayesian'",
        (spec as { kind: unknown }).kind,
      );
  }
}
