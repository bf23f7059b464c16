import { describe, expect, it } from 'vitest';
import { erfcx, normalCdf, normalPdf } from '../../src/math/index.js';
import { SeededRandom } from '../../src/random/index.js';
import {
  CATEGORICAL,
  CONTINUOUS,
  GaussianProcess,
  MarginalLikelihood,
  choleskyAppendInPlace,
  choleskyInPlace,
  choleskySolveInPlace,
  featureDelta,
  fitHyperparameters,
  fitYeoJohnson,
  hyperparameterPriors,
  inverseFromCholesky,
  logDeterminantFromCholesky,
  logExpectedImprovement,
  logH,
  logPosterior,
  matern52,
  matern52Slope,
  minimizeBounded,
  priorMode,
  standardizeTargets,
  yeoJohnson,
  type TrainingData,
} from '../../src/sampling/bayesian/index.js';

/** Training data from plain arrays; features row by row. */
function dataOf(
  rows: readonly (readonly number[])[],
  targets: readonly number[],
  kinds?: readonly number[],
  extra?: readonly number[],
): TrainingData {
  const d = rows[0]?.length ?? 0;
  return {
    features: Float64Array.from(rows.flat()),
    count: rows.length,
    dimensions: d,
    kinds: Uint8Array.from(kinds ?? Array.from({ length: d }, () => CONTINUOUS)),
    targets: Float64Array.from(targets),
    extraNoise: Float64Array.from(extra ?? targets.map(() => 0)),
  };
}

/** θ = [log ℓ..., log σ²_signal, log σ²_noise]. */
function theta(lengthscales: readonly number[], signal: number, noise: number): Float64Array {
  return Float64Array.from([...lengthscales.map(Math.log), Math.log(signal), Math.log(noise)]);
}

describe('Matérn-5/2 kernel', () => {
  it('matches (1 + √5 r + 5r²/3) e^(-√5 r) computed by hand', () => {
    expect(matern52(0)).toBe(1);
    // r = 1: (1 + 2.2360680 + 1.6666667) e^-2.2360680 = 4.9027347 x 0.1068779
    expect(matern52(1)).toBeCloseTo(0.5239941088318203, 14);
    expect(matern52(0.25)).toBeCloseTo(0.8286491424181255, 14);
    expect(matern52(4)).toBeCloseTo(0.13866021913850426, 14);
  });

  it('has the slope used by the lengthscale gradient: dM/d(log ℓ) = slope · r² for one feature', () => {
    // M(r² / ℓ²) differentiated in log ℓ at ℓ = 1 is -2 r² M'(r²) = slope(r²) · r².
    for (const r2 of [0.01, 0.3, 1, 2.5]) {
      const h = 1e-6;
      const numeric = (matern52(r2 * Math.exp(-2 * h)) - matern52(r2 * Math.exp(2 * h))) / (2 * h);
      expect(matern52Slope(r2) * r2).toBeCloseTo(numeric, 7);
    }
  });

  it('compares categorical features by equality and inactive ones as maximally different', () => {
    expect(featureDelta(0.2, 0.5, CONTINUOUS)).toBeCloseTo(0.09, 15);
    expect(featureDelta(2, 2, CATEGORICAL)).toBe(0);
    expect(featureDelta(0, 2, CATEGORICAL)).toBe(1);
    expect(featureDelta(Number.NaN, Number.NaN, CONTINUOUS)).toBe(0);
    expect(featureDelta(Number.NaN, 0.1, CONTINUOUS)).toBe(1);
    expect(featureDelta(1, Number.NaN, CATEGORICAL)).toBe(1);
  });
});

