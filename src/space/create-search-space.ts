import { ConfigError, describeValue } from '../errors.js';
import { isPlainObject } from '../validate/index.js';
import { decimalsOf, quantize } from '../math/quantize.js';
import { isRangeSpec } from './constructors.js';
import { SEARCH_SPACE_LIMITS } from './limits.js';
import { NORMAL_DRAW_SIGMAS } from './decode.js';
import { describeExpression, describeRange } from './describe.js';
import { isExpression, type Expression, type Primitive, type RangeSpec } from './expression.js';
import type {
  Dimension,
  NormalizedExpression,
  NormalizedOption,
  NormalizedValue,
  SearchSpace,
  SpaceParameter,
} from './search-space.js';

/** The most values a `range(...)` may expand to: a choice's limit (SEARCH_SPACE_LIMITS). */
export const MAX_RANGE_VALUES = SEARCH_SPACE_LIMITS.maxChoiceValues;

// The largest x with a finite exp(x).
const MAX_LOG = Math.log(Number.MAX_VALUE);

// As the messages print it: draws reach mu ± 8.21 sigma.
const K = NORMAL_DRAW_SIGMAS.toFixed(2);

const DEFINITION_FIELD = 'searchSpace';

/**
 * Validates a search space definition (semantics §2) and normalises it: leading dashes stripped
 * from names, ranges expanded, nested choice options turned into sub-spaces, and every sampled
 * quantity given a dimension of the unit cube in depth-first order.
 *
 * Every rejection is a `ConfigError` whose field is the parameter's path (`lr`, `model[1].C`)
 * and whose message shows the expression as written, e.g.
 * `uniform(low=5, high=1) for "lr": low must be < high`.
 */
export function createSearchSpace(definition: unknown): SearchSpace {
  if (!isPlainObject(definition) || isExpression(definition)) {
    throw new ConfigError(
      DEFINITION_FIELD,
      'must be an object mapping parameter names to expressions or constants',
      definition,
    );
  }
  if (Object.keys(definition).length === 0) {
    throw new ConfigError(DEFINITION_FIELD, 'must define at least one parameter', definition);
  }
  const space = buildSpace(definition, '', []);
  checkLimits(space);
  return space;
}

/**
 * SEARCH_SPACE_LIMITS on a built space, for spaces made in JavaScript (the sweep-file parser
 * checks a file's space itself, first, so that its errors name the file's fields).
 */
function checkLimits(root: SearchSpace): void {
  const L = SEARCH_SPACE_LIMITS;
  let parameters = 0;
  let values = 0;
  const value = (path: string, v: Primitive): void => {
    values += 1;
    if (values > L.maxValues)
      throw new ConfigError(
        path,
        `is value number ${values} of the search space, which may hold at most ${L.maxValues} choice values and constants in all`,
        v,
      );
    if (typeof v === 'string' && v.length > L.maxStringLength)
      throw new ConfigError(path, `must be at most ${L.maxStringLength} characters long (it has ${v.length})`, v);
  };
  const walk = (space: SearchSpace, depth: number): void => {
    for (const parameter of space.parameters) {
      parameters += 1;
      if (parameters > L.maxParameters)
        throw new ConfigError(
          parameter.path,
          `is parameter number ${parameters} of the search space, which may define at most ${L.maxParameters} parameters in all (those in nested sub-spaces included)`,
          parameter.givenName,
        );
      const v = parameter.value;
      if (v.kind === 'constant') value(parameter.path, v.value);
      else if (v.expression.kind === 'choice') {
        const options = v.expression.options;
        if (options.length > L.maxChoiceValues)
          throw new ConfigError(
            parameter.path,
            `must choose among at most ${L.maxChoiceValues} values (it has ${options.length})`,
            `${options.length} values`,
          );
        for (const [i, option] of options.entries()) {
          if (option.kind === 'value') value(`${parameter.path}[${i}]`, option.value);
          else if (depth + 1 > L.maxNestingDepth)
            throw new ConfigError(
              `${parameter.path}[${i}]`,
              `must not nest choices more than ${L.maxNestingDepth} levels deep`,
              'a sub-space',
            );
          else walk(option.space, depth + 1);
        }
      }
    }
  };
  walk(root, 0);
}

/**
 * `prefix` is the path of the enclosing choice option (`model[1].`), empty at the root.
 * `dimensions` is shared by the whole tree, so indices are global: a sub-space's dimensions
 * address the same unit cube as the root's.
 */
