import { signalIndex, noiseIndex, type HyperparameterLayout } from './hyperparameters.js';
import { inverseSquares, matern52, matern52Slope, pairDeltas } from './kernel.js';
import {
  choleskyInPlace,
  choleskySolveInPlace,
  inverseFromCholesky,
  logDeterminantFromCholesky,
} from './linear-algebra.js';

/** Observations as the Gaussian process sees them. */
export interface TrainingData {
  /** n x d features, row-major; NaN marks an inactive feature. */
  readonly features: Float64Array;
  readonly count: number;
  readonly dimensions: number;
  /** Per feature: `CONTINUOUS` or `CATEGORICAL`. */
  readonly kinds: Uint8Array;
  /** Standardised targets to minimise. */
  readonly targets: Float64Array;
  /** Extra noise variance per observation on top of the fitted one (partial results). */
  readonly extraNoise: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Added to the diagonal so that duplicate points with almost no noise still factorise. */
export const JITTER = 1e-8;

/**
 * log p(y | X, θ) for a zero-mean GP with the Matérn-5/2 ARD kernel, and its gradient in θ:
 *
 *   log p = -½ yᵀ K⁻¹ y - ½ log det K - (n/2) log 2π
 *   ∂ log p / ∂θ = ½ tr((α αᵀ - K⁻¹) ∂K/∂θ),   α = K⁻¹ y
 *
 * The buffers are allocated once per data set because a fit evaluates this dozens of times.
 */
export class MarginalLikelihood implements HyperparameterLayout {
  readonly dimensions: number;
  private readonly data: TrainingData;
  private readonly deltas: Float64Array;
  private readonly k: Float64Array;
  private readonly inverse: Float64Array;
  private readonly work: Float64Array;
  private readonly slopes: Float64Array;
  private readonly values: Float64Array;
  private readonly alpha: Float64Array;
  private readonly inverseLengthscales: Float64Array;

  constructor(data: TrainingData) {
    const { count: n, dimensions: d } = data;
    this.data = data;
    this.dimensions = d;
    this.deltas = pairDeltas(data.features, n, d, data.kinds);
    this.k = new Float64Array(n * n);
    this.inverse = new Float64Array(n * n);
    this.work = new Float64Array(n * n);
    this.slopes = new Float64Array((n * (n - 1)) / 2);
    this.values = new Float64Array((n * (n - 1)) / 2);
    this.alpha = new Float64Array(n);
    this.inverseLengthscales = new Float64Array(d);
  }

  /**
   * The log marginal likelihood at θ, writing its gradient into `gradient` when given.
   * Returns -Infinity when K is not positive definite at θ, so an optimiser backs off.
   */
  evaluate(theta: Float64Array, gradient: Float64Array | null): number {
    const { count: n, dimensions: d, targets, extraNoise } = this.data;
    const { k, deltas, slopes, values, alpha } = this;
    const invL2 = inverseSquares(theta, this.inverseLengthscales);
    const signal = Math.exp(theta[signalIndex(this)] as number);
    const noise = Math.exp(theta[noiseIndex(this)] as number);

    let p = 0;
    for (let i = 0; i < n; i += 1) {
      k[i * n + i] = signal + noise + (extraNoise[i] as number) + JITTER;
      for (let j = i + 1; j < n; j += 1) {
        let r2 = 0;
        const offset = p * d;
        for (let c = 0; c < d; c += 1) r2 += (deltas[offset + c] as number) * (invL2[c] as number);
        const value = signal * matern52(r2);
        k[i * n + j] = value;
        k[j * n + i] = value;
        values[p] = value;
        if (gradient !== null) slopes[p] = signal * matern52Slope(r2);
        p += 1;
      }
    }
    if (!choleskyInPlace(k, n)) return Number.NEGATIVE_INFINITY;
    alpha.set(targets);
    choleskySolveInPlace(k, n, alpha);
    let fit = 0;
    for (let i = 0; i < n; i += 1) fit += (targets[i] as number) * (alpha[i] as number);
    const value = -0.5 * fit - 0.5 * logDeterminantFromCholesky(k, n) - 0.5 * n * LOG_2PI;
    if (gradient === null) return value;

    // W = α αᵀ - K⁻¹, of which only the entries multiplying ∂K are ever needed.
    const inv = this.inverse;
    inverseFromCholesky(k, n, inv, this.work);
    gradient.fill(0);
    let traceDiagonal = 0;
    let offDiagonalSignal = 0;
    for (let i = 0; i < n; i += 1)
      traceDiagonal += (alpha[i] as number) * (alpha[i] as number) - (inv[i * n + i] as number);
    p = 0;
    for (let i = 0; i < n; i += 1) {
      const ai = alpha[i] as number;
      for (let j = i + 1; j < n; j += 1) {
        const w = ai * (alpha[j] as number) - (inv[i * n + j] as number);
        const slope = w * (slopes[p] as number);
        const offset = p * d;
        for (let c = 0; c < d; c += 1) gradient[c] = (gradient[c] as number) + slope * (deltas[offset + c] as number);
        offDiagonalSignal += w * (values[p] as number);
        p += 1;
      }
    }
    for (let c = 0; c < d; c += 1) gradient[c] = (gradient[c] as number) * (invL2[c] as number);
    // ∂K/∂ log σ²_signal is the signal part of K: σ² on the diagonal, K_ij off it.
    gradient[signalIndex(this)] = 0.5 * (traceDiagonal * signal + 2 * offDiagonalSignal);
    gradient[noiseIndex(this)] = 0.5 * traceDiagonal * noise;
    return value;
  }
}