describe('Cholesky and friends', () => {
  // The textbook example: A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
  const A = [4, 12, -16, 12, 37, -43, -16, -43, 98];

  it('factorises in place to the known factor, zeroing the upper triangle', () => {
    const a = Float64Array.from(A);
    expect(choleskyInPlace(a, 3)).toBe(true);
    expect(Array.from(a)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(logDeterminantFromCholesky(a, 3)).toBeCloseTo(Math.log(36), 14);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(choleskyInPlace(Float64Array.from([0, 0, 0, 1]), 2)).toBe(false);
  });

  it('solves A x = b and inverts A', () => {
    const l = Float64Array.from(A);
    choleskyInPlace(l, 3);
    // x = (1, 2, 3): b = A x.
    const b = Float64Array.from([4 * 1 + 12 * 2 - 16 * 3, 12 + 74 - 129, -16 - 86 + 294]);
    choleskySolveInPlace(l, 3, b);
    expect(Array.from(b).map((v) => Number(v.toFixed(10)))).toEqual([1, 2, 3]);
    const inverse = new Float64Array(9);
    inverseFromCholesky(l, 3, inverse, new Float64Array(9));
    for (let i = 0; i < 3; i += 1) {
      for (let j = 0; j < 3; j += 1) {
        let sum = 0;
        for (let k = 0; k < 3; k += 1) sum += (A[i * 3 + k] as number) * (inverse[k * 3 + j] as number);
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('grows a factor by one row exactly as factorising the bordered matrix would', () => {
    const stride = 3;
    const l = new Float64Array(9);
    l.set([4, 0, 0, 12, 37, 0]);
    expect(choleskyInPlace(l, 2, stride)).toBe(true);
    expect(choleskyAppendInPlace(l, 2, stride, Float64Array.from([-16, -43]), 98)).toBe(true);
    expect(Array.from(l)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    const duplicate = new Float64Array(4);
    duplicate[0] = 1;
    choleskyInPlace(duplicate, 1, 2);
    expect(choleskyAppendInPlace(duplicate, 1, 2, Float64Array.from([1]), 1)).toBe(false);
  });
});

describe('Gaussian process posterior', () => {
  // Two observations in 1-D, ℓ = 1, σ² = 1, noise 1e-4: small enough to solve by hand.
  const noise = 1e-4;
  const data = dataOf([[0], [1]], [1, -1]);
  const gp = GaussianProcess.create(data, theta([1], 1, noise))!;

  it('gives the closed-form mean and variance between the points', () => {
    const k01 = matern52(1);
    const kStar = matern52(0.25);
    // K = [[a, c], [c, a]] with a = 1 + noise + jitter; K⁻¹ y for y = (1, -1) is (1, -1) / (a - c).
    const a = 1 + noise + 1e-8;
    const alpha = 1 / (a - k01);
    const mean = kStar * alpha - kStar * alpha;
    // k*ᵀ K⁻¹ k* with k* = (m, m): 2 m² / (a + c).
    const variance = 1 - (2 * kStar * kStar) / (a + k01);
    const out = gp.predict(Float64Array.from([0.5]), 0, { mean: 0, variance: 0 });
    expect(out.mean).toBeCloseTo(mean, 12);
    expect(out.variance).toBeCloseTo(variance, 10);
    const at = gp.predict(Float64Array.from([0.25]), 0, { mean: 0, variance: 0 });
    const k0 = matern52(0.0625);
    const k1 = matern52(0.5625);
    // K⁻¹ = [[a, -c], [-c, a]] / (a² - c²).
    const det = a * a - k01 * k01;
    const w0 = (a * k0 - k01 * k1) / det;
    const w1 = (a * k1 - k01 * k0) / det;
    expect(at.mean).toBeCloseTo(w0 * 1 + w1 * -1, 12);
    expect(at.variance).toBeCloseTo(1 - (w0 * k0 + w1 * k1), 10);
  });

  it('interpolates the observations and reverts to the prior far away', () => {
    const near = gp.predict(Float64Array.from([0]), 0, { mean: 0, variance: 0 });
    expect(near.mean).toBeCloseTo(1, 3);
    expect(near.variance).toBeLessThan(2 * noise);
    expect(gp.trainingMean(0)).toBeCloseTo(near.mean, 12);
    const far = gp.predict(Float64Array.from([40]), 0, { mean: 0, variance: 0 });
    expect(far.mean).toBeCloseTo(0, 10);
    expect(far.variance).toBeCloseTo(1, 10);
  });

  it('conditions on a fantasy so the variance there collapses', () => {
    const grown = GaussianProcess.create(data, theta([1], 1, noise), 3)!;
    const before = grown.predict(Float64Array.from([0.5]), 0, { mean: 0, variance: 0 });
    expect(grown.condition(Float64Array.from([0.5]), before.mean)).toBe(true);
    const after = grown.predict(Float64Array.from([0.5]), 0, { mean: 0, variance: 0 });
    expect(after.variance).toBeLessThan(before.variance / 100);
    expect(after.mean).toBeCloseTo(before.mean, 3);
    expect(grown.count).toBe(3);
    expect(() => grown.condition(Float64Array.from([0.7]), 0)).toThrow(RangeError);
  });
});

describe('log expected improvement', () => {
  it('equals log(φ(z) + zΦ(z)) where that is representable', () => {
    for (const z of [3, 1, 0, -0.5, -1, -2, -5, -10]) {
      expect(logH(z)).toBeCloseTo(Math.log(normalPdf(z) + z * normalCdf(z)), 9);
    }
  });

  it('stays finite, accurate and increasing far in the tails', () => {
    // References from mpmath at 50 digits: log(npdf(z) + z ncdf(z)).
    expect(logH(-20)).toBeCloseTo(-206.9178385094251, 9);
    expect(logH(-38)).toBeCloseTo(-730.1961834021138, 9);
    expect(logH(-100)).toBeCloseTo(-5010.12957880025, 8);
    expect(logH(-1000)).toBeCloseTo(-500014.73445209116, 6);
    const zs = [-1e150, -1e100, -1e20, -1e8, -1e4, -1000, -100.01, -100, -99.99, -50, -38, -1.0001, -1, -0.9999, 0, 5];
    const values = zs.map(logH);
    for (const v of values) expect(Number.isFinite(v)).toBe(true);
    for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
  });

  it('never gives -Infinity or NaN for a confident prediction far from the incumbent', () => {
    expect(Number.isFinite(logExpectedImprovement(50, 1e-12, -50))).toBe(true);
    expect(Number.isFinite(logExpectedImprovement(1e6, 1e-24, 0))).toBe(true);
    expect(logExpectedImprovement(10, 1, 0)).toBeLessThan(logExpectedImprovement(1, 1, 0));
    // Plain EI underflows here; its log is what the search can still climb.
    expect(Math.exp(logExpectedImprovement(50, 1, 0))).toBe(0);
  });

  it('uses an erfcx that matches exp(x²) erfc(x) and its asymptote', () => {
    expect(erfcx(0)).toBe(1);
    expect(erfcx(5)).toBeCloseTo(0.1107046377330686, 14);
    expect(erfcx(10)).toBeCloseTo(0.05614099274382259, 14);
    expect(erfcx(1e9)).toBeCloseTo(1 / (Math.sqrt(Math.PI) * 1e9), 20);
    expect(() => erfcx(-1)).toThrow(RangeError);
  });
});

describe('marginal likelihood and the hyperparameter fit', () => {
  const random = new SeededRandom('gp-fit');
  const rows = Array.from({ length: 25 }, () => [random.next(), random.next(), Math.floor(random.next() * 3)]);
  // Depends strongly on x0, weakly on x1, and on the category.
  const targets = standardizeTargets(
    rows.map(([x0, x1, c]) => Math.sin(6 * (x0 as number)) + 0.1 * (x1 as number) + 0.5 * (c as number)),
  );
  const data = dataOf(
    rows,
    Array.from(targets),
    [CONTINUOUS, CONTINUOUS, CATEGORICAL],
    rows.map((_, i) => (i % 5 === 0 ? 0.1 : 0)),
  );

  it('has the analytic gradient of its finite differences', () => {
    const likelihood = new MarginalLikelihood(data);
    const at = theta([0.4, 2, 0.7], 1.3, 0.01);
    const gradient = new Float64Array(at.length);
    likelihood.evaluate(at, gradient);
    const h = 1e-6;
    for (let k = 0; k < at.length; k += 1) {
      const plus = Float64Array.from(at);
      const minus = Float64Array.from(at);
      plus[k] = (plus[k] as number) + h;
      minus[k] = (minus[k] as number) - h;
      const numeric = (likelihood.evaluate(plus, null) - likelihood.evaluate(minus, null)) / (2 * h);
      expect(gradient[k]).toBeCloseTo(numeric, 4);
    }
  });

  it('has the value of -½ yᵀK⁻¹y - ½ log det K - (n/2) log 2π computed directly', () => {
    const small = dataOf([[0], [0.5]], [1, -1]);
    const noise = 0.01;
    const c = matern52(0.25 / 0.09);
    const a = 1 + noise + 1e-8;
    const det = a * a - c * c;
    const quadratic = (a * 2 + c * 2) / det; // yᵀ K⁻¹ y for y = (1, -1)
    const expected = -0.5 * quadratic - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
    expect(new MarginalLikelihood(small).evaluate(theta([0.3], 1, noise), null)).toBeCloseTo(expected, 10);
  });

  it('improves the log posterior from a poor start and finds that x0 matters more than x1', () => {
    const likelihood = new MarginalLikelihood(data);
    const priors = hyperparameterPriors(likelihood);
    const poor = theta([20, 0.02, 20], 0.05, 0.5);
    const scratch = new Float64Array(poor.length);
    const startValue = logPosterior(likelihood, priors, poor, scratch);
    const fit = fitHyperparameters(data, { starts: [poor], maxIterations: 60 });
    expect(fit.logPosterior).toBeGreaterThan(startValue + 5);
    expect(likelihood.evaluate(fit.theta, null)).toBeGreaterThan(likelihood.evaluate(poor, null));
    expect(fit.theta[0]).toBeLessThan(fit.theta[1] as number);
    const fromMode = fitHyperparameters(data, { starts: [priorMode(priors)], maxIterations: 60 });
    expect(fromMode.logPosterior).toBeGreaterThanOrEqual(logPosterior(likelihood, priors, priorMode(priors), scratch));
  });
});

describe('bounded L-BFGS', () => {
  it('finds the Rosenbrock minimum', () => {
    const result = minimizeBounded(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      {
        lower: Float64Array.from([-5, -5]),
        upper: Float64Array.from([5, 5]),
        maxIterations: 200,
        relativeTolerance: 0,
      },
    );
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('stops on the bound when the unconstrained minimum lies outside the box', () => {
    const result = minimizeBounded(
      (x, g) => {
        g[0] = 2 * ((x[0] as number) - 3);
        g[1] = 2 * ((x[1] as number) + 1);
        return ((x[0] as number) - 3) ** 2 + ((x[1] as number) + 1) ** 2;
      },
      Float64Array.from([0, 0]),
      { lower: Float64Array.from([-1, -1]), upper: Float64Array.from([1, 1]), maxIterations: 50 },
    );
    expect(Array.from(result.x)).toEqual([1, -1]);
  });
});

describe('target standardisation', () => {
  it('imputes a failed run with the worst value and keeps the scale of the real ones', () => {
    const real = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4];
    const alone = standardizeTargets(real);
    const withFailures = standardizeTargets([...real, null, null, null]);
    for (let i = 0; i < real.length; i += 1) expect(withFailures[i]).toBeCloseTo(alone[i] as number, 12);
    const worst = Math.max(...alone);
    for (const i of [6, 7, 8]) expect(withFailures[i]).toBeCloseTo(worst, 12);
  });

  it('centres and scales to mean 0 and variance 1, keeping the order', () => {
    const values = [3, 1, 4, 1.5, 9, 2.6];
    const out = Array.from(standardizeTargets(values));
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    const variance = out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(1, 12);
    const order = (xs: readonly number[]) => xs.map((_, i) => i).sort((a, b) => (xs[a] as number) - (xs[b] as number));
    expect(order(out)).toEqual(order(values));
  });

  it('pulls in a long tail of bad values, and only that tail', () => {
    const skewed = [1, 2, 3, 4, 5, 6, 7, 8, 1e4, 1e5];
    expect(fitYeoJohnson(skewed.map((v) => (v - 4.5) / 3))).toBeLessThan(0.5);
    const out = standardizeTargets(skewed);
    // Without the transform the eight good values would sit within 0.03 of each other.
    expect((out[7] as number) - (out[0] as number)).toBeGreaterThan(0.5);
    expect(fitYeoJohnson([-3, -2.5, -1, 0, 0.1, 0.2, 0.3])).toBeLessThanOrEqual(1);
    expect(yeoJohnson(2, 1)).toBe(2);
    expect(yeoJohnson(-2, 1)).toBe(-2);
    expect(yeoJohnson(Math.E - 1, 0)).toBeCloseTo(1, 14);
  });

  it('gives zeros when nothing has a value and copes with a constant objective', () => {
    expect(Array.from(standardizeTargets([null, null]))).toEqual([0, 0]);
    expect(Array.from(standardizeTargets([2, 2, 2]))).toEqual([0, 0, 0]);
  });
});
