import { normalCdf } from '../../math/normal.js';
import type { ParamSet, ParamValue, Primitive } from '../../space/expression.js';
import type { NormalizedExpression, SearchSpace } from '../../space/search-space.js';

/**
 * How the kernel compares one feature: `continuous` by squared difference (real parameters,
 * integers and numeric choices, whose order means something), `categorical` by equality (an
 * option index: string or boolean choices and choices between sub-spaces).
 */
export type FeatureKind = 'continuous' | 'categorical';

export interface FeatureDimension {
  /** The dimension's index in the search space's unit cube (`SearchSpace.dimensions`). */
  readonly index: number;
  readonly path: string;
  readonly kind: FeatureKind;
}

/** A feature that has no value because its branch of a nested choice was not taken. */
export const INACTIVE = Number.NaN;

/*
 * Every feature lives where `decodePoint` reads its coordinate, so encoding and decoding meet
 * in the unit cube: a real parameter's feature is the cube coordinate that decodes to its value
 * (its CDF position: linear for uniform, in log space for log-uniform, Φ for normals), so the
 * model sees each distribution on the scale it was sampled on. Integers and numeric choices are
 * rank positions in [0, 1]; other choices are option indices.
 */
type Encoder =
  | { readonly kind: 'position'; readonly index: number; readonly toPosition: (value: number) => number }
  | { readonly kind: 'randint'; readonly index: number; readonly upper: number }
  | {
      readonly kind: 'ordinal';
      readonly index: number;
      readonly values: readonly number[];
      readonly rankOf: readonly number[];
      readonly byRank: readonly number[];
    }
  | { readonly kind: 'categorical'; readonly index: number; readonly options: readonly OptionEncoder[] };

type OptionEncoder =
  | { readonly kind: 'value'; readonly value: Primitive }
  | { readonly kind: 'space'; readonly space: SpaceEncoder };

type ParameterEncoder =
  | { readonly name: string; readonly kind: 'constant'; readonly value: Primitive }
  | { readonly name: string; readonly kind: 'expression'; readonly encoder: Encoder };

interface SpaceEncoder {
  readonly parameters: readonly ParameterEncoder[];
  /** Every dimension index of this sub-tree, so a branch not taken can be marked inactive. */
  readonly indices: readonly number[];
}

// Positions are kept off 0 and 1 so that a normal's position maps back to a finite value.
const EDGE = 1e-12;

/**
 * Maps configurations of one search space to feature vectors for the Gaussian process and
 * feature vectors back to unit-cube points that `decodePoint` turns into configurations.
 */
export class SpaceEncoding {
  /** One entry per unit-cube dimension, in index order. */
  readonly dimensions: readonly FeatureDimension[];
  private readonly root: SpaceEncoder;
  private readonly encoders: readonly Encoder[];

  constructor(space: SearchSpace) {
    const encoders: Encoder[] = [];
    this.root = buildSpace(space, encoders);
    this.encoders = encoders;
    const size = space.dimensions.reduce((max, d) => Math.max(max, d.index + 1), 0);
    const dimensions: FeatureDimension[] = [];
    for (let index = 0; index < size; index += 1) {
      const dimension = space.dimensions.find((d) => d.index === index);
      const encoder = encoders.find((e) => e.index === index);
      if (dimension === undefined || encoder === undefined)
        throw new Error(`SpaceEncoding: dimension ${index} is missing from the space`);
      dimensions.push(
        Object.freeze({
          index,
          path: dimension.path,
          kind: encoder.kind === 'categorical' ? 'categorical' : 'continuous',
        }),
      );
    }
    this.dimensions = Object.freeze(dimensions);
  }

  get size(): number {
    return this.dimensions.length;
  }

  /**
   * The features of a configuration, `INACTIVE` (NaN) where a branch was not taken; `null`
   * when the configuration does not belong to this space (a value that is not an option, a
   * parameter missing), so that a foreign observation is left out instead of misread.
   */
  encode(params: ParamSet): Float64Array | null {
    const features = new Float64Array(this.size).fill(INACTIVE);
    return encodeSpace(this.root, params, features) ? features : null;
  }

  /**
   * A unit-cube point that decodes to the configuration these features describe: the centre of
   * each discrete value's slab, the position itself for real parameters. Inactive coordinates are
   * taken from `fill`, since `decodePoint` wants every coordinate even where it ignores it.
   */
  toUnitCube(features: Float64Array, fill: (index: number) => number): number[] {
    const point = new Array<number>(this.size);
    for (const encoder of this.encoders) {
      const f = features[encoder.index] as number;
      point[encoder.index] = Number.isNaN(f) ? fill(encoder.index) : cubeCoordinate(encoder, f);
    }
    return point;
  }

  /** Number of distinct values a discrete dimension takes (its options), or 0 for a real one. */
  levels(index: number): number {
    const encoder = this.encoders[index];
    if (encoder === undefined) return 0;
    switch (encoder.kind) {
      case 'position':
        return 0;
      case 'randint':
        return encoder.upper;
      case 'ordinal':
        return encoder.values.length;
      case 'categorical':
        return encoder.options.length;
    }
  }
}

