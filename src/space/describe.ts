import { describeValue } from '../errors.js';
import { isExpression, type ChoiceOption, type Expression, type RangeSpec } from './expression.js';
import type { NormalizedExpression, NormalizedOption, SearchSpace } from './search-space.js';

// A message that lists 100000 options helps nobody; the first few identify the choice.
const MAX_LISTED_OPTIONS = 8;

/** Argument names of every expression but `choice`, in constructor order. */
export const EXPRESSION_ARGUMENTS = Object.freeze({
  randint: ['upper'],
  uniform: ['low', 'high'],
  loguniform: ['low', 'high'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  quniform: ['low', 'high', 'q'],
  qloguniform: ['low', 'high', 'q'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
} as const satisfies Record<Exclude<Expression['kind'], 'choice'>, readonly string[]>);

/**
 * Renders an expression as a user would recognise it, with argument names:
 * `uniform(low=0.01, high=0.1)`, `choice(16, 32)`, `choice(range(start=1, stop=5, step=1))`.
 * Safe on malformed input (it is used to report exactly that).
 */
export function describeExpression(expression: Expression | NormalizedExpression): string {
  if (expression.kind === 'choice') {
    return `choice(${describeOptions(expression)})`;
  }
  const names: readonly string[] | undefined = (EXPRESSION_ARGUMENTS as Record<string, readonly string[]>)[
    expression.kind
  ];
  if (names === undefined) return `${String(expression.kind)}(?)`;
  const fields = expression as unknown as Record<string, unknown>;
  return `${expression.kind}(${names.map((name) => `${name}=${describeValue(fields[name])}`).join(', ')})`;
}

/** `range(start=1, stop=5, step=1)`. */
export function describeRange(spec: RangeSpec): string {
  return `range(start=${describeValue(spec.start)}, stop=${describeValue(spec.stop)}, step=${describeValue(spec.step)})`;
}

function describeOptions(expression: Expression | NormalizedExpression): string {
  const options: unknown = (expression as { options?: unknown }).options;
  if (!Array.isArray(options)) {
    if (typeof options === 'object' && options !== null && (options as { kind?: unknown }).kind === 'range') {
      return describeRange(options as RangeSpec);
    }
    return describeValue(options);
  }
  // A choice straight from `choice()` is branded; the normalised one wraps each option.
  const normalized = !isExpression(expression);
  const shown = options
    .slice(0, MAX_LISTED_OPTIONS)
    .map((option: unknown) =>
      normalized ? describeNormalizedOption(option as NormalizedOption) : describeOption(option as ChoiceOption),
    );
  if (options.length > MAX_LISTED_OPTIONS) shown.push(`... ${options.length - MAX_LISTED_OPTIONS} more`);
  return shown.join(', ');
}

function describeOption(option: unknown): string {
  if (typeof option === 'object' && option !== null && !Array.isArray(option) && !isExpression(option)) {
    const entries = Object.entries(option).map(([name, value]) => `${name}: ${describeParameterValue(value)}`);
    return `{${entries.join(', ')}}`;
  }
  return describeParameterValue(option);
}

function describeNormalizedOption(option: NormalizedOption): string {
  return option.kind === 'value' ? describeValue(option.value) : describeSpace(option.space);
}

/** `{kind: "svm", C: uniform(low=0.1, high=10)}`, with the names the training function sees. */
export function describeSpace(space: SearchSpace): string {
  const entries = space.parameters.map(
    (parameter) =>
      `${parameter.name}: ${
        parameter.value.kind === 'constant'
          ? describeValue(parameter.value.value)
          : describeExpression(parameter.value.expression)
      }`,
  );
  return `{${entries.join(', ')}}`;
}

function describeParameterValue(value: unknown): string {
  return isExpression(value) ? describeExpression(value) : describeValue(value);
}
