import { describe, expect, it } from 'vitest';
import { normalQuantile, quantize } from '../../src/math/index.js';
import type { RandomSource } from '../../src/random/index.js';
import { SeededRandom } from '../../src/random/index.js';
import {
  choice,
  createSearchSpace,
  decodePoint,
  flattenParams,
  loguniform,
  lognormal,
  normal,
  paramsKey,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  sampleSpace,
  uniform,
} from '../../src/space/index.js';

describe('decodePoint', () => {
  const space = createSearchSpace({
    c: choice('a', 'b', 'c'),
    n: randint(10),
    u: uniform(2, 6),
    lu: loguniform(0, 2),
    nm: normal(1, 2),
    ln: lognormal(0, 1),
    qu: quniform(0, 1, 0.1),
    qlu: qloguniform(0, 3, 5),
    qn: qnormal(10, 3, 2),
    qln: qlognormal(1, 0.5, 0.25),
    k: 'constant',
  });

  it('applies the SPEC formula of every expression', () => {
    const params = decodePoint(space, [0.5, 0.99, 0.25, 0.5, 0.975, 0.5, 0.34, 0.5, 0.5, 0.5]);
    expect(params['c']).toBe('b'); // floor(0.5 * 3) = 1
    expect(params['n']).toBe(9); // floor(0.99 * 10)
    expect(params['u']).toBe(3); // 2 + 0.25 * 4
    expect(params['lu']).toBe(Math.E); // exp(0 + 0.5 * 2)
    expect(params['nm']).toBeCloseTo(1 + 2 * 1.959963984540054, 12);
    expect(params['ln']).toBe(1); // exp(0 + 1 * 0)
    expect(params['qu']).toBe(0.3); // round(0.34 / 0.1) * 0.1, without the 0.30000000000000004
    expect(params['qlu']).toBe(5); // round(exp(1.5) / 5) * 5 = round(0.896) * 5
    expect(params['qn']).toBe(10); // round(10 / 2) * 2
    expect(params['qln']).toBe(2.75); // round(e / 0.25) * 0.25 = 11 * 0.25
    expect(params['k']).toBe('constant');
  });

  it('maps the ends of [0, 1] to finite values inside the support', () => {
    const low = decodePoint(space, new Array<number>(10).fill(0));
    const high = decodePoint(space, new Array<number>(10).fill(1));
    expect(low['c']).toBe('a');
    expect(high['c']).toBe('c');
    expect(low['n']).toBe(0);
    expect(high['n']).toBe(9);
    expect(low['u']).toBe(2);
    expect(high['u']).toBe(6);
    for (const params of [low, high]) {
      for (const name of ['nm', 'ln', 'qn', 'qln']) expect(Number.isFinite(params[name])).toBe(true);
    }
    // The normal quantile is clamped to 2^-53 and 1 - 2^-53, symmetrically.
    expect(low['nm']).toBeCloseTo(1 + 2 * normalQuantile(2 ** -53), 10);
    expect((low['nm'] as number) - 1).toBeCloseTo(-((high['nm'] as number) - 1), 10);
  });

  it('matches round(base / q) * q for every q-variant on fixed points', () => {
    const bases = createSearchSpace({
      a: uniform(-3, 7),
      b: loguniform(-1, 4),
      c: normal(2, 5),
      d: lognormal(0.5, 0.8),
    });
    const quantised = createSearchSpace({
      a: quniform(-3, 7, 0.5),
      b: qloguniform(-1, 4, 2),
      c: qnormal(2, 5, 0.1),
      d: qlognormal(0.5, 0.8, 0.05),
    });
    const qs = { a: 0.5, b: 2, c: 0.1, d: 0.05 } as const;
    for (let i = 0; i <= 200; i += 1) {
      const u = [i / 200, ((i * 7919) % 201) / 200, ((i * 104_729) % 201) / 200, ((i * 31) % 201) / 200];
      const base = decodePoint(bases, u);
      const rounded = decodePoint(quantised, u);
      for (const name of ['a', 'b', 'c', 'd'] as const) {
        const q = qs[name];
        const value = rounded[name] as number;
        expect(value).toBe(quantize(base[name] as number, q));
        expect(value).toBeCloseTo(Math.round((base[name] as number) / q) * q, 9);
        expect(Math.abs(value / q - Math.round(value / q))).toBeLessThan(1e-9);
      }
    }
  });

  it('decodes a nested choice into the chosen sub-configuration from its own dimensions', () => {
    const nested = createSearchSpace({
      lr: uniform(0, 1),
      model: choice(
        { kind: 'svm', C: uniform(1, 3) },
        { kind: 'rf', trees: randint(100), depth: choice(3, 5) },
        'none',
      ),
    });
    // dimensions: 0 lr, 1 model, 2 model[0].C, 3 model[1].trees, 4 model[1].depth
    expect(decodePoint(nested, [0.5, 0.1, 0.5, 0.9, 0.9])).toEqual({ lr: 0.5, model: { kind: 'svm', C: 2 } });
    expect(decodePoint(nested, [0.5, 0.5, 0.5, 0.9, 0.9])).toEqual({
      lr: 0.5,
      model: { kind: 'rf', trees: 90, depth: 5 },
    });
    expect(decodePoint(nested, [0.5, 0.9, 0.5, 0.9, 0.9])).toEqual({ lr: 0.5, model: 'none' });
  });

  it('rejects a point with a missing or out-of-range coordinate', () => {
    expect(() => decodePoint(space, [0.5])).toThrow(/coordinate 1 \(n\)/);
    expect(() => decodePoint(space, [0.5, 0.5, 1.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])).toThrow(RangeError);
    expect(() => decodePoint(space, [0.5, 0.5, Number.NaN, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])).toThrow(RangeError);
  });
});

