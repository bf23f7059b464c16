import { erfcx, normalCdf, normalPdf } from '../../math/normal.js';

/*
 * Expected improvement (for minimisation) at a point with posterior N(μ, σ²) and incumbent f*:
 *
 *   EI = σ h(z),   z = (f* - μ) / σ,   h(z) = φ(z) + z Φ(z)
 *
 * EI itself underflows to exactly 0 once z < -38 or so, and then every candidate far from the
 * incumbent ties at 0 and the search has nothing to climb: after a few dozen observations that
 * is most of the space. Its logarithm stays finite and ordered everywhere (Ament et al.,
 * "Unexpected Improvements to Expected Improvement for Bayesian Optimization", NeurIPS 2023).
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
// Below this, 1 - |z| √(π/2) erfcx(|z|/√2) ≈ 1/z² starts losing digits to cancellation, while
// the asymptotic series h(z) = φ(z) (1/z² - 3/z⁴ + 15/z⁶ - 105/z⁸ + ...) already has all of them
// (its next term is below 1e-13 relative at |z| = 100).
const ASYMPTOTIC_BELOW = -100;

/** log h(z): finite and increasing for every z with z² finite (|z| < 1e154). */
export function logH(z: number): number {
  if (z > -1) return Math.log(normalPdf(z) + z * normalCdf(z));
  if (z > ASYMPTOTIC_BELOW) {
    // h(z) = φ(z) (1 - |z| √(π/2) erfcx(|z|/√2)) for z < 0, with φ and erfcx on log scale.
    const a = -z;
    return -0.5 * z * z - HALF_LOG_2PI + log1mexp(Math.log(a * erfcx(a / Math.SQRT2)) + HALF_LOG_PI_OVER_2);
  }
  const inverseSquare = 1 / (z * z);
  const series = inverseSquare * (-3 + inverseSquare * (15 - 105 * inverseSquare));
  return -0.5 * z * z - HALF_LOG_2PI - 2 * Math.log(-z) + Math.log1p(series);
}

/** log(1 - e^x) for x < 0, accurate near 0 and for large |x| (Mächler 2012). */
export function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log EI for minimisation: finite wherever (f* - μ) / σ is (see `logH`). */
export function logExpectedImprovement(mean: number, variance: number, incumbent: number): number {
  const sigma = Math.sqrt(variance);
  return logH((incumbent - mean) / sigma) + Math.log(sigma);
}
