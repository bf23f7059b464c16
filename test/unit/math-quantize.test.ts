import { describe, expect, it } from 'vitest';
import { decimalsOf, quantize } from '../../src/math/index.js';

describe('quantize', () => {
  it('is round(x / q) * q', () => {
    expect(quantize(7, 5)).toBe(5);
    expect(quantize(8, 5)).toBe(10);
    expect(quantize(12.5, 5)).toBe(15);
    expect(quantize(-7, 5)).toBe(-5);
    expect(quantize(0.8, 0.25)).toBe(0.75);
    expect(quantize(1234.5678, 0.01)).toBe(1234.57);
  });

  it('removes the binary noise of the product', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(quantize(0.31, 0.1)).toBe(0.3);
    expect(quantize(0.7, 0.1)).toBe(0.7);
    for (let i = -500; i <= 500; i += 1) {
      expect(quantize(i / 10 + 0.01, 0.1)).toBe(Number((i / 10).toFixed(1)) || 0);
      expect(quantize(i * 0.05 - 0.001, 0.05)).toBe(Number((i * 0.05).toFixed(2)) || 0);
    }
  });

  it('never returns -0', () => {
    expect(Object.is(quantize(-0.04, 0.1), 0)).toBe(true);
    expect(Object.is(quantize(-1, 5), 0)).toBe(true);
  });

  it('passes non-finite values through and rejects a bad q', () => {
    expect(quantize(Number.POSITIVE_INFINITY, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(quantize(Number.NaN, 1)).toBeNaN();
    expect(() => quantize(1, 0)).toThrow(RangeError);
    expect(() => quantize(1, -1)).toThrow(RangeError);
    expect(() => quantize(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('decimalsOf', () => {
  it('reads the decimals of plain and exponent notation', () => {
    expect(decimalsOf(5)).toBe(0);
    expect(decimalsOf(0.1)).toBe(1);
    expect(decimalsOf(0.25)).toBe(2);
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(2.5e-8)).toBe(9);
    expect(decimalsOf(1e21)).toBe(0);
    expect(decimalsOf(1 / 3)).toBe(15);
  });
});
