import { normalQuantile } from '../math/normal.js';
import { quantize } from '../math/quantize.js';
import type { RandomSource } from '../random/random-source.js';
import type { ParamSet, ParamValue } from './expression.js';
import type { NormalizedExpression, SearchSpace } from './search-space.js';

// The normal quantile is infinite at 0 and 1; 2^-53 is the smallest step a [0, 1) draw can
// take, and 1 - 2^-53 is exact, so the clamp is symmetric (about ±8.2 standard deviations).
const OPEN_EPSILON = 2 ** -53;

/**
 * The furthest a normal draw gets from mu, in standard deviations (|Φ⁻¹| at the clamp, about
 * 8.21): every normal, lognormal and q-variant draw lies within mu ± NORMAL_DRAW_SIGMAS * sigma.
 * Validation uses it to refuse parameters whose draws could overflow to ±Infinity.
 */
export const NORMAL_DRAW_SIGMAS = Math.max(-normalQuantile(OPEN_EPSILON), normalQuantile(1 - OPEN_EPSILON));

/**
 * Maps a point of the unit cube to a configuration by inverse-CDF transforms, one coordinate
 * per dimension (`u[dimension.index]`). Random, quasi-random and model-based samplers all go
 * through here, so every expression is sampled by exactly one formula (semantics §2):
 *
 * - choice: option `floor(u * n)`; a sub-space option decodes its own dimensions
 * - randint: `floor(u * upper)`
 * - uniform: `low + u * (high - low)`; loguniform: `exp(uniform)`
 * - normal: `mu + sigma * Φ⁻¹(u)`; lognormal: `exp(normal)`
 * - q-variants: `round(base / q) * q`
 *
 * Coordinates of inactive branches are ignored, so a point always has one coordinate per
 * dimension of the whole tree.
 */
export function decodePoint(space: SearchSpace, u: readonly number[]): ParamSet {
  for (const { index, path } of space.dimensions) {
    const value = u[index];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(
        `decodePoint: coordinate ${index} (${path}) must be a number in [0, 1] (got ${String(value)})`,
      );
    }
  }
  return decodeSpace(space, u);
}

/**
 * One random configuration. A uniform is drawn for every dimension, inactive branches included
 * and in index order, so that the k-th configuration of a seeded stream depends only on the
 * seed and the space, never on which branches earlier configurations took.
 */
export function sampleSpace(space: SearchSpace, random: RandomSource): ParamSet {
  const count = space.dimensions.reduce((max, dimension) => Math.max(max, dimension.index + 1), 0);
  const u = new Array<number>(count).fill(0);
  for (const { index } of space.dimensions) u[index] = random.next();
  return decodeSpace(space, u);
}

function decodeSpace(space: SearchSpace, u: readonly number[]): ParamSet {
  const params: Record<string, ParamValue> = {};
  for (const { name, value } of space.parameters) {
    params[name] =
      value.kind === 'constant' ? value.value : decodeExpression(value.expression, u[value.dimension] as number, u);
  }
  return Object.freeze(params);
}

function decodeExpression(expression: NormalizedExpression, x: number, u: readonly number[]): ParamValue {
  switch (expression.kind) {
    case 'choice': {
      const { options } = expression;
      const option = options[clampIndex(x, options.length)];
      if (option === undefined) throw new Error('decodePoint: a choice without options passed validation');
      return option.kind === 'value' ? option.value : decodeSpace(option.space, u);
    }
    case 'randint':
      return clampIndex(x, expression.upper);
    case 'uniform':
      return uniformAt(x, expression.low, expression.high);
    case 'loguniform':
      return Math.exp(uniformAt(x, expression.low, expression.high));
    case 'normal':
      return normalAt(x, expression.mu, expression.sigma);
    case 'lognormal':
      return Math.exp(normalAt(x, expression.mu, expression.sigma));
    case 'quniform':
      return quantize(uniformAt(x, expression.low, expression.high), expression.q);
    case 'qloguniform':
      return quantize(Math.exp(uniformAt(x, expression.low, expression.high)), expression.q);
    case 'qnormal':
      return quantize(normalAt(x, expression.mu, expression.sigma), expression.q);
    case 'qlognormal':
      return quantize(Math.exp(normalAt(x, expression.mu, expression.sigma)), expression.q);
  }
}

/** `floor(u * n)`, kept below n for u = 1 (a closed-cube corner some samplers can produce). */
function clampIndex(x: number, n: number): number {
  return Math.min(Math.floor(x * n), n - 1);
}

function uniformAt(x: number, low: number, high: number): number {
  return low + x * (high - low);
}

function normalAt(x: number, mu: number, sigma: number): number {
  const open = Math.min(Math.max(x, OPEN_EPSILON), 1 - OPEN_EPSILON);
  return mu + sigma * normalQuantile(open);
}