function buildSpace(definition: Record<string, unknown>, prefix: string, dimensions: Dimension[]): SearchSpace {
  const first = dimensions.length;
  const givenNames = new Map<string, string>();
  const parameters: SpaceParameter[] = [];
  for (const givenName of Object.keys(definition)) {
    const name = givenName.replace(/^-+/, '');
    if (name === '') {
      throw new ConfigError(
        prefix + givenName,
        'parameter names must not be empty once leading dashes are stripped',
        givenName,
        `parameter ${JSON.stringify(prefix + givenName)}: the name is empty once leading dashes are stripped`,
      );
    }
    const path = prefix + name;
    if (name === '__proto__') {
      // Assigning it on a plain object would replace the prototype instead of adding a parameter.
      const rule = 'the name __proto__ is reserved by JavaScript';
      throw new ConfigError(path, rule, givenName, `parameter ${JSON.stringify(path)}: ${rule}`);
    }
    const earlier = givenNames.get(name);
    if (earlier !== undefined) {
      throw new ConfigError(
        path,
        'parameter names must be unique once leading dashes are stripped',
        givenName,
        `parameters ${JSON.stringify(prefix + earlier)} and ${JSON.stringify(prefix + givenName)} both become ${JSON.stringify(path)} once leading dashes are stripped`,
      );
    }
    givenNames.set(name, givenName);
    const value = buildValue(definition[givenName], path, dimensions);
    parameters.push(Object.freeze({ name, givenName, path, value }));
  }
  return Object.freeze({ parameters: Object.freeze(parameters), dimensions: Object.freeze(dimensions.slice(first)) });
}

function buildValue(value: unknown, path: string, dimensions: Dimension[]): NormalizedValue {
  if (typeof value === 'string' || typeof value === 'boolean') return Object.freeze({ kind: 'constant', value });
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return Object.freeze({ kind: 'constant', value });
    throw parameterError(path, 'a constant number must be finite', value);
  }
  if (isExpression(value)) {
    const index = dimensions.length;
    // The slot is taken before a choice's sub-spaces are built so that their dimensions follow it.
    dimensions.length += 1;
    const expression = normalizeExpression(value, path, dimensions);
    dimensions[index] = Object.freeze({ index, path, expression });
    return Object.freeze({ kind: 'expression', expression, dimension: index });
  }
  if (Array.isArray(value)) {
    throw parameterError(path, 'an array is not a parameter expression; to choose among values use choice(...)', value);
  }
  if (isPlainObject(value)) {
    throw parameterError(
      path,
      'a plain object is not a parameter expression; nested parameters go in the options of a choice(...)',
      value,
    );
  }
  throw parameterError(
    path,
    'must be a parameter expression (choice, randint, uniform, loguniform, normal, lognormal or a q-variant) or a constant number, string or boolean',
    value,
  );
}

function normalizeExpression(expression: Expression, path: string, dimensions: Dimension[]): NormalizedExpression {
  const fail = (rule: string): ConfigError =>
    new ConfigError(path, rule, expression, `${describeExpression(expression)} for ${JSON.stringify(path)}: ${rule}`);
  // Fields are read as unknown: JavaScript callers (and hand-built objects) can put anything there.
  const field = (name: string): unknown => (expression as unknown as Record<string, unknown>)[name];
  const finite = (name: string): number => {
    const value = field(name);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`${name} must be a finite number`);
    return value;
  };
  /**
   * `extremes` are the smallest and largest values the unquantised draw can take (the formula
   * is monotone in the draw); `round(x / q) * q` must stay finite at both, which a tiny q with
   * huge values would break (x / q overflows).
   */
  const checkQ = (extremes: readonly [number, number]): void => {
    const q = field('q');
    if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0) throw fail('q must be a finite number > 0');
    for (const x of extremes) {
      if (!Number.isFinite(quantize(x, q))) {
        throw fail(
          `round(x / q) * q must be finite for every draw x: q is too small for draws that reach ${describeValue(x)}`,
        );
      }
    }
  };
  /** Checks low and high; returns the extremes of the draw (before any quantisation). */
  const checkBounds = (logSpace: boolean): [number, number] => {
    const low = finite('low');
    const high = finite('high');
    if (!(low < high)) throw fail('low must be < high');
    // Draws are low + u * (high - low): an infinite width would make them ±Infinity or NaN.
    if (!Number.isFinite(high - low)) {
      throw fail(
        `high - low must be finite: draws are low + u * (high - low), and here high - low is ${describeValue(high - low)}`,
      );
    }
    if (logSpace && !(high <= MAX_LOG)) {
      throw fail(
        `exp(high) must be finite: low and high are in log space, so high must be at most ${MAX_LOG.toFixed(2)}`,
      );
    }
    return logSpace ? [Math.exp(low), Math.exp(high)] : [low, high];
  };
  /**
   * Checks mu and sigma; returns the extremes of the draw. A draw is mu + sigma * z with
   * |z| <= NORMAL_DRAW_SIGMAS (the clamp in decode.ts), so the bounds are checked at exactly
   * the values the sampler can reach.
   */
  const checkNormal = (logSpace: boolean): [number, number] => {
    const mu = finite('mu');
    const sigma = field('sigma');
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma < 0)
      throw fail('sigma must be a finite number >= 0');
    const reach = Math.abs(mu) + NORMAL_DRAW_SIGMAS * sigma;
    if (!Number.isFinite(reach)) {
      throw fail(
        `|mu| + ${K} * sigma must be finite: draws reach mu ± ${K} * sigma (the sampler's clamp), which overflows`,
      );
    }
    const lowest = mu - NORMAL_DRAW_SIGMAS * sigma;
    const highest = mu + NORMAL_DRAW_SIGMAS * sigma;
    if (!logSpace) return [lowest, highest];
    if (!Number.isFinite(Math.exp(highest))) {
      throw fail(
        `exp(mu + ${K} * sigma) must be finite: draws reach exp(mu + ${K} * sigma) (the sampler's clamp), so mu + ${K} * sigma must be at most ${MAX_LOG.toFixed(2)} (here it is ${describeValue(Number(highest.toPrecision(6)))})`,
      );
    }
    return [Math.exp(lowest), Math.exp(highest)];
  };

  switch (expression.kind) {
    case 'choice':
      return normalizeChoice(expression.options, path, dimensions, fail);
    case 'randint': {
      const upper = field('upper');
      if (typeof upper !== 'number' || !Number.isSafeInteger(upper) || upper < 1)
        throw fail('upper must be a positive integer');
      return expression;
    }
    case 'uniform':
    case 'loguniform':
      checkBounds(expression.kind === 'loguniform');
      return expression;
    case 'quniform':
    case 'qloguniform':
      checkQ(checkBounds(expression.kind === 'qloguniform'));
      return expression;
    case 'normal':
    case 'lognormal':
      checkNormal(expression.kind === 'lognormal');
      return expression;
    case 'qnormal':
    case 'qlognormal':
      checkQ(checkNormal(expression.kind === 'qlognormal'));
      return expression;
    default:
      throw fail(`unknown expression kind ${describeValue((expression as { kind: unknown }).kind)}`);
  }
}

