import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { SeededRandom, type RandomSource } from '../../src/random/index.js';
import { RandomParameterSampling, samplingFromRecord, type Sampler } from '../../src/sampling/index.js';
import { choice, loguniform, normal, randint, range, uniform, type ParamSet } from '../../src/space/index.js';

const definition = {
  '--learning_rate': loguniform(-6, -1),
  batch_size: choice(16, 32, 64),
  model: choice({ kind: 'mlp', layers: randint(4) }, { kind: 'linear', l2: uniform(0, 0.1) }),
  momentum: normal(0.9, 0.02),
  epochs: 10,
};

async function take(sampler: Sampler, n: number): Promise<ParamSet[]> {
  const out: ParamSet[] = [];
  for (let i = 0; i < n; i += 1) {
    const params = await sampler.next({ observations: [] });
    if (params === null) throw new Error('random sampling ran out');
    out.push(params);
  }
  return out;
}

function rejection(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('RandomParameterSampling', () => {
  it('describes itself as an unbounded random sampling over the validated space', () => {
    const sampling = new RandomParameterSampling(definition);
    expect(sampling.kind).toBe('random');
    expect(sampling.size).toBeUndefined();
    expect(sampling.rule).toBe('random');
    expect(sampling.space.parameters.map((p) => p.name)).toEqual([
      'learning_rate',
      'batch_size',
      'model',
      'momentum',
      'epochs',
    ]);
  });

  it('samples configurations with stripped names, nested choices and constants', async () => {
    const [params] = await take(
      new RandomParameterSampling(definition, { seed: 1 }).createSampler(new SeededRandom(0)),
      1,
    );
    expect(Object.keys(params ?? {})).toEqual(['learning_rate', 'batch_size', 'model', 'momentum', 'epochs']);
    expect(params?.['epochs']).toBe(10);
    expect(typeof params?.['model']).toBe('object');
  });

  it('replays the same sequence for the same seed, whatever source is injected', async () => {
    const a = await take(
      new RandomParameterSampling(definition, { seed: 42 }).createSampler(new SeededRandom('x')),
      50,
    );
    const b = await take(
      new RandomParameterSampling(definition, { seed: 42 }).createSampler(new SeededRandom('y')),
      50,
    );
    expect(a).toEqual(b);
    const sampling = new RandomParameterSampling(definition, { seed: 'named-seed' });
    expect(await take(sampling.createSampler(new SeededRandom(1)), 20)).toEqual(
      await take(sampling.createSampler(new SeededRandom(2)), 20),
    );
  });

  it('keeps a seeded sequence stable across releases', async () => {
    const space = { lr: loguniform(-5, -1), bs: choice(16, 32, 64), x: uniform(0, 1) };
    const random = await take(new RandomParameterSampling(space, { seed: 42 }).createSampler(new SeededRandom(0)), 2);
    expect(random).toEqual([
      { lr: 0.014217989514202115, bs: 64, x: 0.22317073836756052 },
      { lr: 0.013691828395204192, bs: 16, x: 0.16931462127708397 },
    ]);
    const sobol = await take(
      new RandomParameterSampling(space, { seed: 42, rule: 'sobol' }).createSampler(new SeededRandom(0)),
      2,
    );
    expect(sobol).toEqual([
      { lr: 0.2586920688746499, bs: 16, x: 0.9642357736593112 },
      { lr: 0.013386324224445165, bs: 32, x: 0.20743783365469426 },
    ]);
  });

  it('gives different sequences for different seeds', async () => {
    const a = await take(new RandomParameterSampling(definition, { seed: 1 }).createSampler(new SeededRandom(0)), 20);
    const b = await take(new RandomParameterSampling(definition, { seed: 2 }).createSampler(new SeededRandom(0)), 20);
    expect(a).not.toEqual(b);
  });

  it('uses the injected source without a seed', async () => {
    const sampling = new RandomParameterSampling(definition);
    const a = await take(sampling.createSampler(new SeededRandom(5)), 20);
    const b = await take(sampling.createSampler(new SeededRandom(5)), 20);
    const c = await take(sampling.createSampler(new SeededRandom(6)), 20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    let calls = 0;
    const counting: RandomSource = {
      next: () => {
        calls += 1;
        return 0.5;
      },
    };
    await take(sampling.createSampler(counting), 3);
    expect(calls).toBe(3 * sampling.space.dimensions.length);
  });

  it('stores a JSON spec that rebuilds the same sampling', async () => {
    const sampling = new RandomParameterSampling(definition, { seed: 7, rule: 'random' });
    const spec = sampling.toRecord();
    expect(spec.kind).toBe('random');
    expect(spec.options).toEqual({ seed: 7, rule: 'random' });
    const stored = JSON.parse(JSON.stringify(spec)) as typeof spec;
    expect(stored.space).toEqual({
      '--learning_rate': { kind: 'loguniform', low: -6, high: -1 },
      batch_size: { kind: 'choice', options: [16, 32, 64] },
      model: {
        kind: 'choice',
        options: [
          { kind: 'mlp', layers: { kind: 'randint', upper: 4 } },
          { kind: 'linear', l2: { kind: 'uniform', low: 0, high: 0.1 } },
        ],
      },
      momentum: { kind: 'normal', mu: 0.9, sigma: 0.02 },
      epochs: 10,
    });
    const rebuilt = samplingFromRecord(stored);
    expect(await take(rebuilt.createSampler(new SeededRandom(0)), 20)).toEqual(
      await take(sampling.createSampler(new SeededRandom(0)), 20),
    );
    expect(new RandomParameterSampling({ x: uniform(0, 1) }).toRecord().options).toEqual({ rule: 'random' });
  });

  it('validates the space at construction', () => {
    expect(rejection(() => new RandomParameterSampling({ lr: uniform(5, 1) })).message).toBe(
      'uniform(low=5, high=1) for "lr": low must be < high',
    );
  });

  it.each([
    [{ sed: 1 }, 'RandomParameterSampling.sed'],
    [{ seed: 1.5 }, 'RandomParameterSampling.seed'],
    [{ seed: Number.NaN }, 'RandomParameterSampling.seed'],
    [{ seed: Number.POSITIVE_INFINITY }, 'RandomParameterSampling.seed'],
    [{ seed: '' }, 'RandomParameterSampling.seed'],
    [{ seed: true }, 'RandomParameterSampling.seed'],
    [{ rule: 'grid' }, 'RandomParameterSampling.rule'],
    [null, 'RandomParameterSampling.options'],
  ])('rejects the options %j naming %s', (options, field) => {
    const error = rejection(() => new RandomParameterSampling({ x: uniform(0, 1) }, options as never));
    expect(error.field).toBe(field);
  });

  it('explains an unknown option', () => {
    expect(rejection(() => new RandomParameterSampling({ x: uniform(0, 1) }, { sed: 1 } as never)).message).toBe(
      'RandomParameterSampling.sed: is not an option (the options are seed, rule) (got 1)',
    );
  });
});

describe("RandomParameterSampling with rule 'sobol'", () => {
  it('replays the same sequence for the same seed', async () => {
    const a = await take(
      new RandomParameterSampling(definition, { seed: 3, rule: 'sobol' }).createSampler(new SeededRandom(1)),
      40,
    );
    const b = await take(
      new RandomParameterSampling(definition, { seed: 3, rule: 'sobol' }).createSampler(new SeededRandom(2)),
      40,
    );
    const c = await take(
      new RandomParameterSampling(definition, { seed: 4, rule: 'sobol' }).createSampler(new SeededRandom(1)),
      40,
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('takes its scramble from one draw of the injected source without a seed', async () => {
    const sampling = new RandomParameterSampling(definition, { rule: 'sobol' });
    expect(await take(sampling.createSampler(new SeededRandom(9)), 10)).toEqual(
      await take(sampling.createSampler(new SeededRandom(9)), 10),
    );
    expect(await take(sampling.createSampler(new SeededRandom(9)), 10)).not.toEqual(
      await take(sampling.createSampler(new SeededRandom(10)), 10),
    );
    let calls = 0;
    await take(
      sampling.createSampler({
        next: () => {
          calls += 1;
          return 0.25;
        },
      }),
      10,
    );
    expect(calls).toBe(1);
  });

  it('stratifies the decoded values', async () => {
    const sampling = new RandomParameterSampling(
      { x: uniform(0, 1), y: uniform(-1, 1), k: choice(range(0, 8)) },
      { seed: 11, rule: 'sobol' },
    );
    const configs = await take(sampling.createSampler(new SeededRandom(0)), 64);
    expect(new Set(configs.map((c) => Math.floor((c['x'] as number) * 64))).size).toBe(64);
    expect(new Set(configs.map((c) => Math.floor(((c['y'] as number) + 1) * 32))).size).toBe(64);
    // 64 points over 8 options: exactly 8 each, where independent draws would scatter.
    const counts = new Map<unknown, number>();
    for (const c of configs) counts.set(c['k'], (counts.get(c['k']) ?? 0) + 1);
    expect([...counts.values()]).toEqual(new Array<number>(8).fill(8));
  });

  it('rejects a space with more dimensions than the direction table', () => {
    const wide = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, uniform(0, 1)]));
    const error = rejection(() => new RandomParameterSampling(wide, { rule: 'sobol' }));
    expect(error.field).toBe('RandomParameterSampling.rule');
    expect(error.message).toBe(
      'RandomParameterSampling.rule: \'sobol\' supports at most 128 dimensions, and this search space has 129 (got "sobol")',
    );
    const nested = {
      ...Object.fromEntries(Array.from({ length: 127 }, (_, i) => [`p${i}`, uniform(0, 1)])),
      m: choice({ a: uniform(0, 1) }),
    };
    expect(rejection(() => new RandomParameterSampling(nested, { rule: 'sobol' })).message).toContain(
      'this search space has 129',
    );
    expect(() => new RandomParameterSampling(wide)).not.toThrow();
  });
});
