/**
 * Objective values (to minimise) as the Gaussian process should see them: centred, scaled,
 * and with a long tail of bad values pulled in. `null` marks a run that failed without a value.
 *
 * 1. Failed runs take the worst value observed: bad enough to steer the search away from where
 *    they failed, but never worse than anything seen, so that a crash cannot stretch the scale.
 * 2. Robust centring and scaling (median, interquartile range) so that a few extreme values do
 *    not decide the scale for all the others.
 * 3. A Yeo-Johnson power transform with its exponent fitted by maximum likelihood, as HEBO does
 *    (Cowen-Rivers et al. 2022): objectives such as Rosenbrock's or a diverging training loss
 *    span orders of magnitude, and a GP fitted to them raw spends its variance on the worst
 *    points and sees the good region as flat. The exponent is kept at or below 1, so the
 *    transform only ever compresses the bad tail and stretches the good one, where the search
 *    needs resolution; it never squeezes good outliers together.
 * 4. Standardisation to mean 0, variance 1 over the real (not imputed) values, to which the
 *    hyperparameter priors are tuned.
 */
export function standardizeTargets(values: readonly (number | null)[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const observed = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (observed.length === 0) return out;
  const worst = Math.max(...observed);
  const filled = values.map((v) => (v !== null && Number.isFinite(v) ? v : worst));

  const sorted = [...observed].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  let scale = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 1.349;
  if (!(scale > 0)) scale = standardDeviation(observed);
  if (!(scale > 0)) scale = 1;
  const centred = filled.map((v) => (v - median) / scale);
  const real = centred.filter((_, i) => values[i] !== null && Number.isFinite(values[i] as number));

  const lambda = real.length >= 3 ? fitYeoJohnson(orderStatistics(real, MAX_FIT_VALUES)) : 1;
  const transformed = centred.map((z) => yeoJohnson(z, lambda));
  const realTransformed = transformed.filter((_, i) => values[i] !== null && Number.isFinite(values[i] as number));
  const mean = realTransformed.reduce((sum, t) => sum + t, 0) / realTransformed.length;
  let sd = standardDeviation(realTransformed);
  if (!(sd > 0)) sd = 1;
  for (let i = 0; i < n; i += 1) out[i] = ((transformed[i] as number) - mean) / sd;
  return out;
}

/** The Yeo-Johnson transform of z with exponent λ. */
export function yeoJohnson(z: number, lambda: number): number {
  if (z >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(z) : ((1 + z) ** lambda - 1) / lambda;
  const mirrored = 2 - lambda;
  return Math.abs(mirrored) < 1e-12 ? -Math.log1p(-z) : -((1 - z) ** mirrored - 1) / mirrored;
}

const LAMBDA_RANGE = [-1, 1] as const;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The λ that maximises the Gaussian profile log-likelihood of the transformed values,
 *   -(n/2) log σ̂²(λ) + (λ - 1) Σ sign(z) log(1 + |z|),
 * by golden-section search (it is unimodal in practice and one-dimensional).
 */
export function fitYeoJohnson(z: readonly number[]): number {
  const jacobian = z.reduce((sum, v) => sum + Math.sign(v) * Math.log1p(Math.abs(v)), 0);
  const logLikelihood = (lambda: number): number => {
    const t = z.map((v) => yeoJohnson(v, lambda));
    const variance = standardDeviation(t) ** 2;
    if (!(variance > 0) || !Number.isFinite(variance)) return Number.NEGATIVE_INFINITY;
    return -0.5 * z.length * Math.log(variance) + (lambda - 1) * jacobian;
  };
  let [a, b] = LAMBDA_RANGE as readonly [number, number];
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = logLikelihood(c);
  let fd = logLikelihood(d);
  for (let i = 0; i < 40; i += 1) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = logLikelihood(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = logLikelihood(d);
    }
  }
  const best = (a + b) / 2;
  // The ends of the range are never probed by the search itself; the identity is a candidate.
  return logLikelihood(1) >= logLikelihood(best) ? 1 : best;
}

/**
 * λ is fitted to at most this many evenly spaced order statistics: they describe the shape of
 * the distribution as well as all of the values, and the fit (40 likelihoods, each a pass over
 * the values) stays a fixed cost in a sweep of 1,000 runs instead of growing with it.
 */
const MAX_FIT_VALUES = 200;

/** `values` itself when short enough, else `count` evenly spaced order statistics of it. */
function orderStatistics(values: readonly number[], count: number): readonly number[] {
  if (values.length <= count) return values;
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: count }, (_, k) => quantile(sorted, k / (count - 1)));
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / values.length);
}
