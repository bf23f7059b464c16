import { noiseIndex, signalIndex } from './hyperparameters.js';
import { CONTINUOUS, featureDelta, inverseSquares, matern52, scaledDistance } from './kernel.js';
import { choleskyAppendInPlace, choleskyInPlace, choleskySolveInPlace, solveLowerInPlace } from './linear-algebra.js';
import { JITTER, type TrainingData } from './marginal-likelihood.js';

/** The posterior of the latent objective at one point. */
export interface Posterior {
  mean: number;
  variance: number;
}

// When K will not factorise (near-duplicate points, noise fitted to almost nothing), more
// diagonal is added in these steps before giving up.
const JITTER_STEPS = [JITTER, 1e-6, 1e-4, 1e-2] as const;

/**
 * A Gaussian process posterior at fixed hyperparameters: the Cholesky factor of K and
 * α = K⁻¹ y. Room for `capacity` points is reserved up front so that pending trials can be
 * added as fantasised observations by growing the factor, O(n²) each.
 */
export class GaussianProcess {
  readonly dimensions: number;
  readonly signalVariance: number;
  readonly noiseVariance: number;
  private size: number;
  private jitter: number;
  /** True while every feature is continuous and every stored one active. */
  private plain: boolean;
  private readonly capacity: number;
  private readonly kinds: Uint8Array;
  private readonly inverseLengthscales: Float64Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly extraNoise: Float64Array;
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kStar: Float64Array;

  private constructor(data: TrainingData, theta: Float64Array, capacity: number) {
    const d = data.dimensions;
    this.dimensions = d;
    this.capacity = capacity;
    this.kinds = data.kinds;
    this.inverseLengthscales = inverseSquares(theta, new Float64Array(d));
    this.signalVariance = Math.exp(theta[signalIndex({ dimensions: d })] as number);
    this.noiseVariance = Math.exp(theta[noiseIndex({ dimensions: d })] as number);
    this.size = data.count;
    this.jitter = JITTER;
    this.x = new Float64Array(capacity * d);
    this.x.set(data.features.subarray(0, data.count * d));
    this.y = new Float64Array(capacity);
    this.y.set(data.targets.subarray(0, data.count));
    this.plain =
      data.kinds.every((kind) => kind === CONTINUOUS) && !data.features.subarray(0, data.count * d).some(Number.isNaN);
    this.extraNoise = new Float64Array(capacity);
    this.extraNoise.set(data.extraNoise.subarray(0, data.count));
    this.l = new Float64Array(capacity * capacity);
    this.alpha = new Float64Array(capacity);
    this.kStar = new Float64Array(capacity);
  }

  /**
   * The posterior for `data` at θ, with room for `capacity` points in all; null when K does
   * not factorise even with the largest jitter (which only non-finite inputs cause).
   */
  static create(data: TrainingData, theta: Float64Array, capacity = data.count): GaussianProcess | null {
    const gp = new GaussianProcess(data, theta, Math.max(capacity, data.count));
    for (const jitter of JITTER_STEPS) {
      gp.jitter = jitter * Math.max(gp.signalVariance, 1);
      if (gp.factorise()) return gp;
    }
    return null;
  }

  get count(): number {
    return this.size;
  }

  /** Latent mean and variance at the features in `features` starting at `offset`. */
  predict(features: Float64Array, offset: number, out: Posterior): Posterior {
    const n = this.size;
    const d = this.dimensions;
    const { kStar, x, kinds, inverseLengthscales: invL2 } = this;
    let plain = this.plain;
    for (let c = 0; c < d && plain; c += 1) if (Number.isNaN(features[offset + c] as number)) plain = false;
    let mean = 0;
    for (let i = 0; i < n; i += 1) {
      let r2 = 0;
      const row = i * d;
      if (plain) {
        // All continuous and active (the common case): no per-feature branching.
        for (let c = 0; c < d; c += 1) {
          const diff = (features[offset + c] as number) - (x[row + c] as number);
          r2 += diff * diff * (invL2[c] as number);
        }
      } else {
        for (let c = 0; c < d; c += 1) {
          r2 +=
            featureDelta(features[offset + c] as number, x[row + c] as number, kinds[c] as number) *
            (invL2[c] as number);
        }
      }
      const k = this.signalVariance * matern52(r2);
      kStar[i] = k;
      mean += k * (this.alpha[i] as number);
    }
    solveLowerInPlace(this.l, n, kStar, this.capacity);
    let explained = 0;
    for (let i = 0; i < n; i += 1) explained += (kStar[i] as number) * (kStar[i] as number);
    out.mean = mean;
    // Rounding can take the difference below zero where the point is an observation.
    out.variance = Math.max(this.signalVariance - explained, 1e-12 * this.signalVariance);
    return out;
  }

  /**
   * The latent mean at training point i, in O(1): K_f α = (K - D) α = y - D α, where D is the
   * noise on the diagonal. Scoring the incumbent this way spares n full predictions.
   */
  trainingMean(i: number): number {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`GaussianProcess: no training point ${i}`);
    const diagonal = this.noiseVariance + (this.extraNoise[i] as number) + this.jitter;
    return (this.y[i] as number) - diagonal * (this.alpha[i] as number);
  }

  /**
   * Conditions on one more observation (a pending trial's fantasised result). Returns false,
   * leaving the posterior as it was, when the point cannot be added (a noiseless duplicate).
   */
  condition(features: Float64Array, target: number, extraNoise = 0): boolean {
    const n = this.size;
    if (n >= this.capacity) throw new RangeError('GaussianProcess: no room reserved for another observation');
    const d = this.dimensions;
    const column = new Float64Array(n);
    this.x.set(features.subarray(0, d), n * d);
    if (features.subarray(0, d).some(Number.isNaN)) this.plain = false;
    for (let i = 0; i < n; i += 1) {
      column[i] =
        this.signalVariance * matern52(scaledDistance(this.x, i, this.x, n, d, this.kinds, this.inverseLengthscales));
    }
    const diagonal = this.signalVariance + this.noiseVariance + extraNoise + this.jitter;
    if (!choleskyAppendInPlace(this.l, n, this.capacity, column, diagonal)) return false;
    this.y[n] = target;
    this.extraNoise[n] = extraNoise;
    this.size = n + 1;
    this.solveAlpha();
    return true;
  }

  private factorise(): boolean {
    const extraNoise = this.extraNoise;
    const n = this.size;
    const d = this.dimensions;
    const stride = this.capacity;
    const { l, x } = this;
    for (let i = 0; i < n; i += 1) {
      l[i * stride + i] = this.signalVariance + this.noiseVariance + (extraNoise[i] as number) + this.jitter;
      for (let j = 0; j < i; j += 1) {
        l[i * stride + j] =
          this.signalVariance * matern52(scaledDistance(x, i, x, j, d, this.kinds, this.inverseLengthscales));
      }
    }
    if (!choleskyInPlace(l, n, stride)) return false;
    this.solveAlpha();
    return true;
  }

  private solveAlpha(): void {
    const n = this.size;
    this.alpha.set(this.y.subarray(0, n));
    choleskySolveInPlace(this.l, n, this.alpha, this.capacity);
  }
}
