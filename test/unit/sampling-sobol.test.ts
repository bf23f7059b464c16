import { describe, expect, it } from 'vitest';
import { SOBOL_MAX_DIMENSIONS, SobolSequence } from '../../src/sampling/index.js';

describe('SobolSequence, unscrambled', () => {
  const sobol = new SobolSequence(SOBOL_MAX_DIMENSIONS, { scramble: false });

  it('supports 128 dimensions', () => {
    expect(SOBOL_MAX_DIMENSIONS).toBe(128);
    expect(SobolSequence.MAX_DIMENSIONS).toBe(128);
  });

  it('starts with the known points', () => {
    const first = (index: number): number[] => sobol.pointAt(index).slice(0, 3);
    expect(first(0)).toEqual([0, 0, 0]);
    expect(first(1)).toEqual([0.5, 0.5, 0.5]);
    expect(first(2)).toEqual([0.75, 0.25, 0.25]);
    expect(first(3)).toEqual([0.25, 0.75, 0.75]);
    expect(first(4)).toEqual([0.375, 0.375, 0.625]);
    const sequence = new SobolSequence(2, { scramble: false });
    expect([sequence.next(), sequence.next(), sequence.next(), sequence.next()]).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
    ]);
  });

  // Reference points from scipy.stats.qmc.Sobol(d=128, scramble=False, bits=32), which ships
  // Joe and Kuo's new-joe-kuo-6.21201 numbers (fast_forward for the far indices). Every
  // coordinate of the first 4096 points in all 128 dimensions was compared when the table was
  // written; these samples keep that check, including high bits of the recurrence.
  it.each([
    [5, [0.875, 0.875, 0.125, 0.375, 0.625, 0.125, 0.125]],
    [100, [0.4140625, 0.2578125, 0.7734375, 0.1328125, 0.6484375, 0.0390625, 0.4609375]],
    [1000, [0.2197265625, 0.0966796875, 0.5185546875, 0.4794921875, 0.4462890625, 0.7685546875, 0.5439453125]],
    [
      4095,
      [0.000244140625, 0.941162109375, 0.334228515625, 0.227294921875, 0.553466796875, 0.344970703125, 0.261474609375],
    ],
    [
      2 ** 20,
      [
        1.430511474609375e-6,
        0.46875715255737305,
        0.679572582244873,
        0.3438553810119629,
        undefined,
        undefined,
        0.07662343978881836,
      ],
    ],
    [
      2 ** 32 - 1,
      [
        2.3283064365386963e-10,
        0.9999999997671694,
        0.7695363361854106,
        0.2392264159861952,
        undefined,
        undefined,
        0.6284981814678758,
      ],
    ],
  ])('matches scipy at index %i in dimensions 1, 2, 3, 40, 64, 101 and 128', (index, expected) => {
    const point = sobol.pointAt(index);
    [0, 1, 2, 39, 63, 100, 127].forEach((dimension, i) => {
      if (expected[i] !== undefined) expect(point[dimension]).toBe(expected[i]);
    });
  });

  // An FNV-1a hash of every 32-bit coordinate of points 0 to 4095 and of point 0xAAAAAAAA (whose
  // Gray code sets all 32 bits, so it XORs every direction number) in all 128 dimensions, as
  // produced by scipy. A typo anywhere in the direction table changes it.
  it('matches scipy on every dimension of the table', () => {
    let hash = 2_166_136_261;
    const mix = (point: readonly number[]): void => {
      for (const x of point) hash = Math.imul(hash ^ (x * 2 ** 32), 16_777_619) >>> 0;
    };
    for (let i = 0; i < 4096; i += 1) mix(sobol.pointAt(i));
    const far = sobol.pointAt(0xaaaaaaaa);
    mix(far);
    expect(far.slice(0, 4)).toEqual([
      0.9999999997671694, 2.3283064365386963e-10, 0.30860900855623186, 0.18769833748228848,
    ]);
    expect(hash).toBe(0xcee0b2d);
  });

  it('rejects indices and dimension counts it cannot serve', () => {
    expect(() => sobol.pointAt(2 ** 32)).toThrow(RangeError);
    expect(() => sobol.pointAt(-1)).toThrow(RangeError);
    expect(() => sobol.pointAt(1.5)).toThrow(RangeError);
    expect(() => new SobolSequence(129, { scramble: false })).toThrow(RangeError);
  });
});

describe('SobolSequence, Owen-scrambled', () => {
  const take = (sequence: SobolSequence, n: number): number[][] => Array.from({ length: n }, () => sequence.next());

  it('is reproducible from its seed and differs between seeds', () => {
    expect(take(new SobolSequence(5, { seed: 7 }), 64)).toEqual(take(new SobolSequence(5, { seed: 7 }), 64));
    const a = take(new SobolSequence(5, { seed: 7 }), 64);
    const b = take(new SobolSequence(5, { seed: 8 }), 64);
    expect(a.flat().filter((x, i) => x === b.flat()[i])).toHaveLength(0);
  });

  it('keeps every coordinate strictly inside (0, 1)', () => {
    for (const seed of [0, 1, 0xffffffff]) {
      for (const point of take(new SobolSequence(128, { seed }), 256)) {
        for (const x of point) expect(x > 0 && x < 1).toBe(true);
      }
    }
  });

  it('puts exactly one of the first 2^k points in each 1/2^k slab of every axis', () => {
    const points = take(new SobolSequence(128, { seed: 12_345 }), 1024);
    for (let k = 0; k <= 10; k += 1) {
      const n = 2 ** k;
      for (let d = 0; d < 128; d += 1) {
        const bins = new Set(points.slice(0, n).map((point) => Math.floor((point[d] as number) * n)));
        expect(bins.size).toBe(n);
      }
    }
  });

  it('keeps the (0, m, 2)-net property of the first two axes', () => {
    // 256 points: every dyadic box of area 1/256 holds exactly one point.
    const points = take(new SobolSequence(2, { seed: 99 }), 256);
    for (let a = 0; a <= 8; a += 1) {
      const boxes = new Set(
        points.map(([x = 0, y = 0]) => `${Math.floor(x * 2 ** a)},${Math.floor(y * 2 ** (8 - a))}`),
      );
      expect(boxes.size).toBe(256);
    }
  });

  it('is not the unscrambled sequence', () => {
    const raw = new SobolSequence(3, { scramble: false });
    const scrambled = new SobolSequence(3, { seed: 1 });
    const firstRaw = take(raw, 16).flat();
    const firstScrambled = take(scrambled, 16).flat();
    expect(firstScrambled.filter((x, i) => Math.abs(x - (firstRaw[i] as number)) < 1e-6).length).toBeLessThan(4);
  });

  it('is uniform on average', () => {
    const points = take(new SobolSequence(10, { seed: 3 }), 4096);
    for (let d = 0; d < 10; d += 1) {
      const mean = points.reduce((sum, point) => sum + (point[d] as number), 0) / points.length;
      // A stratified sample's mean is much tighter than a random one's (sd 0.0045 here).
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.002);
    }
  });
});
