/**
 * The Gaussian process's hyperparameters as one vector θ, all on log scale so that the
 * optimiser's steps are relative and positivity is automatic:
 *
 *   θ = [log ℓ_1, ..., log ℓ_D, log σ²_signal, log σ²_noise]
 *
 * and their priors. Targets are standardised before the fit, so the same priors suit every
 * problem: without them a handful of observations lets the likelihood run to degenerate
 * lengthscales (every point its own island, or one flat line through all of them).
 */

export interface HyperparameterLayout {
  /** Number of features (lengthscales). */
  readonly dimensions: number;
}

export function signalIndex(layout: HyperparameterLayout): number {
  return layout.dimensions;
}

export function noiseIndex(layout: HyperparameterLayout): number {
  return layout.dimensions + 1;
}

export function hyperparameterCount(layout: HyperparameterLayout): number {
  return layout.dimensions + 2;
}

/** A Gaussian prior on one log-hyperparameter, and the box the optimiser stays in. */
export interface LogPrior {
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
}

/*
 * Lengthscales: log-normal with median √D / 2 and a wide spread (features live in [0, 1]).
 * The √D growth follows Hvarfner, Hellsten and Nardi ("Vanilla Bayesian optimization performs
 * great in high dimensions", ICML 2024, BoTorch's default): in more dimensions points are
 * farther apart, and a prior that ignores this makes the model forget everything between
 * observations. Their base median is e^√2 ≈ 4.1 times longer; at the budgets of a sweep (tens
 * of runs in a handful of dimensions) that made the model call whole dimensions irrelevant and
 * send the search to the corners of the cube (Ackley, the mixed problem: bench/sampler), while
 * √D / 2 did as well or better on every benchmark problem.
 * Noise: log-normal around e⁻⁶ ≈ 2.5e-3 of the (standardised) signal with a wide spread (sd 2
 * in log space, so BoTorch's 0.018 and 5e-5 are both within two sd): a deterministic objective
 * fits nearly noiseless and its optimum can be refined, while noisy training runs claim more
 * through the likelihood. BoTorch's centre (e⁻⁴, sd 1) held every model to a noise floor that
 * blurred the last digits of the optimum: against Optuna's GPSampler (bench/sampler, 20 seeds,
 * 50 evaluations) it lost on Branin, Hartmann-6 and the mixed problem. e⁻⁸ refined further one at
 * a time but let half the seeds of an 8-worker pool settle in Hartmann-6's second-best basin.
 */
const LENGTHSCALE_SD = Math.sqrt(3);
const LENGTHSCALE_BOUNDS = [Math.log(0.01), Math.log(100)] as const;
const SIGNAL_PRIOR: LogPrior = { mean: 0, sd: 1.5, lower: Math.log(0.01), upper: Math.log(100) };
const NOISE_PRIOR: LogPrior = { mean: -6, sd: 2, lower: Math.log(1e-6), upper: Math.log(2) };

export function lengthscalePrior(dimensions: number): LogPrior {
  const mean = Math.log(0.5 * Math.sqrt(Math.max(1, dimensions)));
  return { mean, sd: LENGTHSCALE_SD, lower: LENGTHSCALE_BOUNDS[0], upper: LENGTHSCALE_BOUNDS[1] };
}

/** The priors of every entry of θ, in layout order. */
export function hyperparameterPriors(layout: HyperparameterLayout): LogPrior[] {
  const lengthscale = lengthscalePrior(layout.dimensions);
  return [...Array.from({ length: layout.dimensions }, () => lengthscale), SIGNAL_PRIOR, NOISE_PRIOR];
}

/** log p(θ) up to a constant, adding d/dθ log p(θ) into `gradient` when given. */
export function logPrior(priors: readonly LogPrior[], theta: Float64Array, gradient: Float64Array | null): number {
  let sum = 0;
  for (let k = 0; k < priors.length; k += 1) {
    const prior = priors[k] as LogPrior;
    const z = ((theta[k] as number) - prior.mean) / prior.sd;
    sum -= 0.5 * z * z;
    if (gradient !== null) gradient[k] = (gradient[k] as number) - z / prior.sd;
  }
  return sum;
}

/** The prior's mode, clipped to the bounds: the neutral starting point of a fit. */
export function priorMode(priors: readonly LogPrior[]): Float64Array {
  return Float64Array.from(priors, (p) => Math.min(Math.max(p.mean, p.lower), p.upper));
}
