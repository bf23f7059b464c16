import { ConfigError } from '../errors.js';
import { SeededRandom } from '../random/seeded-random.js';
import type { RandomSource } from '../random/random-source.js';
import { createSearchSpace } from '../space/create-search-space.js';
import { decodePoint, sampleSpace } from '../space/decode.js';
import type { SearchSpaceDefinition } from '../space/expression.js';
import type { SearchSpace } from '../space/search-space.js';
import { definitionToJson } from '../space/serialize.js';
import type { ParameterSampling, Sampler, SamplingRecord } from './sampler.js';
import { SobolSequence } from './sobol-sequence.js';

declare module './sampler.js' {
  interface SamplingKinds {
    /** Independent draws or a scrambled Sobol sequence. */
    readonly random: true;
  }
}

export const RANDOM_SAMPLING_RULES = ['random', 'sobol'] as const;
export type RandomSamplingRule = (typeof RANDOM_SAMPLING_RULES)[number];

export interface RandomSamplingOptions {
  /** Replays the same sequence of configurations for the same space. */
  readonly seed?: number | string | undefined;
  /** `'random'` (default): independent draws; `'sobol'`: a scrambled Sobol sequence. */
  readonly rule?: RandomSamplingRule | undefined;
}

const OPTION_NAMES = ['seed', 'rule'] as const;
const TWO_POW_32 = 4_294_967_296;

/**
 * Random sampling (semantics §3): every parameter drawn independently, or with `rule: 'sobol'` a
 * scrambled Sobol sequence over the unit cube mapped through each distribution, which covers
 * the space more evenly than independent draws for the same budget.
 */
export class RandomParameterSampling implements ParameterSampling {
  readonly kind = 'random' as const;
  readonly space: SearchSpace;
  readonly size: number | undefined = undefined;
  readonly seed: number | string | undefined;
  readonly rule: RandomSamplingRule;
  private readonly definitionJson: unknown;

  constructor(definition: SearchSpaceDefinition, options: RandomSamplingOptions = {}) {
    const { seed, rule } = validateOptions(options);
    this.space = createSearchSpace(definition);
    this.seed = seed;
    this.rule = rule;
    this.definitionJson = definitionToJson(definition);
    if (rule === 'sobol' && this.space.dimensions.length > SobolSequence.MAX_DIMENSIONS) {
      throw new ConfigError(
        'RandomParameterSampling.rule',
        `'sobol' supports at most ${SobolSequence.MAX_DIMENSIONS} dimensions, and this search space has ${this.space.dimensions.length}`,
        rule,
      );
    }
  }

  /** With a seed the injected source is ignored, so that the seed alone decides the sequence. */
  createSampler(random: RandomSource): Sampler {
    const space = this.space;
    if (this.rule === 'sobol') {
      const scrambleSeed =
        this.seed === undefined ? Math.floor(random.next() * TWO_POW_32) : new SeededRandom(this.seed).nextUint32();
      const sequence = new SobolSequence(space.dimensions.length, { seed: scrambleSeed });
      return { next: () => decodePoint(space, sequence.next()) };
    }
    const source = this.seed === undefined ? random : new SeededRandom(this.seed);
    return { next: () => sampleSpace(space, source) };
  }

  toRecord(): SamplingRecord {
    return {
      kind: 'random',
      space: this.definitionJson,
      options: this.seed === undefined ? { rule: this.rule } : { seed: this.seed, rule: this.rule },
    };
  }
}

function validateOptions(options: unknown): { seed: number | string | undefined; rule: RandomSamplingRule } {
  if (options === undefined) return { seed: undefined, rule: 'random' };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(
      'RandomParameterSampling.options',
      'must be an object such as { seed: 42, rule: "sobol" }',
      options,
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new ConfigError(
        `RandomParameterSampling.${key}`,
        `is not an option (the options are ${OPTION_NAMES.join(', ')})`,
        given[key],
      );
    }
  }
  const { seed, rule } = given;
  if (
    seed !== undefined &&
    !(typeof seed === 'number' && Number.isInteger(seed)) &&
    !(typeof seed === 'string' && seed.length > 0)
  ) {
    throw new ConfigError('RandomParameterSampling.seed', 'must be a finite integer or a non-empty string', seed);
  }
  if (rule !== undefined && rule !== 'random' && rule !== 'sobol') {
    throw new ConfigError('RandomParameterSampling.rule', "must be 'random' or 'sobol'", rule);
  }
  return { seed: seed as number | string | undefined, rule: rule ?? 'random' };
}
