import { hyperparameterPriors, logPrior, priorMode, type LogPrior } from './hyperparameters.js';
import { minimizeBounded } from './lbfgs.js';
import { MarginalLikelihood, type TrainingData } from './marginal-likelihood.js';

export interface FitOptions {
  /**
   * Where the local searches start (the prior's mode when empty): typically the previous fit
   * (a warm start, since one more observation rarely moves the optimum far), the prior's mode
   * and a few draws from the prior (the likelihood is multimodal, and one start can stick to
   * a poor mode).
   */
  readonly starts: readonly Float64Array[];
  /** L-BFGS iterations per start. */
  readonly maxIterations: number;
}

export interface FitResult {
  /** The maximum a posteriori θ found. */
  readonly theta: Float64Array;
  /** log p(y | θ) + log p(θ) there (up to a constant); -Infinity when no start could be evaluated. */
  readonly logPosterior: number;
  readonly evaluations: number;
}

/**
 * Maximum a posteriori hyperparameters: the log marginal likelihood plus the log priors,
 * maximised by bounded L-BFGS from each start; the best end point wins.
 */
export function fitHyperparameters(data: TrainingData, options: FitOptions): FitResult {
  const likelihood = new MarginalLikelihood(data);
  const priors = hyperparameterPriors(likelihood);
  const lower = Float64Array.from(priors, (p) => p.lower);
  const upper = Float64Array.from(priors, (p) => p.upper);
  const scratch = new Float64Array(priors.length);
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    const value = logPosterior(likelihood, priors, theta, scratch);
    for (let k = 0; k < gradient.length; k += 1) gradient[k] = -(scratch[k] as number);
    return -value;
  };

  let best: FitResult = { theta: priorMode(priors), logPosterior: Number.NEGATIVE_INFINITY, evaluations: 0 };
  let evaluations = 0;
  const starts = options.starts.length > 0 ? options.starts : [priorMode(priors)];
  for (const start of starts) {
    if (start.length !== priors.length) continue;
    const result = minimizeBounded(objective, start, { lower, upper, maxIterations: options.maxIterations });
    evaluations += result.evaluations;
    const value = -result.value;
    if (Number.isFinite(value) && value > best.logPosterior)
      best = { theta: result.x, logPosterior: value, evaluations: 0 };
  }
  return { ...best, evaluations };
}

/** log p(y | θ) + log p(θ), writing its gradient into `gradient`. */
export function logPosterior(
  likelihood: MarginalLikelihood,
  priors: readonly LogPrior[],
  theta: Float64Array,
  gradient: Float64Array,
): number {
  const value = likelihood.evaluate(theta, gradient);
  if (!Number.isFinite(value)) return value;
  return value + logPrior(priors, theta, gradient);
}
