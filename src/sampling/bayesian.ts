import { ConfigError } from '../errors.js';
import type { RandomSource } from '../random/random-source.js';
import { createSearchSpace } from '../space/create-search-space.js';
import type { SearchSpaceDefinition } from '../space/expression.js';
import type { SearchSpace } from '../space/search-space.js';
import { definitionToJson } from '../space/serialize.js';
import { BayesianSampler } from './bayesian/bayesian-sampler.js';
import type { ParameterSampling, Sampler, SamplingRecord } from './sampler.js';

declare module './sampler.js' {
  interface SamplingKinds {
    /** A Gaussian-process model of the metric. */
    readonly bayesian: true;
  }
}

export interface BayesianSamplingOptions {
  /** Replays the same suggestions for the same space and the same results. */
  readonly seed?: number | string | undefined;
}

const OPTION_NAMES = ['seed'] as const;
const TWO_POW_32 = 4_294_967_296;
/** Quasi-random configurations before the model is used: enough to fit a first model. */
const MIN_INITIAL_POINTS = 4;
const MAX_INITIAL_POINTS = 10;

/**
 * Bayesian sampling (semantics §3): each configuration is chosen from the results so far by a
 * Gaussian-process model and log expected improvement (see `BayesianSampler`).
 *
 * **Beyond** HyperDrive, which allows only choice, uniform and quniform and no early
 * termination: every expression is supported, nested choices included; runs stopped by a
 * policy inform the model with their best value; running trials are accounted for, so
 * concurrent suggestions differ. HyperDrive's advice of at least 20 runs per parameter
 * becomes a warning in `HyperDriveConfig.warnings`.
 */
export class BayesianParameterSampling implements ParameterSampling {
  readonly kind = 'bayesian' as const;
  readonly space: SearchSpace;
  readonly size: number | undefined = undefined;
  readonly seed: number | string | undefined;
  /** Sobol configurations before the model takes over: the number of dimensions + 1, within 4–10. */
  readonly initialPoints: number;
  private readonly definitionJson: unknown;

  constructor(definition: SearchSpaceDefinition, options: BayesianSamplingOptions = {}) {
    const { seed } = validateOptions(options);
    this.space = createSearchSpace(definition);
    this.seed = seed;
    this.initialPoints = Math.min(MAX_INITIAL_POINTS, Math.max(MIN_INITIAL_POINTS, this.space.dimensions.length + 1));
    this.definitionJson = definitionToJson(definition);
  }

  /** With a seed the injected source is ignored, so that the seed alone decides the sequence. */
  createSampler(random: RandomSource): Sampler {
    return this.createSeededSampler(this.samplerSeed(random));
  }

  /**
   * The seed string a sampler created now would use: drawn from `random` when the sampling
   * has no seed of its own. A sampler worker gets this string (and the record) and builds the
   * very sampler `createSampler` would have, so the sequence is the same in or out of process.
   */
  samplerSeed(random: RandomSource): string {
    return this.seed === undefined ? String(Math.floor(random.next() * TWO_POW_32)) : `seed:${String(this.seed)}`;
  }

  createSeededSampler(seed: string): BayesianSampler {
    return new BayesianSampler({ space: this.space, seed, initialPoints: this.initialPoints });
  }

  toRecord(): SamplingRecord {
    return {
      kind: 'bayesian',
      space: this.definitionJson,
      options: this.seed === undefined ? {} : { seed: this.seed },
    };
  }
}

function validateOptions(options: unknown): { seed: number | string | undefined } {
  if (options === undefined) return { seed: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('BayesianParameterSampling.options', 'must be an object such as { seed: 42 }', options);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new ConfigError(
        `BayesianParameterSampling.${key}`,
        `is not an option (the options are ${OPTION_NAMES.join(', ')})`,
        given[key],
      );
    }
  }
  const { seed } = given;
  if (
    seed !== undefined &&
    !(typeof seed === 'number' && Number.isInteger(seed)) &&
    !(typeof seed === 'string' && seed.length > 0)
  ) {
    throw new ConfigError('BayesianParameterSampling.seed', 'must be a finite integer or a non-empty string', seed);
  }
  return { seed: seed as number | string | undefined };
}
