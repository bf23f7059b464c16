import { describe, expect, it } from 'vitest';
import {
  choice,
  createSearchSpace,
  definitionToJson,
  describeExpression,
  describeSpace,
  EXPRESSION,
  isExpression,
  isRangeSpec,
  loguniform,
  lognormal,
  normal,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  range,
  reviveDefinition,
  sampleSpace,
  uniform,
} from '../../src/space/index.js';
import { SeededRandom } from '../../src/random/index.js';

describe('expression constructors', () => {
  it('return frozen, branded plain data with the given arguments', () => {
    const cases = [
      [uniform(0.01, 0.1), { kind: 'uniform', low: 0.01, high: 0.1 }],
      [loguniform(-3, 0), { kind: 'loguniform', low: -3, high: 0 }],
      [normal(0, 1), { kind: 'normal', mu: 0, sigma: 1 }],
      [lognormal(1, 2), { kind: 'lognormal', mu: 1, sigma: 2 }],
      [quniform(0, 10, 2), { kind: 'quniform', low: 0, high: 10, q: 2 }],
      [qloguniform(0, 5, 1), { kind: 'qloguniform', low: 0, high: 5, q: 1 }],
      [qnormal(5, 1, 0.5), { kind: 'qnormal', mu: 5, sigma: 1, q: 0.5 }],
      [qlognormal(0, 1, 0.1), { kind: 'qlognormal', mu: 0, sigma: 1, q: 0.1 }],
      [randint(5), { kind: 'randint', upper: 5 }],
    ] as const;
    for (const [expression, fields] of cases) {
      expect({ ...expression }).toEqual(fields);
      expect(isExpression(expression)).toBe(true);
      expect(expression[EXPRESSION]).toBe(true);
      expect(Object.isFrozen(expression)).toBe(true);
      // The brand is invisible to JSON, so a stored spec is plain data.
      expect(JSON.parse(JSON.stringify(expression))).toEqual(fields);
    }
  });

  it('do not validate: that needs the parameter name', () => {
    expect(() => uniform(5, 1)).not.toThrow();
    expect(() => randint(-1)).not.toThrow();
    expect(() => choice()).not.toThrow();
  });

  it('accept several values, one array or one range for choice', () => {
    expect(choice(1, 2, 3).options).toEqual([1, 2, 3]);
    expect(choice([1, 2, 3]).options).toEqual([1, 2, 3]);
    expect(choice(['only']).options).toEqual(['only']);
    expect(choice(range(1, 5)).options).toEqual({ kind: 'range', start: 1, stop: 5, step: 1 });
    expect(choice({ kind: 'svm', C: uniform(0, 1) }).options).toHaveLength(1);
    expect(Object.isFrozen(choice([1, 2]).options)).toBe(true);
  });

  it('copy the option array so later edits cannot change the expression', () => {
    const options = [1, 2];
    const expression = choice(options);
    options.push(3);
    expect(expression.options).toEqual([1, 2]);
  });

  it('recognise ranges, branded or as plain data', () => {
    expect(isRangeSpec(range(0, 3))).toBe(true);
    expect(isRangeSpec({ kind: 'range', start: 0, stop: 3, step: 1 })).toBe(true);
    expect(isRangeSpec({ kind: 'range', start: 0, stop: 3, step: 1, extra: 1 })).toBe(false);
    expect(isRangeSpec({ kind: 'svm', start: 0, stop: 3, step: 1 })).toBe(false);
    expect(range(0, 3)).toEqual({ kind: 'range', start: 0, stop: 3, step: 1 });
    expect(range(10, 0, -2)).toEqual({ kind: 'range', start: 10, stop: 0, step: -2 });
  });
});

describe('describeExpression', () => {
  it('renders expressions with argument names', () => {
    expect(describeExpression(uniform(0.01, 0.1))).toBe('uniform(low=0.01, high=0.1)');
    expect(describeExpression(qlognormal(0, 1, 1e-7))).toBe('qlognormal(mu=0, sigma=1, q=1e-7)');
    expect(describeExpression(randint(3))).toBe('randint(upper=3)');
    expect(describeExpression(choice(16, 'adam', true))).toBe('choice(16, "adam", true)');
    expect(describeExpression(choice(range(1, 5)))).toBe('choice(range(start=1, stop=5, step=1))');
    expect(describeExpression(choice({ kind: 'svm', C: uniform(0, 1) }, 'none'))).toBe(
      'choice({kind: "svm", C: uniform(low=0, high=1)}, "none")',
    );
  });

  it('renders normalised choices and spaces with stripped names', () => {
    const space = createSearchSpace({ '--model': choice({ '--C': loguniform(-1, 1), kind: 'svm' }, 'none') });
    const [model] = space.parameters;
    if (model?.value.kind !== 'expression') throw new Error('not an expression');
    expect(describeExpression(model.value.expression)).toBe(
      'choice({C: loguniform(low=-1, high=1), kind: "svm"}, "none")',
    );
    expect(describeSpace(space)).toBe('{model: choice({C: loguniform(low=-1, high=1), kind: "svm"}, "none")}');
  });
});

describe('definitionToJson and reviveDefinition', () => {
  const definition = {
    '--lr': loguniform(-5, -1),
    layers: choice(range(1, 4)),
    model: choice({ kind: 'svm', C: qnormal(1, 0.2, 0.1) }, { kind: 'choice', n: 1 }, 'none'),
    batch: 32,
    optimizer: 'adam',
  };

  it('round-trips a definition through JSON to an equivalent space', () => {
    const json = JSON.parse(JSON.stringify(definitionToJson(definition))) as unknown;
    expect(json).toEqual({
      '--lr': { kind: 'loguniform', low: -5, high: -1 },
      layers: { kind: 'choice', options: { kind: 'range', start: 1, stop: 4, step: 1 } },
      model: {
        kind: 'choice',
        options: [{ kind: 'svm', C: { kind: 'qnormal', mu: 1, sigma: 0.2, q: 0.1 } }, { kind: 'choice', n: 1 }, 'none'],
      },
      batch: 32,
      optimizer: 'adam',
    });
    const revived = createSearchSpace(reviveDefinition(json));
    const original = createSearchSpace(definition);
    expect(revived.dimensions.map((d) => [d.path, d.expression.kind])).toEqual(
      original.dimensions.map((d) => [d.path, d.expression.kind]),
    );
    const a = new SeededRandom('round-trip');
    const b = new SeededRandom('round-trip');
    for (let i = 0; i < 50; i += 1) expect(sampleSpace(revived, a)).toEqual(sampleSpace(original, b));
  });

  it('leaves what is not an expression for validation to reject', () => {
    const revived = reviveDefinition({ x: { kind: 'uniform', low: 0 } }) as Record<string, unknown>;
    expect(isExpression(revived['x'])).toBe(false);
    expect(() => createSearchSpace(revived)).toThrow(/plain object is not a parameter expression/);
  });
});