function normalizeChoice(
  given: unknown,
  path: string,
  dimensions: Dimension[],
  fail: (rule: string) => ConfigError,
): NormalizedExpression {
  let options: readonly unknown[];
  if (Array.isArray(given)) options = given;
  else if (isRangeSpec(given)) options = expandRange(given, fail);
  else throw fail('options must be a list of values or a range(...)');
  if (options.length === 0) throw fail('needs at least one option');

  const firstIndexOf = new Map<string, number>();
  const normalized = options.map((option, i): NormalizedOption => {
    if (
      typeof option === 'string' ||
      typeof option === 'boolean' ||
      (typeof option === 'number' && Number.isFinite(option))
    ) {
      // 1, "1" and true are different options; 0 and -0 are the same one.
      const key = `${typeof option}:${String(option)}`;
      const earlier = firstIndexOf.get(key);
      if (earlier !== undefined) {
        throw fail(
          `options[${i}] duplicates options[${earlier}] (${describeValue(option)}); options must be distinct, since a repeated value would be drawn more often by random sampling and run twice by grid sampling`,
        );
      }
      firstIndexOf.set(key, i);
      return Object.freeze({ kind: 'value', value: option as Primitive });
    }
    if (isExpression(option)) {
      throw fail(
        `options[${i}] is an expression (${describeExpression(option)}); a choice picks among constants or sub-spaces, so put it inside a sub-space such as { name: ${describeExpression(option)} }`,
      );
    }
    if (isPlainObject(option)) {
      if (Object.keys(option).length === 0)
        throw fail(`options[${i}] is an empty sub-space; give it at least one parameter`);
      return Object.freeze({ kind: 'space', space: buildSpace(option, `${path}[${i}].`, dimensions) });
    }
    throw fail(
      `options[${i}] must be a finite number, a string, a boolean or a sub-space object (got ${describeValue(option)})`,
    );
  });
  return Object.freeze({ kind: 'choice', options: Object.freeze(normalized) });
}

/** Python's `range`, extended to finite non-integer steps with their binary noise removed. */
function expandRange(spec: RangeSpec, fail: (rule: string) => ConfigError): number[] {
  const { start, stop, step } = spec as { start: unknown; stop: unknown; step: unknown };
  const described = describeRange(spec);
  for (const [name, value] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw fail(`${described}: ${name} must be a finite number`);
  }
  const [from, to, by] = [start, stop, step] as [number, number, number];
  if (by === 0) throw fail(`${described}: step must not be 0`);
  const span = (to - from) / by;
  if (!(span > 0)) throw fail(`${described} is empty`);
  // One extra value is allowed for here because the span itself carries rounding error.
  if (span > MAX_RANGE_VALUES + 1)
    throw fail(`${described} has ${Math.ceil(span)} values; at most ${MAX_RANGE_VALUES} are allowed`);
  const decimals = Math.max(decimalsOf(from), decimalsOf(by));
  const values: number[] = [];
  for (let i = 0; i < Math.ceil(span); i += 1) {
    const raw = from + i * by;
    const value = decimals === 0 ? raw : Number(raw.toFixed(decimals));
    if (by > 0 ? value >= to : value <= to) break;
    values.push(value === 0 ? 0 : value);
  }
  if (values.length === 0) throw fail(`${described} is empty`);
  if (values.length > MAX_RANGE_VALUES)
    throw fail(`${described} has ${values.length} values; at most ${MAX_RANGE_VALUES} are allowed`);
  return values;
}

function parameterError(path: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(path, rule, value, `parameter ${JSON.stringify(path)}: ${rule} (got ${describeValue(value)})`);
}
