/**
 * Dense symmetric positive-definite algebra on row-major `Float64Array`s, just what a Gaussian
 * process needs. Everything works in place on caller-owned buffers: a suggestion factorises
 * matrices of a few hundred rows many times, and allocating per step would dominate the cost.
 *
 * The loops are arranged to walk memory contiguously, and dot products keep four partial sums:
 * a single running sum makes every multiply-add wait for the previous one, which costs about
 * three quarters of the speed in JavaScript engines as much as in C.
 */

/** Σ a[aOffset + k] b[bOffset + k] for k < length. */
export function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += (a[aOffset + k] as number) * (b[bOffset + k] as number);
    s1 += (a[aOffset + k + 1] as number) * (b[bOffset + k + 1] as number);
    s2 += (a[aOffset + k + 2] as number) * (b[bOffset + k + 2] as number);
    s3 += (a[aOffset + k + 3] as number) * (b[bOffset + k + 3] as number);
  }
  for (; k < length; k += 1) s0 += (a[aOffset + k] as number) * (b[bOffset + k] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * Cholesky factorisation A = L Lᵀ in place: on success the lower triangle of `a` (n x n,
 * row-major with row stride `stride`) holds L and the strict upper triangle is zeroed. Only
 * the lower triangle of A is read. Returns false, leaving `a` partly overwritten, when A is
 * not numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, stride = n): boolean {
  for (let i = 0; i < n; i += 1) {
    const rowI = i * stride;
    for (let j = 0; j < i; j += 1) {
      const rowJ = j * stride;
      a[rowI + j] = ((a[rowI + j] as number) - dot(a, rowI, a, rowJ, j)) / (a[rowJ + j] as number);
    }
    const diagonal = (a[rowI + i] as number) - dot(a, rowI, a, rowI, i);
    if (!(diagonal > 0) || !Number.isFinite(diagonal)) return false;
    a[rowI + i] = Math.sqrt(diagonal);
    for (let k = i + 1; k < n; k += 1) a[rowI + k] = 0;
  }
  return true;
}

/** Solves L x = b in place (`b` becomes x), L lower-triangular n x n row-major with row stride `stride`. */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array, stride = n): void {
  for (let i = 0; i < n; i += 1) {
    const row = i * stride;
    b[i] = ((b[i] as number) - dot(l, row, b, 0, i)) / (l[row + i] as number);
  }
}

/** Solves Lᵀ x = b in place (`b` becomes x), L lower-triangular n x n row-major with row stride `stride`. */
export function solveUpperTransposedInPlace(l: Float64Array, n: number, b: Float64Array, stride = n): void {
  // Column-oriented: once x_i is known, row i of L (column i of Lᵀ) is subtracted from the
  // rest, so the loop reads L by rows instead of striding down its columns.
  for (let i = n - 1; i >= 0; i -= 1) {
    const row = i * stride;
    const x = (b[i] as number) / (l[row + i] as number);
    b[i] = x;
    for (let k = 0; k < i; k += 1) b[k] = (b[k] as number) - (l[row + k] as number) * x;
  }
}

/** Solves A x = b with A = L Lᵀ, in place. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, stride = n): void {
  solveLowerInPlace(l, n, b, stride);
  solveUpperTransposedInPlace(l, n, b, stride);
}

/** log det A = 2 Σ log L_ii, without forming the determinant (which under- or overflows). */
export function logDeterminantFromCholesky(l: Float64Array, n: number, stride = n): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += Math.log(l[i * stride + i] as number);
  return 2 * sum;
}

/**
 * A⁻¹ from A = L Lᵀ (n x n, row-major), written to `out` in full. `work` (n x n) is scratch.
 * About n³/2 multiply-adds: M = L⁻¹ row by row, then A⁻¹ = Mᵀ M as a sum of row outer products.
 */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array, work: Float64Array): void {
  const m = work;
  m.fill(0, 0, n * n);
  // Row i of M: (e_i - Σ_{k<i} L_ik M_k) / L_ii, where row k of M is zero beyond column k.
  for (let i = 0; i < n; i += 1) {
    const rowI = i * n;
    m[rowI + i] = 1;
    for (let k = 0; k < i; k += 1) {
      const lik = l[rowI + k] as number;
      if (lik === 0) continue;
      const rowK = k * n;
      for (let j = 0; j <= k; j += 1) m[rowI + j] = (m[rowI + j] as number) - lik * (m[rowK + j] as number);
    }
    const inverseDiagonal = 1 / (l[rowI + i] as number);
    for (let j = 0; j <= i; j += 1) m[rowI + j] = (m[rowI + j] as number) * inverseDiagonal;
  }
  out.fill(0, 0, n * n);
  for (let k = 0; k < n; k += 1) {
    const rowK = k * n;
    for (let i = 0; i <= k; i += 1) {
      const a = m[rowK + i] as number;
      if (a === 0) continue;
      const rowI = i * n;
      for (let j = 0; j <= i; j += 1) out[rowI + j] = (out[rowI + j] as number) + a * (m[rowK + j] as number);
    }
  }
  for (let i = 0; i < n; i += 1) for (let j = 0; j < i; j += 1) out[j * n + i] = out[i * n + j] as number;
}

/**
 * Grows a Cholesky factor by one row and column: given L of A (n x n, stored with row stride
 * `stride` >= n + 1), the new column c = A[0..n-1, n] and the new diagonal d = A[n, n], writes
 * row n of the factor of the bordered matrix. O(n²) instead of refactorising in O(n³), which is
 * what makes conditioning on pending points cheap. Returns false when the bordered matrix is not
 * positive definite (the new point duplicates old ones and there is no noise to separate them).
 */
export function choleskyAppendInPlace(
  l: Float64Array,
  n: number,
  stride: number,
  column: Float64Array,
  diagonal: number,
): boolean {
  const row = n * stride;
  for (let i = 0; i < n; i += 1) l[row + i] = column[i] as number;
  for (let i = 0; i < n; i += 1) {
    const rowI = i * stride;
    l[row + i] = ((l[row + i] as number) - dot(l, rowI, l, row, i)) / (l[rowI + i] as number);
  }
  const rest = diagonal - dot(l, row, l, row, n);
  if (!(rest > 0) || !Number.isFinite(rest)) {
    for (let i = 0; i < n; i += 1) l[row + i] = 0;
    return false;
  }
  l[row + n] = Math.sqrt(rest);
  for (let k = n + 1; k < stride; k += 1) l[row + k] = 0;
  return true;
}
