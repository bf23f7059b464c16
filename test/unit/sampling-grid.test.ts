import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { GridParameterSampling, samplingFromRecord, type Sampler } from '../../src/sampling/index.js';
import { choice, range, uniform, type ParamSet } from '../../src/space/index.js';
import { SeededRandom } from '../../src/random/index.js';

async function drain(sampler: Sampler, limit = 10_000): Promise<ParamSet[]> {
  const out: ParamSet[] = [];
  for (let i = 0; i < limit; i += 1) {
    const params = await sampler.next({ observations: [] });
    if (params === null) return out;
    out.push(params);
  }
  throw new Error('the grid did not end');
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

describe('GridParameterSampling', () => {
  it("enumerates SPEC's example in order, first parameter slowest", async () => {
    const sampling = new GridParameterSampling({ num_hidden_layers: choice(1, 2, 3), batch_size: choice(16, 32) });
    expect(sampling.kind).toBe('grid');
    expect(sampling.size).toBe(6);
    expect(await drain(sampling.createSampler())).toEqual([
      { num_hidden_layers: 1, batch_size: 16 },
      { num_hidden_layers: 1, batch_size: 32 },
      { num_hidden_layers: 2, batch_size: 16 },
      { num_hidden_layers: 2, batch_size: 32 },
      { num_hidden_layers: 3, batch_size: 16 },
      { num_hidden_layers: 3, batch_size: 32 },
    ]);
  });

  it('returns null once exhausted, and keeps returning it', async () => {
    const sampler = new GridParameterSampling({ a: choice('x', 'y') }).createSampler();
    const context = { observations: [] };
    expect(await sampler.next(context)).toEqual({ a: 'x' });
    expect(await sampler.next(context)).toEqual({ a: 'y' });
    expect(await sampler.next(context)).toBeNull();
    expect(await sampler.next(context)).toBeNull();
  });

  it('gives each sampler its own position', async () => {
    const sampling = new GridParameterSampling({ a: choice(1, 2, 3) });
    const first = sampling.createSampler();
    await first.next({ observations: [] });
    expect(await sampling.createSampler().next({ observations: [] })).toEqual({ a: 1 });
  });

  it('keeps constants, strips dashes and expands ranges', async () => {
    const sampling = new GridParameterSampling({ '--lr': choice(0.1, 0.01), epochs: 5, layers: choice(range(1, 3)) });
    expect(await drain(sampling.createSampler())).toEqual([
      { lr: 0.1, epochs: 5, layers: 1 },
      { lr: 0.1, epochs: 5, layers: 2 },
      { lr: 0.01, epochs: 5, layers: 1 },
      { lr: 0.01, epochs: 5, layers: 2 },
    ]);
  });

  it('expands nested choices, each option contributing its own combinations', async () => {
    const sampling = new GridParameterSampling({
      model: choice({ kind: 'svm', C: choice(0.1, 1) }, 'none', { kind: 'rf', trees: choice(10, 50, 100) }),
      bs: choice(16, 32),
    });
    expect(sampling.size).toBe((2 + 1 + 3) * 2);
    expect(await drain(sampling.createSampler())).toEqual([
      { model: { kind: 'svm', C: 0.1 }, bs: 16 },
      { model: { kind: 'svm', C: 0.1 }, bs: 32 },
      { model: { kind: 'svm', C: 1 }, bs: 16 },
      { model: { kind: 'svm', C: 1 }, bs: 32 },
      { model: 'none', bs: 16 },
      { model: 'none', bs: 32 },
      { model: { kind: 'rf', trees: 10 }, bs: 16 },
      { model: { kind: 'rf', trees: 10 }, bs: 32 },
      { model: { kind: 'rf', trees: 50 }, bs: 16 },
      { model: { kind: 'rf', trees: 50 }, bs: 32 },
      { model: { kind: 'rf', trees: 100 }, bs: 16 },
      { model: { kind: 'rf', trees: 100 }, bs: 32 },
    ]);
  });

  it('enumerates every configuration exactly once', async () => {
    const sampling = new GridParameterSampling({
      a: choice(1, 2, 3),
      b: choice({ c: choice('x', 'y'), d: choice(true, false) }, 'z'),
      e: choice(range(0, 4)),
    });
    const all = await drain(sampling.createSampler());
    expect(all).toHaveLength(sampling.size);
    expect(sampling.size).toBe(3 * 5 * 4);
    expect(new Set(all.map((c) => JSON.stringify(c))).size).toBe(sampling.size);
  });

  it('sizes a huge grid exactly without enumerating it', () => {
    const definition = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, choice(range(0, 100))]));
    const sampling = new GridParameterSampling(definition);
    expect(sampling.exactSize).toBe(10n ** 24n);
    expect(sampling.size).toBe(1e24);
    const zeros = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, 0]));
    expect(sampling.configurationAt(0)).toEqual(zeros);
    expect(sampling.configurationAt(1)).toEqual({ ...zeros, p11: 1 });
    expect(sampling.configurationAt(100)).toEqual({ ...zeros, p10: 1 });
    expect(sampling.configurationAt(10n ** 24n - 1n)).toEqual(
      Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, 99])),
    );
    expect(sampling.configurationAt(10n ** 24n)).toBeNull();
    expect(sampling.configurationAt(-1)).toBeNull();
  });

  it('rejects anything but choice, naming the parameter', () => {
    const error = rejection(() => new GridParameterSampling({ batch: choice(16, 32), '--lr': uniform(0.01, 0.1) }));
    expect(error.message).toBe(
      'GridParameterSampling accepts only choice expressions: "lr" is uniform(low=0.01, high=0.1)',
    );
    expect(error.field).toBe('lr');
    const nested = rejection(() => new GridParameterSampling({ model: choice('none', { C: uniform(0, 1) }) }));
    expect(nested.message).toBe(
      'GridParameterSampling accepts only choice expressions: "model[1].C" is uniform(low=0, high=1)',
    );
    expect(nested.field).toBe('model[1].C');
  });

  it('rejects options: it has none', () => {
    expect(rejection(() => new GridParameterSampling({ a: choice(1) }, { seed: 1 } as never)).field).toBe(
      'GridParameterSampling.seed',
    );
  });

  it('stores a JSON spec that rebuilds the same grid', async () => {
    const sampling = new GridParameterSampling({ a: choice(1, 2), b: choice({ c: choice('x', 'y') }, 'none') });
    const spec = JSON.parse(JSON.stringify(sampling.toRecord())) as ReturnType<typeof sampling.toRecord>;
    expect(spec).toEqual({
      kind: 'grid',
      space: {
        a: { kind: 'choice', options: [1, 2] },
        b: { kind: 'choice', options: [{ c: { kind: 'choice', options: ['x', 'y'] } }, 'none'] },
      },
      options: {},
    });
    const rebuilt = samplingFromRecord(spec);
    expect(rebuilt.size).toBe(6);
    expect(await drain(rebuilt.createSampler(new SeededRandom(0)))).toEqual(await drain(sampling.createSampler()));
  });
});
