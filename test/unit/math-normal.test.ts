import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalPdf, normalQuantile } from '../../src/math/index.js';

// Reference values from scipy.stats.norm.ppf / norm.cdf and scipy.special.erfc (scipy 1.17).
const QUANTILES: readonly (readonly [number, number])[] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965322],
  [1e-20, -9.262340089798409],
  [1e-10, -6.361340902404056],
  [1e-5, -4.264890793922825],
  [0.001, -3.090232306167813],
  [0.02, -2.053748910631823],
  [0.02425, -1.972961051311885],
  [0.1, -1.2815515655446004],
  [0.3, -0.5244005127080409],
  [0.6, 0.2533471031357997],
  [0.975, 1.959963984540054],
  [0.999, 3.090232306167813],
  [1 - 1e-10, 6.361340889697422],
];

const CDF: readonly (readonly [number, number])[] = [
  [-30, 4.906713927147908e-198],
  [-20, 2.7536241186061556e-89],
  [-10, 7.61985302416047e-24],
  [-5, 2.866515718791933e-7],
  [-2.8, 0.002555130330427932],
  [-2, 0.022750131948179195],
  [-1, 0.15865525393145707],
  [0, 0.5],
  [1, 0.8413447460685429],
  [3, 0.9986501019683699],
  [8, 0.9999999999999993],
];

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('normalQuantile', () => {
  it.each(QUANTILES)('normalQuantile(%s) = %s to 1e-13', (p, z) => {
    expectRelativelyClose(normalQuantile(p), z, 1e-13);
  });

  it('gives the textbook 97.5% point', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
  });

  it('is exactly antisymmetric and exact at the centre and the ends', () => {
    // 1 - upper is exact for upper >= 0.5, so both sides see the same probability mass.
    for (const upper of [1 - 1e-12, 0.99, 0.8, 0.51]) expect(normalQuantile(upper)).toBe(-normalQuantile(1 - upper));
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('inverts normalCdf across the range, both regions of the approximation included', () => {
    for (let i = 1; i < 1000; i += 1) {
      const p = i / 1000;
      expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-13);
    }
    for (let e = -300; e <= -2; e += 7) {
      const p = 10 ** e;
      expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-12);
    }
  });

  it('is increasing', () => {
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 1; i < 10_000; i += 1) {
      const z = normalQuantile(i / 10_000);
      expect(z).toBeGreaterThan(previous);
      previous = z;
    }
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe('normalCdf', () => {
  it.each(CDF)('normalCdf(%s) = %s to 1e-13', (x, p) => {
    expectRelativelyClose(normalCdf(x), p, 1e-13);
  });

  it('is symmetric: cdf(x) + cdf(-x) = 1', () => {
    for (let x = 0; x < 8; x += 0.37) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });

  it('saturates without NaN far in the tails', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe('erfc and normalPdf', () => {
  it.each([
    [0, 1],
    [0.1, 0.8875370839817152],
    [1, 0.15729920705028516],
    [2, 0.004677734981047266],
    [3, 2.2090496998585445e-5],
    [10, 2.0884875837625446e-45],
    [26, 5.663192408856145e-296],
    [-1, 1.8427007929497148],
  ])('erfc(%s) = %s', (x, expected) => {
    expectRelativelyClose(erfc(x), expected, 1e-13);
  });

  it('normalPdf peaks at 1/sqrt(2 pi)', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normalPdf(1)).toBeCloseTo(0.24197072451914337, 15);
  });
});