function buildSpace(space: SearchSpace, encoders: Encoder[]): SpaceEncoder {
  const parameters = space.parameters.map((parameter): ParameterEncoder => {
    const { value } = parameter;
    if (value.kind === 'constant') return { name: parameter.name, kind: 'constant', value: value.value };
    const encoder = buildExpression(value.expression, value.dimension, encoders);
    encoders[value.dimension] = encoder;
    return { name: parameter.name, kind: 'expression', encoder };
  });
  return { parameters, indices: space.dimensions.map((d) => d.index) };
}

function buildExpression(expression: NormalizedExpression, index: number, encoders: Encoder[]): Encoder {
  const scaled = (low: number, high: number) => (x: number) => (x - low) / (high - low);
  const logScaled = (low: number, high: number) => (x: number) => (x > 0 ? (Math.log(x) - low) / (high - low) : 0);
  const cdf = (mu: number, sigma: number) => (x: number) => (sigma > 0 ? normalCdf((x - mu) / sigma) : 0.5);
  const logCdf = (mu: number, sigma: number) => (x: number) => (x > 0 ? cdf(mu, sigma)(Math.log(x)) : 0);
  switch (expression.kind) {
    case 'choice': {
      const { options } = expression;
      const numbers = options.map((option) =>
        option.kind === 'value' && typeof option.value === 'number' ? option.value : null,
      );
      if (numbers.every((n): n is number => n !== null)) {
        const byRank = numbers.map((_, i) => i).sort((a, b) => (numbers[a] as number) - (numbers[b] as number));
        const rankOf = new Array<number>(numbers.length);
        byRank.forEach((optionIndex, rank) => {
          rankOf[optionIndex] = rank;
        });
        return { kind: 'ordinal', index, values: numbers, rankOf, byRank };
      }
      return {
        kind: 'categorical',
        index,
        options: options.map(
          (option): OptionEncoder =>
            option.kind === 'value'
              ? { kind: 'value', value: option.value }
              : { kind: 'space', space: buildSpace(option.space, encoders) },
        ),
      };
    }
    case 'randint':
      return { kind: 'randint', index, upper: expression.upper };
    case 'uniform':
    case 'quniform':
      return { kind: 'position', index, toPosition: scaled(expression.low, expression.high) };
    case 'loguniform':
    case 'qloguniform':
      return { kind: 'position', index, toPosition: logScaled(expression.low, expression.high) };
    case 'normal':
    case 'qnormal':
      return { kind: 'position', index, toPosition: cdf(expression.mu, expression.sigma) };
    case 'lognormal':
    case 'qlognormal':
      return { kind: 'position', index, toPosition: logCdf(expression.mu, expression.sigma) };
  }
}

function encodeSpace(space: SpaceEncoder, params: ParamSet, features: Float64Array): boolean {
  if (Object.keys(params).length !== space.parameters.length) return false;
  for (const parameter of space.parameters) {
    if (!Object.hasOwn(params, parameter.name)) return false;
    const value = params[parameter.name] as ParamValue;
    if (parameter.kind === 'constant') {
      if (value !== parameter.value) return false;
      continue;
    }
    if (!encodeValue(parameter.encoder, value, features)) return false;
  }
  return true;
}

function encodeValue(encoder: Encoder, value: ParamValue, features: Float64Array): boolean {
  switch (encoder.kind) {
    case 'position': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      const position = encoder.toPosition(value);
      features[encoder.index] = Math.min(Math.max(position, 0), 1);
      return true;
    }
    case 'randint': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= encoder.upper) return false;
      features[encoder.index] = encoder.upper > 1 ? value / (encoder.upper - 1) : 0;
      return true;
    }
    case 'ordinal': {
      const option = encoder.values.indexOf(value as number);
      if (typeof value !== 'number' || option < 0) return false;
      const k = encoder.values.length;
      features[encoder.index] = k > 1 ? (encoder.rankOf[option] as number) / (k - 1) : 0;
      return true;
    }
    case 'categorical': {
      for (let i = 0; i < encoder.options.length; i += 1) {
        const option = encoder.options[i] as OptionEncoder;
        if (option.kind === 'value') {
          if (option.value !== value) continue;
          features[encoder.index] = i;
          return true;
        }
        if (typeof value !== 'object') continue;
        // A failed attempt may have written some features of this branch: clear them again.
        if (encodeSpace(option.space, value, features)) {
          features[encoder.index] = i;
          return true;
        }
        for (const index of option.space.indices) features[index] = INACTIVE;
      }
      return false;
    }
  }
}

function cubeCoordinate(encoder: Encoder, feature: number): number {
  switch (encoder.kind) {
    case 'position':
      return Math.min(Math.max(feature, EDGE), 1 - EDGE);
    case 'randint': {
      const value = encoder.upper > 1 ? Math.round(feature * (encoder.upper - 1)) : 0;
      return (value + 0.5) / encoder.upper;
    }
    case 'ordinal': {
      const k = encoder.values.length;
      const rank = k > 1 ? Math.min(Math.max(Math.round(feature * (k - 1)), 0), k - 1) : 0;
      return ((encoder.byRank[rank] as number) + 0.5) / k;
    }
    case 'categorical': {
      const k = encoder.options.length;
      const option = Math.min(Math.max(Math.round(feature), 0), k - 1);
      return (option + 0.5) / k;
    }
  }
}
