import { ConfigError } from '../errors.js';
import { childPath } from './json-text.js';

/*
 * Field readers for the sweep spec. Each takes the field's spec path (`limits.timeout`) and
 * the raw value, and throws a ConfigError naming that path, the rule in words and the value.
 */

export type Fields = Readonly<Record<string, unknown>>;

/** A plain object (not an array, not null, not a class instance such as a Date or Map). */
export function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function readObject(path: string, value: unknown, rule: string): Fields {
  if (!isPlainObject(value)) throw new ConfigError(path, rule, value);
  return value;
}

/** Own property read that never reaches into the prototype (`constructor`, `toString`...). */
export function field(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/**
 * Refuses keys outside `known`, naming the key, what it was found in, the known keys, and the
 * closest known key when the difference looks like a typo or a camelCase spelling.
 */
export function rejectUnknownKeys(path: string, fields: Fields, known: readonly string[], owner: string): void {
  for (const key of Object.keys(fields)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    const hint = suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
    throw new ConfigError(
      childPath(path, key),
      `is not a known field of ${owner}${hint}; known fields: ${known.join(', ')}`,
      fields[key],
    );
  }
}

/** The known key nearest to `key`, ignoring case, `_` and `-`, if it is near enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');
  const target = squash(key);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(target, squash(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(target.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY;
}

export function required(path: string, value: unknown, rule: string): unknown {
  if (value === undefined) throw new ConfigError(path, `is required: ${rule}`, undefined);
  return value;
}

export function readFinite(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ConfigError(path, 'must be a finite number', value);
  return value;
}

export function readPositive(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(path, 'must be a finite number > 0', value);
  }
  return value;
}

/**
 * An integer in [min, max]. Beyond 2^53 - 1 "integer" stops meaning anything in JavaScript
 * (1e300 passes Number.isInteger), so the bound always applies.
 */
export function readInteger(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const rule =
      max === Number.MAX_SAFE_INTEGER
        ? `must be an integer >= ${min} (and at most 2^53 - 1)`
        : `must be an integer between ${min} and ${max}`;
    throw new ConfigError(path, rule, value);
  }
  return value;
}

export function readBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(path, 'must be true or false', value);
  return value;
}

export function readOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

// Control characters break tables, CSV and terminals, and are never intended in a name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Free text (a display name, a description): any string without control characters unless allowed. */
export function readText(path: string, value: unknown, options: { maxLength: number; multiline?: boolean }): string {
  if (typeof value !== 'string') throw new ConfigError(path, 'must be a string', value);
  if (value.length > options.maxLength)
    throw new ConfigError(path, `must be at most ${options.maxLength} characters`, value);
  const control = options.multiline === true ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/ : CONTROL;
  if (control.test(value)) throw new ConfigError(path, 'must not contain control characters', value);
  return value;
}

export interface NameRule {
  readonly pattern: RegExp;
  /** The pattern in words, for the message. */
  readonly words: string;
  readonly maxLength: number;
}

export function readName(path: string, value: unknown, rule: NameRule): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(path, `must be a non-empty string of ${rule.words}`, value);
  }
  if (value.length > rule.maxLength) {
    throw new ConfigError(path, `must be at most ${rule.maxLength} characters`, value);
  }
  if (!rule.pattern.test(value)) throw new ConfigError(path, `must consist of ${rule.words}`, value);
  return value;
}

/**
 * Parameter names are ASCII identifiers (after any leading dashes): they become argument names,
 * CSV columns, and `${{search_space.<name>}}` placeholders when a sweep is taken back to Azure.
 */
export const PARAMETER_NAME: NameRule = {
  pattern: /^-*[A-Za-z_][A-Za-z0-9_-]*$/,
  words: 'ASCII letters, digits, "_" and "-", starting (after any leading dashes) with a letter or "_"',
  maxLength: 128,
};

/** Azure's rule for experiment names; it also keeps them safe as storage keys and in URLs. */
export const EXPERIMENT_NAME: NameRule = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  words: 'ASCII letters, digits, "_" and "-", starting with a letter or digit',
  maxLength: 255,
};

/** Azure job names follow the same rule as experiment names. */
export const JOB_NAME: NameRule = EXPERIMENT_NAME;

/** MLflow's metric-name rule (Azure ML logs through MLflow): letters, digits, `_ - . /` and spaces. */
export const METRIC_NAME: NameRule = {
  pattern: /^[A-Za-z0-9_](?:[A-Za-z0-9_./ -]*[A-Za-z0-9_./-])?$/,
  words: 'ASCII letters, digits, "_", "-", ".", "/" and inner spaces, starting with a letter, digit or "_"',
  maxLength: 255,
};

export const BUILTIN_TRIAL_NAME: NameRule = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  words: 'ASCII letters, digits, "_" and "-", starting with a letter or digit',
  maxLength: 64,
};

/**
 * ConfigErrors from the constructors name their own arguments (`RandomParameterSampling.rule`,
 * `BanditPolicy.slackFactor`, a parameter path `lr`); they are renamed to the spec path so that
 * every error points into the file. The constructor's own wording is kept.
 */
export function atSpecPath<T>(rename: (field: string) => string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const renamed = rename(error.field);
    const prefix = `${error.field}: `;
    const message = error.message.startsWith(prefix)
      ? `${renamed}: ${error.message.slice(prefix.length)}`
      : `${renamed}: ${error.message}`;
    throw new ConfigError(renamed, error.rule, error.value, message);
  }
}
