import { ConfigError } from '../errors.js';
import {
  type Boundary,
  COMMON_WORDS,
  CONTROL_CHARACTERS,
  checkKnownKeys,
  didYouMean,
  type Fields,
  isPlainObject,
  isUnbounded,
  ownField,
  readBoolean as readBooleanAt,
  readFinite as readFiniteAt,
  readInteger as readIntegerAt,
  readOneOf as readOneOfAt,
  readPositive as readPositiveAt,
  readText as readTextAt,
} from '../validate/index.js';

/*
 * The validation kit bound for the sweep file. Each reader takes the field's file path
 * (`limits.timeout`) and the raw value, and throws a ConfigError naming that path, the rule in
 * words and the value.
 */

export type { Fields };
export { isPlainObject };

const FILE: Boundary = {
  fail: (field, rule, value) => new ConfigError(field, rule, value),
  words: {
    ...COMMON_WORDS,
    // Beyond 2^53 - 1 "integer" stops meaning anything in JavaScript (1e300 passes
    // Number.isInteger), so the file's integers are always bounded, and the rule says so.
    integer: (min, max) =>
      isUnbounded(max)
        ? `must be an integer >= ${min} (and at most 2^53 - 1)`
        : `must be an integer between ${min} and ${max}`,
  },
  oversized: (value) => value,
};

export function readObject(path: string, value: unknown, rule: string): Fields {
  if (!isPlainObject(value)) throw FILE.fail(path, rule, value);
  return value;
}

/** Own property read that never reaches into the prototype (`constructor`, `toString`...). */
export const field = ownField;

/**
 * Refuses keys outside `known`, naming the key, what it was found in, the known keys, and the
 * closest known key when the difference looks like a typo or a camelCase spelling.
 */
export function rejectUnknownKeys(path: string, fields: Fields, known: readonly string[], owner: string): void {
  checkKnownKeys(
    FILE,
    path,
    fields,
    known,
    (key) => `is not a known field of ${owner}${didYouMean(key, known)}; known fields: ${known.join(', ')}`,
  );
}

export function required(path: string, value: unknown, rule: string): unknown {
  if (value === undefined) throw FILE.fail(path, `is required: ${rule}`, undefined);
  return value;
}

export function readFinite(path: string, value: unknown): number {
  return readFiniteAt(FILE, path, value);
}

export function readPositive(path: string, value: unknown): number {
  return readPositiveAt(FILE, path, value);
}

/** An integer in [min, max], never beyond 2^53 - 1. */
export function readInteger(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return readIntegerAt(FILE, path, value, min, max);
}

export function readBoolean(path: string, value: unknown): boolean {
  return readBooleanAt(FILE, path, value);
}

export function readOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  return readOneOfAt(FILE, path, value, allowed);
}

/** Free text (a display name, a description): any string without control characters unless allowed. */
export function readText(path: string, value: unknown, options: { maxLength: number; multiline?: boolean }): string {
  const control = options.multiline === true ? CONTROL_CHARACTERS.multiLineC1 : CONTROL_CHARACTERS.singleLineC1;
  return readTextAt(FILE, path, value, options.maxLength, control);
}

export interface NameRule {
  readonly pattern: RegExp;
  /** The pattern in words, for the message. */
  readonly words: string;
  readonly maxLength: number;
}

export function readName(path: string, value: unknown, rule: NameRule): string {
  if (typeof value !== 'string' || value === '') {
    throw FILE.fail(path, `must be a non-empty string of ${rule.words}`, value);
  }
  if (value.length > rule.maxLength) {
    throw FILE.fail(path, `must be at most ${rule.maxLength} characters`, value);
  }
  if (!rule.pattern.test(value)) throw FILE.fail(path, `must consist of ${rule.words}`, value);
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

/** Built-in trial names follow the experiment-name rule, shorter. */
export const BUILTIN_TRIAL_NAME: NameRule = { ...EXPERIMENT_NAME, maxLength: 64 };

/**
 * ConfigErrors from the constructors name their own arguments (`RandomParameterSampling.rule`,
 * `BanditPolicy.slackFactor`, a parameter path `lr`); they are renamed to the spec path so that
 * every error points into the file. The constructor's own wording is kept.
 */
export function atFilePath<T>(rename: (field: string) => string, build: () => T): T {
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
