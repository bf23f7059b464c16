import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  choice,
  createSearchSpace,
  loguniform,
  lognormal,
  normal,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  range,
  uniform,
  decodePoint,
  describeExpression,
  sampleSpace,
  type Expression,
} from '../../src/space/index.js';
import { NORMAL_DRAW_SIGMAS } from '../../src/space/decode.js';
import { SeededRandom } from '../../src/index.js';

/** Why a repeated choice option is refused, as the message ends. */
const WHY =
  '; options must be distinct, since a repeated value would be drawn more often by random sampling and run twice by grid sampling';

/** The ConfigError a definition is rejected with (fails the test if it is accepted). */
function rejection(definition: unknown): ConfigError {
  try {
    createSearchSpace(definition);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the definition was accepted');
}

describe('createSearchSpace: messages name the parameter and the rule', () => {
  it.each(
    [
      [{ lr: uniform(5, 1) }, 'lr', 'uniform(low=5, high=1) for "lr": low must be < high'],
      [{ lr: uniform(1, 1) }, 'lr', 'uniform(low=1, high=1) for "lr": low must be < high'],
      [{ lr: uniform(Number.NaN, 1) }, 'lr', 'uniform(low=NaN, high=1) for "lr": low must be a finite number'],
      [
        { lr: uniform(0, Number.POSITIVE_INFINITY) },
        'lr',
        'uniform(low=0, high=Infinity) for "lr": high must be a finite number',
      ],
      [
        { lr: uniform('0' as unknown as number, 1) },
        'lr',
        'uniform(low="0", high=1) for "lr": low must be a finite number',
      ],
      [{ lr: loguniform(-2, -3) }, 'lr', 'loguniform(low=-2, high=-3) for "lr": low must be < high'],
      [
        { lr: loguniform(0.001, 1000) },
        'lr',
        'loguniform(low=0.001, high=1000) for "lr": exp(high) must be finite: low and high are in log space, so high must be at most 709.78',
      ],
      [
        { lr: qloguniform(0, 800, 1) },
        'lr',
        'qloguniform(low=0, high=800, q=1) for "lr": exp(high) must be finite: low and high are in log space, so high must be at most 709.78',
      ],
      [{ n: randint(0) }, 'n', 'randint(upper=0) for "n": upper must be a positive integer'],
      [{ n: randint(-3) }, 'n', 'randint(upper=-3) for "n": upper must be a positive integer'],
      [{ n: randint(2.5) }, 'n', 'randint(upper=2.5) for "n": upper must be a positive integer'],
      [{ n: randint(2 ** 60) }, 'n', 'randint(upper=1152921504606847000) for "n": upper must be a positive integer'],
      [{ x: normal(0, -1) }, 'x', 'normal(mu=0, sigma=-1) for "x": sigma must be a finite number >= 0'],
      [{ x: lognormal(Number.NaN, 1) }, 'x', 'lognormal(mu=NaN, sigma=1) for "x": mu must be a finite number'],
      [{ x: qnormal(0, 1, 0) }, 'x', 'qnormal(mu=0, sigma=1, q=0) for "x": q must be a finite number > 0'],
      [{ x: qlognormal(0, 1, -0.5) }, 'x', 'qlognormal(mu=0, sigma=1, q=-0.5) for "x": q must be a finite number > 0'],
      [{ x: quniform(0, 1, Number.NaN) }, 'x', 'quniform(low=0, high=1, q=NaN) for "x": q must be a finite number > 0'],
      [{ x: quniform(3, 1, 1) }, 'x', 'quniform(low=3, high=1, q=1) for "x": low must be < high'],
      [
        { x: qnormal(0, Number.POSITIVE_INFINITY, 1) },
        'x',
        'qnormal(mu=0, sigma=Infinity, q=1) for "x": sigma must be a finite number >= 0',
      ],
      // Finite arguments whose draws would overflow to ±Infinity (or NaN).
      [
        { lr: uniform(-1.7e308, 1.7e308) },
        'lr',
        'uniform(low=-1.7e+308, high=1.7e+308) for "lr": high - low must be finite: draws are low + u * (high - low), and here high - low is Infinity',
      ],
      [
        { lr: quniform(-1e308, 1e308, 1) },
        'lr',
        'quniform(low=-1e+308, high=1e+308, q=1) for "lr": high - low must be finite: draws are low + u * (high - low), and here high - low is Infinity',
      ],
      [
        { x: normal(0, 1e308) },
        'x',
        'normal(mu=0, sigma=1e+308) for "x": |mu| + 8.21 * sigma must be finite: draws reach mu ± 8.21 * sigma (the sampler\'s clamp), which overflows',
      ],
      [
        { x: qnormal(-1.7e308, 1e307, 1) },
        'x',
        'qnormal(mu=-1.7e+308, sigma=1e+307, q=1) for "x": |mu| + 8.21 * sigma must be finite: draws reach mu ± 8.21 * sigma (the sampler\'s clamp), which overflows',
      ],
      [
        { x: lognormal(700, 10) },
        'x',
        'lognormal(mu=700, sigma=10) for "x": exp(mu + 8.21 * sigma) must be finite: draws reach exp(mu + 8.21 * sigma) (the sampler\'s clamp), so mu + 8.21 * sigma must be at most 709.78 (here it is 782.095)',
      ],
      [
        { x: qlognormal(0, 100, 1) },
        'x',
        'qlognormal(mu=0, sigma=100, q=1) for "x": exp(mu + 8.21 * sigma) must be finite: draws reach exp(mu + 8.21 * sigma) (the sampler\'s clamp), so mu + 8.21 * sigma must be at most 709.78 (here it is 820.954)',
      ],
      [
        { x: quniform(0, 1e300, 1e-10) },
        'x',
        'quniform(low=0, high=1e+300, q=1e-10) for "x": round(x / q) * q must be finite for every draw x: q is too small for draws that reach 1e+300',
      ],
      [
        { x: qnormal(0, 1e300, 1e-10) },
        'x',
        'qnormal(mu=0, sigma=1e+300, q=1e-10) for "x": round(x / q) * q must be finite for every draw x: q is too small for draws that reach -8.209536151601386e+300',
      ],
      [
        { x: qloguniform(0, 709, 1e-10) },
        'x',
        'qloguniform(low=0, high=709, q=1e-10) for "x": round(x / q) * q must be finite for every draw x: q is too small for draws that reach 8.218407461554972e+307',
      ],
    ].map(([definition, field, message]) => ({ definition, field, message })),
  )('$message', ({ definition, field, message }) => {
    const error = rejection(definition);
    expect(error.message).toBe(message);
    expect(error.field).toBe(field);
  });

  it('accepts the edge values the rules allow', () => {
    expect(() =>
      createSearchSpace({
        a: normal(0, 0),
        b: randint(1),
        c: loguniform(-700, 709),
        d: qlognormal(0, 0, 0.001),
        e: uniform(-1e300, 1e300),
        f: uniform(-8e307, 8e307),
        g: normal(-1e307, 1e307),
        h: lognormal(-1e300, 1e299),
      }),
    ).not.toThrow();
  });

  it('draws the extremes the overflow rules allow as finite values, and refuses just past them', () => {
    // Every formula is monotone in the draw, so u = 0 and u = 1 give the extreme values.
    const extremes = (expression: Expression): number[] => {
      const space = createSearchSpace({ x: expression });
      return [0, 0.5, 1].map((u) => decodePoint(space, [u])['x'] as number);
    };
    const k = NORMAL_DRAW_SIGMAS;
    expect(k).toBeCloseTo(8.2095, 4);
    // lognormal: the largest sigma with a finite exp(mu + k * sigma) for mu = 700.
    const MAX_LOG = Math.log(Number.MAX_VALUE);
    let sigma = (MAX_LOG - 700) / k;
    while (!Number.isFinite(Math.exp(700 + k * sigma))) sigma = sigma * (1 - 1e-15);
    const tight: Expression[] = [
      uniform(-Number.MAX_VALUE / 2, Number.MAX_VALUE / 2),
      quniform(-Number.MAX_VALUE / 2, Number.MAX_VALUE / 2, 1),
      normal(0, Number.MAX_VALUE / k),
      normal(-Number.MAX_VALUE / 2, Number.MAX_VALUE / 2 / k),
      qnormal(0, 1e307, 1),
      lognormal(700, sigma),
      qlognormal(700, sigma, 1),
      qloguniform(0, 709, 0.5),
    ];
    for (const expression of tight) {
      for (const value of extremes(expression))
        expect(Number.isFinite(value), describeExpression(expression)).toBe(true);
    }
    expect(extremes(lognormal(700, sigma))[2]).toBeGreaterThan(1e308);
    // A hair further and a draw would be infinite: refused.
    expect(rejection({ x: uniform(-Number.MAX_VALUE / 2, Number.MAX_VALUE) }).rule).toContain(
      'high - low must be finite',
    );
    expect(rejection({ x: normal(0, (Number.MAX_VALUE / k) * 1.0001) }).rule).toContain(
      '|mu| + 8.21 * sigma must be finite',
    );
    expect(rejection({ x: lognormal(700, sigma * 1.0001) }).rule).toContain('exp(mu + 8.21 * sigma) must be finite');
  });

  it('samples only finite values from spaces at the overflow limits (seeded)', () => {
    const space = createSearchSpace({
      a: uniform(-8e307, 8e307),
      b: normal(0, 2e307),
      c: lognormal(0, 86),
      d: qlognormal(0, 86, 0.5),
      e: quniform(-8e307, 8e307, 0.5),
    });
    const random = new SeededRandom(7);
    for (let i = 0; i < 2000; i++) {
      for (const value of Object.values(sampleSpace(space, random))) expect(Number.isFinite(value)).toBe(true);
    }
  });
});

describe('createSearchSpace: choice', () => {
  it('needs at least one option', () => {
    expect(rejection({ x: choice() }).message).toBe('choice() for "x": needs at least one option');
    expect(rejection({ x: choice([]) }).message).toBe('choice() for "x": needs at least one option');
  });

  it('rejects duplicate options, saying why, but keeps 1, "1" and true apart', () => {
    expect(rejection({ x: choice(1, 2, 1) }).message).toBe(
      `choice(1, 2, 1) for "x": options[2] duplicates options[0] (1)${WHY}`,
    );
    expect(rejection({ x: choice('a', 'b', 'b') }).message).toBe(
      `choice("a", "b", "b") for "x": options[2] duplicates options[1] ("b")${WHY}`,
    );
    expect(rejection({ x: choice(1, 1, 2) }).message).toBe(
      `choice(1, 1, 2) for "x": options[1] duplicates options[0] (1)${WHY}`,
    );
    expect(rejection({ x: choice(0, -0) }).message).toBe(
      `choice(0, 0) for "x": options[1] duplicates options[0] (0)${WHY}`,
    );
    expect(() => createSearchSpace({ x: choice(1, '1', true) })).not.toThrow();
  });

  it('rejects options that are not constants or sub-spaces', () => {
    expect(rejection({ x: choice(1, Number.NaN) }).message).toBe(
      'choice(1, NaN) for "x": options[1] must be a finite number, a string, a boolean or a sub-space object (got NaN)',
    );
    expect(rejection({ x: choice(null as never) }).message).toBe(
      'choice(null) for "x": options[0] must be a finite number, a string, a boolean or a sub-space object (got null)',
    );
    expect(rejection({ x: choice([[1, 2]] as never) }).message).toContain('options[0] must be a finite number');
    expect(rejection({ x: choice(uniform(0, 1) as never) }).message).toBe(
      'choice(uniform(low=0, high=1)) for "x": options[0] is an expression (uniform(low=0, high=1)); a choice picks among constants or sub-spaces, so put it inside a sub-space such as { name: uniform(low=0, high=1) }',
    );
    expect(rejection({ x: choice({}) }).message).toBe(
      'choice({}) for "x": options[0] is an empty sub-space; give it at least one parameter',
    );
  });

  it('expands a range with Python semantics', () => {
    const values = (definition: unknown): unknown[] => {
      const [parameter] = createSearchSpace(definition).parameters;
      if (parameter?.value.kind !== 'expression' || parameter.value.expression.kind !== 'choice')
        throw new Error('not a choice');
      return parameter.value.expression.options.map((option) => (option.kind === 'value' ? option.value : option));
    };
    expect(values({ x: choice(range(1, 5)) })).toEqual([1, 2, 3, 4]);
    expect(values({ x: choice(range(0, 10, 3)) })).toEqual([0, 3, 6, 9]);
    expect(values({ x: choice(range(5, 1, -1)) })).toEqual([5, 4, 3, 2]);
    expect(values({ x: choice(range(-3, 0)) })).toEqual([-3, -2, -1]);
    expect(values({ x: choice(range(0, 1, 0.1)) })).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(values({ x: choice(range(0, 0.3, 0.1)) })).toEqual([0, 0.1, 0.2]);
    // Up to a choice's limit (SEARCH_SPACE_LIMITS.maxChoiceValues).
    expect(values({ x: choice(range(0, 10_000)) })).toHaveLength(10_000);
  });

  it('rejects a bad range', () => {
    expect(rejection({ x: choice(range(1, 1)) }).message).toBe(
      'choice(range(start=1, stop=1, step=1)) for "x": range(start=1, stop=1, step=1) is empty',
    );
    expect(rejection({ x: choice(range(5, 1)) }).message).toBe(
      'choice(range(start=5, stop=1, step=1)) for "x": range(start=5, stop=1, step=1) is empty',
    );
    expect(rejection({ x: choice(range(1, 5, 0)) }).message).toBe(
      'choice(range(start=1, stop=5, step=0)) for "x": range(start=1, stop=5, step=0): step must not be 0',
    );
    expect(rejection({ x: choice(range(0, Number.POSITIVE_INFINITY)) }).message).toBe(
      'choice(range(start=0, stop=Infinity, step=1)) for "x": range(start=0, stop=Infinity, step=1): stop must be a finite number',
    );
    expect(rejection({ x: choice(range(0, 20_000)) }).message).toBe(
      'choice(range(start=0, stop=20000, step=1)) for "x": range(start=0, stop=20000, step=1) has 20000 values; at most 10000 are allowed',
    );
    expect(rejection({ x: choice(range(0, 1e300)) }).message).toContain('at most 10000 are allowed');
  });

  it('shortens long option lists in messages', () => {
    const options = Array.from({ length: 20 }, (_, i) => i);
    options.push(3);
    expect(rejection({ x: choice(options) }).message).toBe(
      `choice(0, 1, 2, 3, 4, 5, 6, 7, ... 13 more) for "x": options[20] duplicates options[3] (3)${WHY}`,
    );
  });
});

describe('createSearchSpace: names', () => {
  it('strips leading dashes and keeps the given name', () => {
    const space = createSearchSpace({ '--learning_rate': uniform(0, 1), '-batch-size': choice(16, 32), epochs: 5 });
    expect(space.parameters.map((p) => [p.name, p.givenName, p.path])).toEqual([
      ['learning_rate', '--learning_rate', 'learning_rate'],
      ['batch-size', '-batch-size', 'batch-size'],
      ['epochs', 'epochs', 'epochs'],
    ]);
  });

  it('rejects names that collide once stripped, naming both', () => {
    const error = rejection({ '--lr': uniform(0, 1), lr: uniform(0, 2) });
    expect(error.message).toBe('parameters "--lr" and "lr" both become "lr" once leading dashes are stripped');
    expect(error.field).toBe('lr');
    expect(rejection({ '-x': 1, '--x': 2 }).message).toBe(
      'parameters "-x" and "--x" both become "x" once leading dashes are stripped',
    );
  });

  it('rejects __proto__, which a plain configuration object cannot hold', () => {
    const definition = JSON.parse('{"__proto__": 1}') as unknown;
    expect(rejection(definition).message).toBe('parameter "__proto__": the name __proto__ is reserved by JavaScript');
  });

  it('rejects a name that is only dashes', () => {
    const error = rejection({ '--': uniform(0, 1) });
    expect(error.message).toBe('parameter "--": the name is empty once leading dashes are stripped');
    expect(error.field).toBe('--');
    expect(rejection({ '': 1 }).message).toBe('parameter "": the name is empty once leading dashes are stripped');
  });
});

describe('createSearchSpace: values and the definition itself', () => {
  it.each(
    [
      [
        { lr: [0.1, 0.2] },
        'parameter "lr": an array is not a parameter expression; to choose among values use choice(...) (got [0.1,0.2])',
      ],
      [
        { lr: { low: 0, high: 1 } },
        'parameter "lr": a plain object is not a parameter expression; nested parameters go in the options of a choice(...) (got {"low":0,"high":1})',
      ],
      [
        { lr: null },
        'parameter "lr": must be a parameter expression (choice, randint, uniform, loguniform, normal, lognormal or a q-variant) or a constant number, string or boolean (got null)',
      ],
      [
        { lr: () => 1 },
        'parameter "lr": must be a parameter expression (choice, randint, uniform, loguniform, normal, lognormal or a q-variant) or a constant number, string or boolean (got a function)',
      ],
      [{ lr: Number.NaN }, 'parameter "lr": a constant number must be finite (got NaN)'],
      [{ lr: Number.NEGATIVE_INFINITY }, 'parameter "lr": a constant number must be finite (got -Infinity)'],
    ].map(([definition, message]) => ({ definition, message })),
  )('$message', ({ definition, message }) => {
    const error = rejection(definition);
    expect(error.message).toBe(message);
    expect(error.field).toBe('lr');
  });

  it('accepts constants', () => {
    const space = createSearchSpace({ a: 1, b: 'adam', c: false });
    expect(space.parameters.map((p) => p.value)).toEqual([
      { kind: 'constant', value: 1 },
      { kind: 'constant', value: 'adam' },
      { kind: 'constant', value: false },
    ]);
    expect(space.dimensions).toEqual([]);
  });

  it.each([null, [], 'lr', 42, new Map(), uniform(0, 1)].map((definition) => ({ definition })))(
    'rejects $definition as a definition',
    ({ definition }) => {
      const error = rejection(definition);
      expect(error.field).toBe('searchSpace');
      expect(error.rule).toBe('must be an object mapping parameter names to expressions or constants');
    },
  );

  it('rejects an empty definition', () => {
    expect(rejection({}).message).toBe('searchSpace: must define at least one parameter (got {})');
  });
});

describe('createSearchSpace: nested spaces', () => {
  it('validates sub-spaces with the same rules and reports the nested path', () => {
    const error = rejection({ model: choice({ C: uniform(0, 1) }, { C: uniform(3, 2) }) });
    expect(error.message).toBe('uniform(low=3, high=2) for "model[1].C": low must be < high');
    expect(error.field).toBe('model[1].C');

    expect(rejection({ model: choice({ kind: 'svm', C: [1, 2] as never }) }).field).toBe('model[0].C');
    expect(rejection({ '--model': choice('none', { '--C': 1, C: 2 }) }).message).toBe(
      'parameters "model[1].--C" and "model[1].C" both become "model[1].C" once leading dashes are stripped',
    );
    expect(rejection({ outer: choice({ inner: choice({ deep: randint(0) }) }) }).message).toBe(
      'randint(upper=0) for "outer[0].inner[0].deep": upper must be a positive integer',
    );
  });

  it('gives every expression a dimension in depth-first order', () => {
    const space = createSearchSpace({
      a: uniform(0, 1),
      '--model': choice({ kind: 'svm', '--C': loguniform(-3, 3) }, 'none', {
        kind: 'rf',
        trees: randint(100),
        depth: choice(3, 5, { d: normal(0, 1) }),
      }),
      b: 'constant',
      c: normal(0, 1),
    });
    expect(space.dimensions.map((d) => [d.index, d.path, d.expression.kind])).toEqual([
      [0, 'a', 'uniform'],
      [1, 'model', 'choice'],
      [2, 'model[0].C', 'loguniform'],
      [3, 'model[2].trees', 'randint'],
      [4, 'model[2].depth', 'choice'],
      [5, 'model[2].depth[2].d', 'normal'],
      [6, 'c', 'normal'],
    ]);
    const [, model] = space.parameters;
    if (model?.value.kind !== 'expression' || model.value.expression.kind !== 'choice')
      throw new Error('model is not a choice');
    expect(model.value.dimension).toBe(1);
    const rf = model.value.expression.options[2];
    if (rf?.kind !== 'space') throw new Error('option 2 is not a sub-space');
    // A sub-space keeps global indices: they address the same unit cube as the root.
    expect(rf.space.dimensions.map((d) => d.index)).toEqual([3, 4, 5]);
    expect(rf.space.parameters.map((p) => p.path)).toEqual(['model[2].kind', 'model[2].trees', 'model[2].depth']);
  });

  it('returns frozen data', () => {
    const space = createSearchSpace({ x: choice(1, { y: uniform(0, 1) }) });
    expect(Object.isFrozen(space)).toBe(true);
    expect(Object.isFrozen(space.parameters)).toBe(true);
    expect(Object.isFrozen(space.dimensions)).toBe(true);
    expect(Object.isFrozen(space.parameters[0])).toBe(true);
  });
});