describe('sampleSpace', () => {
  class CountingRandom implements RandomSource {
    calls = 0;
    private readonly inner = new SeededRandom('counting');
    next(): number {
      this.calls += 1;
      return this.inner.next();
    }
  }

  it('draws one uniform per dimension, inactive branches included', () => {
    const space = createSearchSpace({
      model: choice({ C: uniform(0, 1), gamma: loguniform(-5, 0) }, { trees: randint(10) }, 'none'),
      lr: uniform(0, 1),
      batch: 32,
    });
    expect(space.dimensions).toHaveLength(5);
    const random = new CountingRandom();
    const kinds = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const params = sampleSpace(space, random);
      kinds.add(typeof params['model'] === 'object' ? Object.keys(params['model']).join(',') : String(params['model']));
      expect(random.calls).toBe(5 * (i + 1));
    }
    expect(kinds).toEqual(new Set(['C,gamma', 'trees', 'none']));
  });

  it('is the decode of the draws in dimension order', () => {
    const space = createSearchSpace({ a: uniform(0, 10), b: choice('x', 'y'), c: normal(0, 1) });
    const draws = new SeededRandom(5);
    const u = [draws.next(), draws.next(), draws.next()];
    expect(sampleSpace(space, new SeededRandom(5))).toEqual(decodePoint(space, u));
  });
});

describe('flattenParams and paramsKey', () => {
  it('flattens nested configurations into dotted keys', () => {
    expect(
      flattenParams({ lr: 0.1, model: { kind: 'svm', C: 2, opt: { name: 'adam', beta: 0.9 } }, on: true }),
    ).toEqual({
      lr: 0.1,
      'model.kind': 'svm',
      'model.C': 2,
      'model.opt.name': 'adam',
      'model.opt.beta': 0.9,
      on: true,
    });
  });

  it('keys equal configurations equally, whatever the key order, and keeps types apart', () => {
    expect(paramsKey({ a: 1, b: { c: 'x', d: 2 } })).toBe(paramsKey({ b: { d: 2, c: 'x' }, a: 1 }));
    expect(paramsKey({ a: 1 })).not.toBe(paramsKey({ a: '1' }));
    expect(paramsKey({ a: 1 })).not.toBe(paramsKey({ a: true }));
    expect(paramsKey({ a: 1 })).not.toBe(paramsKey({ a: 2 }));
  });
});
