import { ConfigError } from '../errors.js';
import {
  type Boundary,
  COMMON_WORDS,
  CONTROL_CHARACTERS,
  checkKnownKeys,
  childPath,
  itemPath,
  readArray as readArrayAt,
  readBoolean as readBooleanAt,
  readFinite as readFiniteAt,
  readInteger as readIntegerAt,
  readNullable,
  readOneOf as readOneOfAt,
  readPositive as readPositiveAt,
  readRecord,
  readText as readTextAt,
} from '../validate/index.js';
import { SWEEP_DOCUMENT_LIMITS, decodeNonFinite } from './sweep-document.js';

/**
 * The validation kit bound for an imported sweep document. Each reader takes the field's path
 * in the document (`runs[3].status`) and the value found there, and returns it typed or throws
 * a ConfigError naming the path, the rule in words and the value. Objects are rebuilt key by
 * key, so nothing of the input's own objects (or their prototypes) reaches the store.
 */

export const at = childPath;
export const item = itemPath;
export { readNullable };

/** Assigning `__proto__` on a plain object sets its prototype; as data it is always refused. */
const RESERVED_KEY = '__proto__';

/** Longer strings are cut in messages: a hostile file's megabyte of text has no place in an alert. */
const SHOWN_STRING_LENGTH = 80;

/**
 * A ConfigError whose message is `field: rule (got value)`, as ConfigError writes it, except
 * that a long string value is shown by its start and length. `value` keeps the whole value.
 */
export function fieldError(path: string, rule: string, value: unknown): ConfigError {
  if (typeof value !== 'string' || value.length <= SHOWN_STRING_LENGTH) return new ConfigError(path, rule, value);
  const shown = `${JSON.stringify(value.slice(0, SHOWN_STRING_LENGTH))}... (${value.length} characters)`;
  return new ConfigError(path, rule, value, `${path}: ${rule} (got ${shown})`);
}

const DOCUMENT: Boundary = {
  fail: fieldError,
  // Names are listed without quotes, as a person would write them.
  words: { ...COMMON_WORDS, oneOf: (allowed) => `must be one of ${allowed.join(', ')}` },
  oversized: (value) => (typeof value === 'string' ? value : `an array of ${value.length}`),
};

/** The field named for a problem with the document as a whole (whose own path is ''). */
export const DOCUMENT_FIELD = 'document';

export function readObject(path: string, value: unknown, what: string): Record<string, unknown> {
  const field = path === '' ? DOCUMENT_FIELD : path;
  const object = readRecord(DOCUMENT, field, value, `must be an object (${what})`);
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw fieldError(field, `must be a plain object (${what})`, value);
  }
  if (Object.hasOwn(object, RESERVED_KEY)) {
    throw fieldError(
      at(path, RESERVED_KEY),
      'must not be used as a key (it would replace an object prototype)',
      RESERVED_KEY,
    );
  }
  return object;
}

/**
 * An object with exactly these fields (those in `optional` may be absent). Unknown keys are
 * refused rather than dropped: a misspelt field would otherwise vanish silently on import.
 */
export function readFields(
  path: string,
  value: unknown,
  what: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  const object = readObject(path, value, what);
  checkKnownKeys(
    DOCUMENT,
    path,
    object,
    [...required, ...optional],
    (_key, known) => `is not a field of ${what}; its fields are ${known.join(', ')}`,
  );
  for (const key of required) {
    if (!Object.hasOwn(object, key)) throw fieldError(at(path, key), `is required in ${what}`, undefined);
  }
  return object;
}

export function readArray(path: string, value: unknown, what: string, maxLength: number): readonly unknown[] {
  return readArrayAt(DOCUMENT, path, value, maxLength, {
    array: `must be an array (${what})`,
    tooMany: `must hold at most ${maxLength} ${what}`,
  });
}

export function readLiteral<T extends string | number>(path: string, value: unknown, expected: T, rule?: string): T {
  if (value !== expected) throw fieldError(path, rule ?? `must be ${JSON.stringify(expected)}`, value);
  return expected;
}

/** One of a few names, listed without quotes in the rule as a person would write them. */
export function readOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  return readOneOfAt(DOCUMENT, path, value, allowed);
}

export function readBoolean(path: string, value: unknown): boolean {
  return readBooleanAt(DOCUMENT, path, value);
}

const NUMBER_RULE = 'must be a number (NaN and ±Infinity written as the strings "NaN", "Infinity", "-Infinity")';

/** Any number, the non-finite ones included (as numbers, or as the document's strings). */
export function readNumber(path: string, value: unknown): number {
  if (typeof value === 'number') return value;
  const decoded = decodeNonFinite(value);
  if (decoded === undefined) throw fieldError(path, NUMBER_RULE, value);
  return decoded;
}

export function readFinite(path: string, value: unknown, rule = 'must be a finite number'): number {
  return readFiniteAt(DOCUMENT, path, value, rule);
}

export function readPositive(path: string, value: unknown): number {
  return readPositiveAt(DOCUMENT, path, value);
}

export function readInteger(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return readIntegerAt(DOCUMENT, path, value, min, max);
}

/** A time: milliseconds since the epoch. */
export function readTime(path: string, value: unknown): number {
  return readFinite(path, value, 'must be a time in milliseconds since the epoch (a finite number)');
}

export function readText(path: string, value: unknown, maxLength: number, multiline = true): string {
  const control = multiline ? CONTROL_CHARACTERS.multiLine : CONTROL_CHARACTERS.singleLine;
  return readTextAt(DOCUMENT, path, value, maxLength, control);
}

/** An id or a name: a non-empty single line of at most `maxNameLength` characters. */
export function readName(path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw fieldError(path, 'must be a non-empty string', value);
  return readText(path, value, SWEEP_DOCUMENT_LIMITS.maxNameLength, false);
}

export function readNameList(path: string, value: unknown, what: string, maxLength: number): string[] {
  return readArray(path, value, what, maxLength).map((entry, i) => readName(item(path, i), entry));
}

/** Defines a key as own data: `obj[key] = v` would run a setter for a key such as `__proto__`. */
export function defineData(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Free-form JSON stored with a sweep (its search space and sampling options), copied with a
 * budget on depth and size. Numbers must be finite: the search space and options never hold
 * anything else.
 */
export function readJson(path: string, value: unknown, budget: { nodes: number }, depth = 0): unknown {
  budget.nodes -= 1;
  if (budget.nodes < 0) {
    throw fieldError(path, `must hold at most ${SWEEP_DOCUMENT_LIMITS.maxSpaceNodes} values in all`, 'more');
  }
  if (depth > SWEEP_DOCUMENT_LIMITS.maxDepth) {
    throw fieldError(path, `must be nested at most ${SWEEP_DOCUMENT_LIMITS.maxDepth} levels deep`, value);
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return readFinite(path, value);
  if (typeof value === 'string') return readText(path, value, SWEEP_DOCUMENT_LIMITS.maxTextFieldLength);
  if (Array.isArray(value)) return value.map((entry, i) => readJson(item(path, i), entry, budget, depth + 1));
  const object = readObject(path, value, 'JSON data');
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    readText(at(path, key), key, SWEEP_DOCUMENT_LIMITS.maxNameLength, false);
    defineData(copy, key, readJson(at(path, key), object[key], budget, depth + 1));
  }
  return copy;
}
