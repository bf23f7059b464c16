import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../src/math/index.js';
import { SeededRandom } from '../../src/random/index.js';
import { INACTIVE, SpaceEncoding } from '../../src/sampling/bayesian/index.js';
import {
  choice,
  createSearchSpace,
  decodePoint,
  loguniform,
  lognormal,
  normal,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  uniform,
  type ParamSet,
  type SearchSpaceDefinition,
} from '../../src/space/index.js';

function encodingOf(definition: SearchSpaceDefinition): {
  encoding: SpaceEncoding;
  encode: (params: ParamSet) => number[] | null;
} {
  const encoding = new SpaceEncoding(createSearchSpace(definition));
  return {
    encoding,
    encode: (params) => (encoding.encode(params) === null ? null : Array.from(encoding.encode(params) as Float64Array)),
  };
}

describe('unit-cube encoding of each expression', () => {
  it('maps real parameters to the cube coordinate that samples them (linear, log, normal CDF)', () => {
    const { encode } = encodingOf({
      u: uniform(-5, 10),
      lu: loguniform(Math.log(1e-4), Math.log(1)),
      n: normal(1, 2),
      ln: lognormal(0, 1),
    });
    const [u, lu, n, ln] = encode({ u: 2.5, lu: 1e-2, n: 1 + 2 * 1.5, ln: Math.E }) as number[];
    expect(u).toBeCloseTo(0.5, 14);
    expect(lu).toBeCloseTo(0.5, 14);
    expect(n).toBeCloseTo(normalCdf(1.5), 14);
    expect(ln).toBeCloseTo(normalCdf(1), 14);
  });

  it('encodes q-variants at their rounded value, clamping what rounding pushed past a bound', () => {
    const { encode } = encodingOf({
      qu: quniform(0, 10, 2.5),
      qlu: qloguniform(0, Math.log(100), 1),
      qn: qnormal(0, 1, 0.5),
      qln: qlognormal(0, 1, 1),
      edge: quniform(0, 1, 3),
    });
    const [qu, qlu, qn, qln, edge] = encode({ qu: 5, qlu: 10, qn: 0.5, qln: 1, edge: 3 }) as number[];
    expect(qu).toBeCloseTo(0.5, 14);
    expect(qlu).toBeCloseTo(0.5, 14);
    expect(qn).toBeCloseTo(normalCdf(0.5), 14);
    expect(qln).toBeCloseTo(0.5, 14);
    expect(edge).toBe(1);
    // round(exp(x) / 1) can be 0: log of it is -Infinity, so it sits at the lower edge.
    expect((encode({ qu: 0, qlu: 0, qn: 0, qln: 0, edge: 0 }) as number[]).slice(0, 4)).toEqual([0, 0, 0.5, 0]);
  });

  it('puts integers and numeric choices at rank positions, other choices at option indices', () => {
    const { encoding, encode } = encodingOf({
      r: randint(5),
      units: choice(16, 32, 64, 128),
      shuffled: choice(3, 1, 2),
      act: choice('relu', 'tanh', true),
      one: choice(7),
    });
    expect(encode({ r: 2, units: 64, shuffled: 3, act: true, one: 7 })).toEqual([0.5, 2 / 3, 1, 2, 0]);
    expect(encode({ r: 4, units: 16, shuffled: 1, act: 'relu', one: 7 })).toEqual([1, 0, 0, 0, 0]);
    expect(encoding.dimensions.map((d) => d.kind)).toEqual([
      'continuous',
      'continuous',
      'continuous',
      'categorical',
      'continuous',
    ]);
    expect([0, 1, 2, 3, 4].map((i) => encoding.levels(i))).toEqual([5, 4, 3, 3, 1]);
  });

  it('marks the dimensions of a nested branch not taken as inactive', () => {
    const { encoding, encode } = encodingOf({
      lr: uniform(0, 1),
      model: choice(
        { kind: 'svm', C: loguniform(-3, 3) },
        { kind: 'tree', depth: randint(10), criterion: choice('gini', 'entropy') },
        'linear',
      ),
    });
    expect(encoding.dimensions.map((d) => d.path)).toEqual([
      'lr',
      'model',
      'model[0].C',
      'model[1].depth',
      'model[1].criterion',
    ]);
    expect(encode({ lr: 0.25, model: { kind: 'tree', depth: 3, criterion: 'entropy' } })).toEqual([
      0.25,
      1,
      INACTIVE,
      3 / 9,
      1,
    ]);
    expect(encode({ lr: 0.25, model: { kind: 'svm', C: 1 } })).toEqual([0.25, 0, 0.5, INACTIVE, INACTIVE]);
    expect(encode({ lr: 0.25, model: 'linear' })).toEqual([0.25, 2, INACTIVE, INACTIVE, INACTIVE]);
  });

  it('tells two sub-spaces with the same parameter names apart by their constants', () => {
    const { encode } = encodingOf({ model: choice({ kind: 'a', x: uniform(0, 1) }, { kind: 'b', x: uniform(0, 2) }) });
    expect(encode({ model: { kind: 'b', x: 1 } })).toEqual([1, INACTIVE, 0.5]);
    expect(encode({ model: { kind: 'a', x: 1 } })).toEqual([0, 1, INACTIVE]);
  });

  it('refuses configurations that do not belong to the space', () => {
    const { encode } = encodingOf({
      lr: uniform(0, 1),
      bs: choice(16, 32),
      model: choice({ kind: 'svm', C: uniform(0, 1) }, 'tree'),
    });
    expect(encode({ lr: 0.5, bs: 64, model: 'tree' })).toBeNull();
    expect(encode({ lr: 0.5, model: 'tree' })).toBeNull();
    expect(encode({ lr: 0.5, bs: 16, model: 'tree', extra: 1 })).toBeNull();
    expect(encode({ lr: 'fast', bs: 16, model: 'tree' })).toBeNull();
    expect(encode({ lr: 0.5, bs: 16, model: { kind: 'rf', C: 0.5 } })).toBeNull();
    expect(encode({ lr: 0.5, bs: 16, model: { kind: 'svm' } })).toBeNull();
    expect(encodingOf({ n: randint(3) }).encode({ n: 1.5 })).toBeNull();
  });
});

