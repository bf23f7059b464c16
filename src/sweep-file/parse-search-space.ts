import { ConfigError, describeValue } from '../errors.js';
import { choice } from '../space/constructors.js';
import { SEARCH_SPACE_LIMITS } from '../space/limits.js';
import { expressionRow, numericExpressionRow } from '../space/registry.js';
import type { ChoiceOption, Expression, Primitive, SearchSpaceDefinition } from '../space/expression.js';
import { childPath, indexPath } from './json-text.js';
import {
  field,
  isPlainObject,
  PARAMETER_NAME,
  readFinite,
  readInteger,
  readName,
  readOneOf,
  rejectUnknownKeys,
  required,
  type Fields,
} from './file-fields.js';
import {
  SWEEP_FILE_PARAMETER_FIELDS,
  SWEEP_FILE_PARAMETER_TYPES,
  type SweepFileChoiceValue,
  type SweepFileParameter,
  type SweepFileParameterType,
  type SweepFilePrimitive,
  type SweepFileSearchSpace,
  type SweepFileSubSpace,
} from './sweep-file.js';

/** Nested choices deeper than this are surely a mistake (or a cycle in a JavaScript object). */
export const MAX_NESTING_DEPTH = SEARCH_SPACE_LIMITS.maxNestingDepth;

/** Parameters and values counted so far over the whole space (see SEARCH_SPACE_LIMITS). */
interface Budget {
  parameters: number;
  values: number;
}

// The largest x with a finite exp(x): loguniform bounds are exponents.
const MAX_LOG = Math.log(Number.MAX_VALUE);

const EXPRESSION_HINT = 'a parameter object such as {"type": "uniform", "min_value": 0, "max_value": 1}, or a constant';

/**
 * Validates `search_space` and returns it normalised (plain, frozen data). Everything the
 * search-space constructors would refuse is refused here first, so that the error names the
 * spec field (`search_space.lr.min_value`) rather than the constructor's argument.
 */
export function parseSearchSpace(path: string, value: unknown): SweepFileSearchSpace {
  if (value === undefined) {
    throw new ConfigError(path, 'is required: an object mapping parameter names to parameters', undefined);
  }
  if (!isPlainObject(value)) {
    throw new ConfigError(path, 'must be an object mapping parameter names to parameters', value);
  }
  if (Object.keys(value).length === 0) {
    throw new ConfigError(path, 'must define at least one parameter', value);
  }
  return parseSpace(path, value, 0, { parameters: 0, values: 0 });
}

/** A string value within the length limit. */
function checkString(path: string, value: string): void {
  const max = SEARCH_SPACE_LIMITS.maxStringLength;
  if (value.length > max) {
    throw new ConfigError(path, `must be at most ${max} characters long (it has ${value.length})`, value);
  }
}

/** One more value (a constant or a choice value) against the whole space's limit. */
function countValue(path: string, value: unknown, budget: Budget): void {
  budget.values += 1;
  const max = SEARCH_SPACE_LIMITS.maxValues;
  if (budget.values > max) {
    throw new ConfigError(
      path,
      `is value number ${budget.values} of the search space, which may hold at most ${max} choice values and constants in all`,
      value,
    );
  }
}

function parseSpace(path: string, fields: Fields, depth: number, budget: Budget): SweepFileSearchSpace {
  const strippedNames = new Map<string, string>();
  const entries: [string, SweepFileParameter | SweepFilePrimitive][] = [];
  for (const name of Object.keys(fields)) {
    const parameterPath = childPath(path, name);
    budget.parameters += 1;
    if (budget.parameters > SEARCH_SPACE_LIMITS.maxParameters) {
      throw new ConfigError(
        parameterPath,
        `is parameter number ${budget.parameters} of the search space, which may define at most ${SEARCH_SPACE_LIMITS.maxParameters} parameters in all (those in nested sub-spaces included)`,
        name,
      );
    }
    readName(parameterPath, name, PARAMETER_NAME);
    const stripped = name.replace(/^-+/, '');
    if (stripped === '__proto__') {
      throw new ConfigError(parameterPath, 'must not be __proto__, a name JavaScript reserves', name);
    }
    const earlier = strippedNames.get(stripped);
    if (earlier !== undefined) {
      throw new ConfigError(
        parameterPath,
        `must differ from ${JSON.stringify(earlier)} once leading dashes are stripped (both become ${JSON.stringify(stripped)})`,
        name,
      );
    }
    strippedNames.set(stripped, name);
    entries.push([name, parseParameter(parameterPath, fields[name], depth, budget)]);
  }
  // fromEntries defines own properties, so even an odd key could not reach the prototype.
  return Object.freeze(Object.fromEntries(entries));
}

