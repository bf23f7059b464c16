import { JOE_KUO_ROWS, SOBOL_MAX_DIMENSIONS } from './joe-kuo-directions.js';

const BITS = 32;
const TWO_POW_32 = 4_294_967_296;

export type SobolOptions =
  /** Raw Sobol points: for checking against published tables, never for sampling. */
  | { readonly scramble: false }
  /** Owen-scrambled with a 32-bit seed: the same seed gives the same points. */
  | { readonly scramble?: true; readonly seed: number };

/**
 * A Sobol sequence over the unit cube in Gray-code order (the order of Antonov and Saleev that
 * scipy, QuantLib and Joe and Kuo's own generator use), optionally Owen-scrambled.
 *
 * Unscrambled Sobol points sit on a dyadic lattice that starts at the origin and keeps the same
 * structure for every sweep; a scramble randomises the set while keeping its stratification:
 * every prefix of 2^k points still puts exactly one point in each 1/2^k slab of every axis.
 */
export class SobolSequence {
  static readonly MAX_DIMENSIONS = SOBOL_MAX_DIMENSIONS;
  readonly dimensions: number;
  private readonly directions: readonly Uint32Array[];
  private readonly seeds: Uint32Array | undefined;
  private index = 0;

  constructor(dimensions: number, options: SobolOptions) {
    if (!Number.isInteger(dimensions) || dimensions < 0 || dimensions > SOBOL_MAX_DIMENSIONS) {
      throw new RangeError(
        `SobolSequence supports 0 to ${SOBOL_MAX_DIMENSIONS} dimensions (got ${String(dimensions)})`,
      );
    }
    this.dimensions = dimensions;
    this.directions = directionTable().slice(0, dimensions);
    if (options.scramble === false) {
      this.seeds = undefined;
    } else {
      const seed = options.seed >>> 0;
      // One independent scramble per axis: a shared one would tie the axes together.
      this.seeds = Uint32Array.from({ length: dimensions }, (_, d) =>
        hash32((seed ^ hash32((d + 1) * 0x9e3779b9)) >>> 0),
      );
    }
  }

  /** The point at a position of the sequence (0-based). */
  pointAt(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
      throw new RangeError(`SobolSequence has points 0 to 2^32 - 1 (asked for ${String(index)})`);
    }
    const gray = (index ^ (index >>> 1)) >>> 0;
    const point = new Array<number>(this.dimensions);
    for (let d = 0; d < this.dimensions; d += 1) {
      const v = this.directions[d] as Uint32Array;
      let x = 0;
      for (let bits = gray, j = 0; bits !== 0; bits >>>= 1, j += 1) {
        if (bits & 1) x ^= v[j] as number;
      }
      x >>>= 0;
      if (this.seeds === undefined) {
        point[d] = x / TWO_POW_32;
      } else {
        // Centring in the finest cell keeps every coordinate strictly inside (0, 1), which the
        // inverse-CDF transforms need (a normal's quantile at 0 is -Infinity), without moving
        // any point out of its stratum.
        point[d] = (nestedUniformScramble(x, this.seeds[d] as number) + 0.5) / TWO_POW_32;
      }
    }
    return point;
  }

  /** The next point of the sequence, starting from position 0. */
  next(): number[] {
    const point = this.pointAt(this.index);
    this.index += 1;
    return point;
  }
}

let table: readonly Uint32Array[] | undefined;

/** The 32 direction numbers of every supported dimension, scaled by 2^32. */
function directionTable(): readonly Uint32Array[] {
  if (table !== undefined) return table;
  const first = Uint32Array.from({ length: BITS }, (_, j) => 2 ** (BITS - 1 - j));
  const rest = JOE_KUO_ROWS.map(({ s, a, m }) => {
    const v = new Uint32Array(BITS);
    for (let j = 0; j < BITS; j += 1) {
      if (j < s) {
        v[j] = (m[j] as number) * 2 ** (BITS - 1 - j);
        continue;
      }
      // Bratley and Fox's recurrence, as Joe and Kuo state it.
      let x = (v[j - s] as number) ^ ((v[j - s] as number) >>> s);
      for (let k = 1; k < s; k += 1) {
        if ((a >>> (s - 1 - k)) & 1) x ^= v[j - k] as number;
      }
      v[j] = x >>> 0;
    }
    return v;
  });
  table = Object.freeze([first, ...rest]);
  return table;
}

/**
 * Burley's nested uniform scramble ("Practical Hash-based Owen Scrambling", JCGT 9(4), 2020):
 * the Laine-Karras hash lets each bit change only bits above it, so applied to the reversed
 * bits it flips each binary digit depending only on the digits before it, which is exactly
 * an Owen scramble in base 2.
 */
function nestedUniformScramble(x: number, seed: number): number {
  let y = reverseBits(x);
  y = (y + seed) >>> 0;
  y = (y ^ Math.imul(y, 0x6c50b47c)) >>> 0;
  y = (y ^ Math.imul(y, 0xb82f1e52)) >>> 0;
  y = (y ^ Math.imul(y, 0xc7afe638)) >>> 0;
  y = (y ^ Math.imul(y, 0x8d22f6e6)) >>> 0;
  return reverseBits(y);
}

function reverseBits(value: number): number {
  let x = value >>> 0;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** Chris Wellons's lowbias32: a well-mixed 32-bit integer hash for deriving per-axis seeds. */
function hash32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