/**
 * Discrete and quantised values must come back exactly; a real value through its CDF and back
 * may differ in the last bits (Φ⁻¹(Φ(x)) is not the identity in floating point).
 */
const EXACT = new Set(['qu', 'qlu', 'qn', 'qln', 'r', 'bs', 'opt', 'kind', 'layers', 'act', 'epochs']);
function expectSame(actual: ParamSet, expected: ParamSet): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name];
    if (typeof value === 'object') expectSame(got as ParamSet, value);
    else if (typeof value === 'number' && !EXACT.has(name))
      expect(Math.abs((got as number) - value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
    else expect(got).toBe(value);
  }
}

describe('encoding and decodePoint meet in the unit cube', () => {
  const definition: SearchSpaceDefinition = {
    u: uniform(-5, 10),
    lu: loguniform(Math.log(1e-5), 0),
    n: normal(0.9, 0.05),
    ln: lognormal(-2, 0.5),
    qu: quniform(1, 9, 0.5),
    qlu: qloguniform(0, 6, 5),
    qn: qnormal(10, 3, 1),
    qln: qlognormal(2, 1, 0.1),
    r: randint(7),
    bs: choice(256, 16, 64, 32),
    opt: choice('adam', 'sgd', false),
    model: choice(
      { kind: 'mlp', layers: randint(4), act: choice('relu', 'tanh') },
      { kind: 'linear', l2: loguniform(-8, -1) },
      'none',
    ),
    epochs: 10,
  };
  const space = createSearchSpace(definition);
  const encoding = new SpaceEncoding(space);

  it('decodes every encoded configuration back to itself, for every expression type', () => {
    const random = new SeededRandom('round-trip');
    for (let trial = 0; trial < 300; trial += 1) {
      const point = space.dimensions.map(() => random.next());
      const params = decodePoint(space, point);
      const features = encoding.encode(params);
      expect(features).not.toBeNull();
      const back = decodePoint(
        space,
        encoding.toUnitCube(features as Float64Array, () => random.next()),
      );
      expectSame(back, params);
    }
  });

  it('gives inactive coordinates the fill value and every other one a point inside the cube', () => {
    const params = decodePoint(
      space,
      space.dimensions.map(() => 0.999),
    );
    const features = encoding.encode(params) as Float64Array;
    const point = encoding.toUnitCube(features, () => -1);
    space.dimensions.forEach((dimension) => {
      const inactive = Number.isNaN(features[dimension.index] as number);
      if (inactive) expect(point[dimension.index]).toBe(-1);
      else expect(point[dimension.index]).toBeGreaterThan(0);
      if (!inactive) expect(point[dimension.index]).toBeLessThan(1);
    });
    expect(params['model']).toBe('none');
  });
});
