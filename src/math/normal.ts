/**
 * The standard normal distribution, accurate to about 1e-15 relative in the CDF and 1e-13 in
 * the quantile: `normal`/`lognormal` expressions are sampled by inverse CDF, so every digit lost
 * here would bend the sampled distribution, most visibly in the tails.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TINY = 1e-300;

// Below this argument the series for erf converges fast and 1 - erf(x) keeps ~14 significant
// digits of erfc (erf(2) ≈ 0.9953); above it the continued fraction converges within ~100 terms.
const SERIES_LIMIT = 2;

/** erfc for x >= 0 (the caller folds negative arguments). */
function erfcNonNegative(x: number): number {
  if (x < SERIES_LIMIT) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // exp(-x^2) underflows past here.
  return expMinusSquare(x) / SQRT_PI / erfcContinuedFraction(x);
}

/**
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum x (2x^2)^n / (1*3*...*(2n+1)): every term is positive,
 * so unlike the alternating Taylor series it loses nothing to cancellation.
 */
function erfSeries(x: number): number {
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n += 1) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum;
}

/** x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), by the modified Lentz method. */
function erfcContinuedFraction(x: number): number {
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 1000; n += 1) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = TINY;
    c = x + a / c;
    if (c === 0) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/**
 * exp(-x^2) without the rounding error of x*x, which exp would magnify x^2-fold (1e-13 at
 * x = 27): x is split into a short head whose square is exact and a small tail (Cody's trick).
 */
function expMinusSquare(x: number): number {
  const head = Math.round(x * 16) / 16;
  return Math.exp(-head * head) * Math.exp(-(x - head) * (x + head));
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/**
 * The scaled complementary error function exp(x^2) * erfc(x), for x >= 0 without overflow:
 * log expected improvement needs erfc deep in the tail, where erfc itself underflows to 0.
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) throw new RangeError(`erfcx: x must be >= 0 (got ${String(x)})`);
  if (x < SERIES_LIMIT) return Math.exp(x * x) * (1 - erfSeries(x));
  // The continued fraction's exp(-x^2) cancels the scaling; beyond 1e8 its first term is exact.
  if (x > 1e8) return 1 / (SQRT_PI * x);
  return 1 / (SQRT_PI * erfcContinuedFraction(x));
}

/** The standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  // Each side is computed as a tail probability so that tiny results keep their relative accuracy.
  return x < 0 ? 0.5 * erfcNonNegative(-x * Math.SQRT1_2) : 1 - 0.5 * erfcNonNegative(x * Math.SQRT1_2);
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

// Peter J. Acklam's rational approximation (relative error 1.15e-9), refined below.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/**
 * The inverse of `normalCdf`: the z with P(Z <= z) = p. p = 0 and p = 1 give -Infinity and
 * Infinity; anything outside [0, 1] is a programming error and throws.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1] (got ${String(p)})`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // 1 - p is exact for p >= 0.5, and the lower tail is where the CDF keeps full relative accuracy.
  if (p > 0.5) return -lowerQuantile(1 - p);
  return lowerQuantile(p);
}

/** The quantile for 0 < p <= 0.5. */
function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // One Halley step on normalCdf(x) - p: the approximation's 1e-9 becomes rounding error.
  // Deep in the tail the density underflows; the unrefined value is then the best available.
  const density = normalPdf(x);
  if (density === 0) return x;
  const u = (normalCdf(x) - p) / density;
  if (!Number.isFinite(u)) return x;
  return x - u / (1 + (x * u) / 2);
}
