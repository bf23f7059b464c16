/**
 * The Matérn-5/2 kernel with one lengthscale per feature (ARD), over mixed features:
 *
 *   k(x, x') = σ² (1 + s + s²/3) e^(-s),   s = √5 r,   r² = Σ_j δ_j(x_j, x'_j) / ℓ_j²
 *
 * δ is the squared difference for continuous features and 0/1 inequality for categorical ones
 * (the Hamming distance, equivalent to one-hot features that share a lengthscale). An inactive
 * feature (NaN: its branch of a nested choice was not taken) is at distance 0 from another
 * inactive one and 1 from any active value, so two configurations from different branches
 * are far apart and the unused coordinates of a branch never pretend to be similar or not.
 *
 * Matérn-5/2 rather than the squared exponential: it is twice differentiable, which matches
 * training curves and test functions better than the infinitely smooth RBF (Snoek et al. 2012).
 */

/** Feature kinds as bytes for the inner loops: 0 continuous, 1 categorical. */
export const CONTINUOUS = 0;
export const CATEGORICAL = 1;

const SQRT5 = Math.sqrt(5);

/** δ_j between two feature values of one dimension. */
export function featureDelta(a: number, b: number, kind: number): number {
  const aInactive = Number.isNaN(a);
  const bInactive = Number.isNaN(b);
  if (aInactive || bInactive) return aInactive && bInactive ? 0 : 1;
  if (kind === CATEGORICAL) return a === b ? 0 : 1;
  const d = a - b;
  return d * d;
}

/** The Matérn-5/2 correlation at squared scaled distance r². */
export function matern52(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/**
 * dM/d(log ℓ_j) = matern52Slope(r²) · δ_j / ℓ_j², and dM/dx_j = -matern52Slope(r²) · (x_j - x'_j) / ℓ_j²:
 * the common factor (5/3)(1 + s) e^(-s), finite at r = 0 where the derivative in r itself is 0/0.
 */
export function matern52Slope(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (5 / 3) * (1 + s) * Math.exp(-s);
}

/**
 * Σ_j δ_j / ℓ_j² between row `i` of `a` and row `j` of `b` (both row-major with `d` columns),
 * given 1/ℓ² per dimension.
 */
export function scaledDistance(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  d: number,
  kinds: Uint8Array,
  inverseSquaredLengthscales: Float64Array,
): number {
  let r2 = 0;
  const rowA = i * d;
  const rowB = j * d;
  for (let k = 0; k < d; k += 1) {
    r2 +=
      featureDelta(a[rowA + k] as number, b[rowB + k] as number, kinds[k] as number) *
      (inverseSquaredLengthscales[k] as number);
  }
  return r2;
}

/**
 * Every pair's per-dimension δ for the rows of `x` (n x d): entry (p, k) for the p-th pair
 * (i < j, in row order). Fitting hyperparameters evaluates the kernel for many lengthscales
 * over the same points, so the deltas are computed once per fit.
 */
export function pairDeltas(x: Float64Array, n: number, d: number, kinds: Uint8Array): Float64Array {
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let p = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      for (let k = 0; k < d; k += 1)
        out[p + k] = featureDelta(x[i * d + k] as number, x[j * d + k] as number, kinds[k] as number);
      p += d;
    }
  }
  return out;
}

/** 1/ℓ² from log ℓ. */
export function inverseSquares(logLengthscales: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let k = 0; k < out.length; k += 1) out[k] = Math.exp(-2 * (logLengthscales[k] as number));
  return out;
}
