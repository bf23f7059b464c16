import { childPath } from './paths.js';

/*
 * Typed readers for values that cross a boundary (a config object, a sweep file, an imported
 * document, a worker's message). Each takes the boundary first: it says which error to raise
 * and how the boundary words its rules, so one reader serves them all and each keeps the
 * messages its users (and tests) know.
 */

/** Builds the boundary's error from the field's path, the rule in words and the value given. */
export type FailFactory = (field: string, rule: string, value: unknown) => Error;

/**
 * Stands in for the value when a rule speaks for itself and the value would only add noise
 * (a worker's over-long string); a boundary's `fail` leaves the "got" part out for it.
 */
export const NOT_SHOWN: unique symbol = Symbol('not shown');

/** How a boundary words each rule. */
export interface Wording {
  readonly object: string;
  readonly string: string;
  readonly finite: string;
  readonly positive: string;
  readonly boolean: string;
  readonly array: string;
  readonly control: string;
  /** `max` is `Infinity` or `Number.MAX_SAFE_INTEGER` for "no upper bound given". */
  integer(min: number, max: number): string;
  oneOf(allowed: readonly string[]): string;
  tooLong(maxLength: number): string;
  tooMany(maxLength: number): string;
  unknownKey(key: string, known: readonly string[]): string;
}

export interface Boundary {
  readonly fail: FailFactory;
  readonly words: Wording;
  /** What a failure shows of a value refused for its size: a megabyte of text has no place in a message. */
  readonly oversized: (value: string | readonly unknown[]) => unknown;
}

export type Fields = Readonly<Record<string, unknown>>;

/** The wording most boundaries share; a boundary spreads it and replaces what it says differently. */
export const COMMON_WORDS: Wording = {
  object: 'must be an object',
  string: 'must be a string',
  finite: 'must be a finite number',
  positive: 'must be a finite number > 0',
  boolean: 'must be true or false',
  array: 'must be an array',
  control: 'must not contain control characters',
  integer: (min, max) =>
    isUnbounded(max) ? `must be an integer >= ${min}` : `must be an integer between ${min} and ${max}`,
  oneOf: (allowed) => `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
  tooLong: (maxLength) => `must be at most ${maxLength} characters`,
  tooMany: (maxLength) => `must hold at most ${maxLength} entries`,
  unknownKey: (_key, known) => `is not a known option; known: ${known.join(', ')}`,
};

export function isUnbounded(max: number): boolean {
  return max === Number.POSITIVE_INFINITY || max === Number.MAX_SAFE_INTEGER;
}

/** Control characters break tables, CSV, logs and terminals; multi-line text may hold tabs and line breaks. */
export const CONTROL_CHARACTERS = {
  singleLine: /[\u0000-\u001f\u007f]/,
  multiLine: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/,
  /** The same, with the C1 controls (U+0080 to U+009F) refused too. */
  singleLineC1: /[\u0000-\u001f\u007f-\u009f]/,
  multiLineC1: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
} as const;

/** A plain object (not an array, not null, not a class instance such as a Date or Map). */
export function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Any object that is neither null nor an array, to read fields from. */
export function readRecord(b: Boundary, path: string, value: unknown, rule = b.words.object): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw b.fail(path, rule, value);
  return value as Record<string, unknown>;
}

/** Own property read that never reaches into the prototype (`constructor`, `toString`...). */
export function ownField(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/**
 * Refuses the first key outside `known`: a misspelt key would otherwise be ignored silently,
 * leaving the user with something they did not ask for.
 */
export function checkKnownKeys(
  b: Boundary,
  path: string,
  fields: Fields,
  known: readonly string[],
  rule: (key: string, known: readonly string[]) => string = b.words.unknownKey,
): void {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) throw b.fail(childPath(path, key), rule(key, known), fields[key]);
  }
}

export function readFinite(b: Boundary, path: string, value: unknown, rule = b.words.finite): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw b.fail(path, rule, value);
  return value;
}

export function readPositive(b: Boundary, path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw b.fail(path, b.words.positive, value);
  return value;
}

/** An integer in [min, max]; with no `max`, any integer from `min` up. */
export function readInteger(
  b: Boundary,
  path: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw b.fail(path, b.words.integer(min, max), value);
  }
  return value;
}

export function readBoolean(b: Boundary, path: string, value: unknown, rule = b.words.boolean): boolean {
  if (typeof value !== 'boolean') throw b.fail(path, rule, value);
  return value;
}

export function readOneOf<T extends string>(b: Boundary, path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw b.fail(path, b.words.oneOf(allowed), value);
  }
  return value as T;
}

/** A string of at most `maxLength` characters, refusing those `control` matches when given. */
export function readText(b: Boundary, path: string, value: unknown, maxLength: number, control?: RegExp): string {
  if (typeof value !== 'string') throw b.fail(path, b.words.string, value);
  if (value.length > maxLength) throw b.fail(path, b.words.tooLong(maxLength), b.oversized(value));
  if (control?.test(value) === true) throw b.fail(path, b.words.control, value);
  return value;
}

export function readArray(
  b: Boundary,
  path: string,
  value: unknown,
  maxLength: number,
  rules: { readonly array: string; readonly tooMany: string } = {
    array: b.words.array,
    tooMany: b.words.tooMany(maxLength),
  },
): readonly unknown[] {
  if (!Array.isArray(value)) throw b.fail(path, rules.array, value);
  if (value.length > maxLength) throw b.fail(path, rules.tooMany, b.oversized(value));
  return value;
}

export function readNullable<T>(path: string, value: unknown, read: (path: string, value: unknown) => T): T | null {
  return value === null ? null : read(path, value);
}