function parseParameter(
  path: string,
  value: unknown,
  depth: number,
  budget: Budget,
): SweepFileParameter | SweepFilePrimitive {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    countValue(path, value, budget);
  if (typeof value === 'string') checkString(path, value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(path, 'must be a finite number when it is a constant', value);
    return value;
  }
  if (Array.isArray(value)) {
    throw new ConfigError(
      path,
      `must be ${EXPRESSION_HINT}; an array is neither (to choose among values write {"type": "choice", "values": [...]})`,
      value,
    );
  }
  if (!isPlainObject(value)) throw new ConfigError(path, `must be ${EXPRESSION_HINT}`, value);
  return parseExpression(path, value, depth, budget);
}

function parseExpression(path: string, fields: Fields, depth: number, budget: Budget): SweepFileParameter {
  const typePath = childPath(path, 'type');
  const type = readOneOf(
    typePath,
    required(typePath, field(fields, 'type'), `one of ${SWEEP_FILE_PARAMETER_TYPES.join(', ')}`),
    SWEEP_FILE_PARAMETER_TYPES,
  );
  const names: readonly string[] = SWEEP_FILE_PARAMETER_FIELDS[type];
  rejectUnknownKeys(path, fields, ['type', ...names], `a ${type} parameter`);
  const need = (name: string, what: string): unknown =>
    required(childPath(path, name), field(fields, name), `${what} for a ${type} parameter`);
  const row = expressionRow(type);
  const parsed: [string, unknown][] = [];
  // Each argument as its row says, in row order (which is also the order of the checks).
  for (const [i, arg] of row.args.entries()) {
    const at = childPath(path, arg.fileKey);
    switch (arg.file) {
      case 'values':
        parsed.push([arg.fileKey, parseChoiceValues(at, need(arg.fileKey, 'a non-empty array'), depth, budget)]);
        break;
      case 'count':
        parsed.push([arg.fileKey, readInteger(at, need(arg.fileKey, 'an integer >= 1'), 1)]);
        break;
      case 'finite':
        parsed.push([arg.fileKey, readFinite(at, need(arg.fileKey, 'a finite number'))]);
        break;
      case 'upper': {
        const max = readFinite(at, need(arg.fileKey, 'a finite number'));
        const [lowKey, min] = parsed[i - 1] as [string, number];
        if (!(min < max))
          throw new ConfigError(
            childPath(path, lowKey),
            `must be less than ${arg.fileKey} (${describeValue(max)})`,
            min,
          );
        if (row.exponentBounds && max > MAX_LOG) {
          throw new ConfigError(
            at,
            `must be at most ${MAX_LOG.toFixed(2)}: for ${type}, ${lowKey} and ${arg.fileKey} are exponents (the sample is exp(uniform(${lowKey}, ${arg.fileKey}))), and exp(${arg.fileKey}) must be finite`,
            max,
          );
        }
        parsed.push([arg.fileKey, max]);
        break;
      }
      case 'positive': {
        const q = readFinite(at, need(arg.fileKey, 'a finite number > 0'));
        if (q <= 0) throw new ConfigError(at, 'must be a finite number > 0', q);
        parsed.push([arg.fileKey, q]);
        break;
      }
      case 'nonnegative': {
        const sigma = readFinite(at, need(arg.fileKey, 'a finite number >= 0'));
        if (sigma < 0) throw new ConfigError(at, 'must be a finite number >= 0', sigma);
        parsed.push([arg.fileKey, sigma]);
        break;
      }
    }
  }
  // The row's arguments are the file's fields for this type, so this is the type's shape.
  return Object.freeze({ type, ...Object.fromEntries(parsed) }) as SweepFileParameter;
}

