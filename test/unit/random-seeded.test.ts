import { describe, expect, it } from 'vitest';
import { MathRandom, SeededRandom } from '../../src/random/index.js';

const take = (random: { next(): number }, n: number): number[] => Array.from({ length: n }, () => random.next());

describe('SeededRandom', () => {
  it('replays the same stream for the same seed', () => {
    expect(take(new SeededRandom(42), 100)).toEqual(take(new SeededRandom(42), 100));
    expect(take(new SeededRandom('sweep-1'), 100)).toEqual(take(new SeededRandom('sweep-1'), 100));
  });

  it('gives unrelated streams for different seeds, even adjacent ones', () => {
    const a = take(new SeededRandom(1), 1000);
    const b = take(new SeededRandom(2), 1000);
    expect(a).not.toEqual(b);
    expect(a.filter((x, i) => x === b[i])).toHaveLength(0);
    let correlation = 0;
    for (let i = 0; i < a.length; i += 1) correlation += ((a[i] as number) - 0.5) * ((b[i] as number) - 0.5);
    // Independent uniforms: mean product 0, sd 1/12/sqrt(n) ~ 0.0026.
    expect(Math.abs(correlation / a.length)).toBeLessThan(0.012);
  });

  it('treats a number and its decimal text as the same seed', () => {
    expect(take(new SeededRandom(7), 10)).toEqual(take(new SeededRandom('7'), 10));
  });

  it('draws doubles in [0, 1) with more than 32 bits of resolution', () => {
    const draws = take(new SeededRandom('resolution'), 10_000);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.some((x) => !Number.isInteger(x * 2 ** 32))).toBe(true);
  });

  it('is uniform: chi-square over 20 bins and a small lag-1 correlation', () => {
    const n = 100_000;
    const draws = take(new SeededRandom(2024), n);
    const counts = new Array<number>(20).fill(0);
    for (const x of draws) counts[Math.floor(x * 20)] = (counts[Math.floor(x * 20)] as number) + 1;
    const expected = n / 20;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.82); // chi-square 19 df, alpha = 0.001
    let lag = 0;
    for (let i = 1; i < n; i += 1) lag += ((draws[i] as number) - 0.5) * ((draws[i - 1] as number) - 0.5);
    expect(Math.abs(lag / n / (1 / 12))).toBeLessThan(0.012);
  });

  it('exposes 32-bit integers', () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 1000; i += 1) {
      const x = random.nextUint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    }
  });

  // Stored sweeps replay from their seed, so the stream is part of the format: a change to the
  // generator, its seeding or its warm-up must show up here, not in a user's irreproducible sweep.
  // The integers were cross-checked with an independent Python transcription of cyrb128 + sfc32.
  it('keeps its stream stable across releases', () => {
    const words = new SeededRandom('overdrive');
    expect([words.nextUint32(), words.nextUint32(), words.nextUint32()]).toEqual([3715451478, 3532363848, 583579703]);
    expect(take(new SeededRandom(42), 3)).toEqual([0.18668818775581808, 0.8641218277134058, 0.22317073836756052]);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(RangeError);
    expect(() => new SeededRandom(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('MathRandom', () => {
  it('draws in [0, 1)', () => {
    const draws = take(new MathRandom(), 1000);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
