import {
  EXPRESSION,
  type ChoiceExpression,
  type ChoiceOption,
  type LognormalExpression,
  type LoguniformExpression,
  type NormalExpression,
  type QlognormalExpression,
  type QloguniformExpression,
  type QnormalExpression,
  type QuniformExpression,
  type RandintExpression,
  type RangeSpec,
  type UniformExpression,
} from './expression.js';

/*
 * The constructors only record their arguments: they cannot know the parameter's name, and an
 * error that does not name the parameter is hard to act on, so every check happens in
 * `createSearchSpace`. The brand is non-enumerable so that `JSON.stringify` and spreading see
 * plain data.
 */

function brand<T extends object>(fields: T): T & { readonly [EXPRESSION]: true } {
  Object.defineProperty(fields, EXPRESSION, { value: true, enumerable: false });
  return Object.freeze(fields) as T & { readonly [EXPRESSION]: true };
}

const RANGE: unique symbol = Symbol.for('overdrive.range');

/** `range(start, stop, step = 1)` for `choice`, with Python's semantics: stop is excluded. */
export function range(start: number, stop: number, step = 1): RangeSpec {
  const spec = { kind: 'range' as const, start, stop, step };
  Object.defineProperty(spec, RANGE, { value: true, enumerable: false });
  return Object.freeze(spec);
}

/**
 * Whether a value is a `range(...)`. Besides the objects `range()` makes, it accepts the same
 * shape as plain data (exactly `kind: 'range'`, `start`, `stop` and `step`), which is what a
 * stored spec holds once JSON has dropped the brand.
 */
export function isRangeSpec(value: unknown): value is RangeSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if ((value as { [RANGE]?: unknown })[RANGE] === true) return true;
  const keys = Object.keys(value).sort();
  return keys.join(',') === 'kind,start,step,stop' && (value as { kind?: unknown }).kind === 'range';
}

/**
 * One of the given values: `choice(1, 2, 3)`, `choice([1, 2, 3])` or `choice(range(1, 4))`.
 * An option may also be a sub-space object (a nested, conditional space).
 */
export function choice(spec: RangeSpec): ChoiceExpression;
export function choice(options: readonly ChoiceOption[]): ChoiceExpression;
export function choice(...options: ChoiceOption[]): ChoiceExpression;
export function choice(...args: unknown[]): ChoiceExpression {
  const [only] = args;
  let options: readonly ChoiceOption[] | RangeSpec;
  if (args.length === 1 && Array.isArray(only)) options = Object.freeze([...(only as ChoiceOption[])]);
  else if (args.length === 1 && isRangeSpec(only)) options = only;
  else options = Object.freeze([...(args as ChoiceOption[])]);
  return brand({ kind: 'choice' as const, options });
}

/** An integer in [0, upper). */
export function randint(upper: number): RandintExpression {
  return brand({ kind: 'randint' as const, upper });
}

/** Uniform between low and high. */
export function uniform(low: number, high: number): UniformExpression {
  return brand({ kind: 'uniform' as const, low, high });
}

/** `exp(uniform(low, high))`: low and high are in log space. */
export function loguniform(low: number, high: number): LoguniformExpression {
  return brand({ kind: 'loguniform' as const, low, high });
}

/** Normal with mean mu and standard deviation sigma. */
export function normal(mu: number, sigma: number): NormalExpression {
  return brand({ kind: 'normal' as const, mu, sigma });
}

/** `exp(normal(mu, sigma))`. */
export function lognormal(mu: number, sigma: number): LognormalExpression {
  return brand({ kind: 'lognormal' as const, mu, sigma });
}

/** `round(uniform(low, high) / q) * q`. */
export function quniform(low: number, high: number, q: number): QuniformExpression {
  return brand({ kind: 'quniform' as const, low, high, q });
}

/** `round(exp(uniform(low, high)) / q) * q`. */
export function qloguniform(low: number, high: number, q: number): QloguniformExpression {
  return brand({ kind: 'qloguniform' as const, low, high, q });
}

/** `round(normal(mu, sigma) / q) * q`. */
export function qnormal(mu: number, sigma: number, q: number): QnormalExpression {
  return brand({ kind: 'qnormal' as const, mu, sigma, q });
}

/** `round(exp(normal(mu, sigma)) / q) * q`. */
export function qlognormal(mu: number, sigma: number, q: number): QlognormalExpression {
  return brand({ kind: 'qlognormal' as const, mu, sigma, q });
}