function parseChoiceValues(
  path: string,
  value: unknown,
  depth: number,
  budget: Budget,
): readonly SweepFileChoiceValue[] {
  const rule = 'must be a non-empty array of numbers, strings, booleans or sub-space objects';
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(path, rule, value);
  const max = SEARCH_SPACE_LIMITS.maxChoiceValues;
  if (value.length > max) {
    throw new ConfigError(path, `must hold at most ${max} values (it has ${value.length})`, value);
  }
  const firstIndexOf = new Map<string, number>();
  const values = value.map((option: unknown, i): SweepFileChoiceValue => {
    const optionPath = indexPath(path, i);
    countValue(optionPath, option, budget);
    if (typeof option === 'string') checkString(optionPath, option);
    if (
      typeof option === 'string' ||
      typeof option === 'boolean' ||
      (typeof option === 'number' && Number.isFinite(option))
    ) {
      // 1, "1" and true are different options; 0 and -0 are the same one.
      const key = `${typeof option}:${String(option)}`;
      const earlier = firstIndexOf.get(key);
      if (earlier !== undefined) throw new ConfigError(optionPath, `must not repeat values[${earlier}]`, option);
      firstIndexOf.set(key, i);
      return option;
    }
    if (!isPlainObject(option)) {
      throw new ConfigError(optionPath, 'must be a finite number, a string, a boolean or a sub-space object', option);
    }
    if (looksLikeParameter(option)) {
      throw new ConfigError(
        optionPath,
        'must be a constant or a sub-space object; a choice cannot hold a parameter directly, so name it inside a sub-space such as {"x": {"type": ...}}',
        option,
      );
    }
    if (Object.keys(option).length === 0)
      throw new ConfigError(optionPath, 'must define at least one parameter when it is a sub-space', option);
    if (depth + 1 > MAX_NESTING_DEPTH) {
      throw new ConfigError(optionPath, `must not nest choices more than ${MAX_NESTING_DEPTH} levels deep`, option);
    }
    return parseSpace(optionPath, option, depth + 1, budget) as SweepFileSubSpace;
  });
  return Object.freeze(values);
}

/**
 * `{"type": "uniform", "min_value": 0, "max_value": 1}` inside `values` is almost surely a
 * parameter put where a sub-space belongs. Read as a sub-space it would silently become three
 * constants, so it is refused. A sub-space with a constant named `type` (`{"type": "svm", ...}`)
 * is still fine: its `type` is not a parameter type, or it has other fields.
 */
function looksLikeParameter(option: Fields): boolean {
  const type = field(option, 'type');
  if (typeof type !== 'string' || !(SWEEP_FILE_PARAMETER_TYPES as readonly string[]).includes(type)) return false;
  const names: readonly string[] = SWEEP_FILE_PARAMETER_FIELDS[type as SweepFileParameterType];
  return Object.keys(option).every((key) => key === 'type' || names.includes(key));
}

/**
 * Grid sampling enumerates choice values, so every parameter, nested ones included, must be a
 * choice or a constant. Checked on the spec so the error shows the parameter as written.
 */
export function checkGridSpace(path: string, space: SweepFileSearchSpace | SweepFileSubSpace): void {
  for (const [name, parameter] of Object.entries(space)) {
    if (typeof parameter !== 'object') continue;
    const parameterPath = childPath(path, name);
    if (parameter.type !== 'choice') {
      throw new ConfigError(
        parameterPath,
        `must be a choice or a constant with grid sampling (grid enumerates choice values), not a ${parameter.type} parameter`,
        parameter,
      );
    }
    parameter.values.forEach((option, i) => {
      if (typeof option === 'object') checkGridSpace(indexPath(childPath(parameterPath, 'values'), i), option);
    });
  }
}

/**
 * The number of configurations grid sampling enumerates (each choice's options summed, a
 * sub-space counting its own combinations; parameters multiplied). May be Infinity when huge.
 */
export function gridSize(space: SweepFileSearchSpace | SweepFileSubSpace): number {
  let size = 1;
  for (const parameter of Object.values(space)) {
    if (typeof parameter !== 'object' || parameter.type !== 'choice') continue;
    size *= parameter.values.reduce(
      (sum: number, option) => sum + (typeof option === 'object' ? gridSize(option) : 1),
      0,
    );
  }
  return size;
}

/** The search space definition for the samplings, built with the expression constructors. */
export function toDefinition(space: SweepFileSearchSpace | SweepFileSubSpace): SearchSpaceDefinition {
  return Object.fromEntries(
    Object.entries(space).map(([name, parameter]): [string, Expression | Primitive] => [
      name,
      typeof parameter === 'object' ? toExpression(parameter) : parameter,
    ]),
  );
}

function toExpression(parameter: SweepFileParameter): Expression {
  if (parameter.type === 'choice') {
    return choice(
      parameter.values.map((value): ChoiceOption => (typeof value === 'object' ? toDefinition(value) : value)),
    );
  }
  // A parsed parameter holds every argument its row names, as a number (parseExpression checked).
  const given = parameter as unknown as Readonly<Record<string, number>>;
  const row = numericExpressionRow(parameter.type);
  return row.create(...row.args.map((a) => given[a.fileKey] as number));
}

/**
 * Turns a search-space path from `createSearchSpace` (`model[1].C`, names without their leading
 * dashes) into a spec path (`search_space.model.values[1].C`).
 */
export function specPathOf(spacePath: string, root: string): string {
  return childPath(root, spacePath.replace(/\[(\d+)\]/g, '.values[$1]'));
}
