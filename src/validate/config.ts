import { ConfigError } from '../errors.js';
import {
  type Boundary,
  COMMON_WORDS,
  CONTROL_CHARACTERS,
  checkKnownKeys,
  readInteger,
  readOneOf,
  readPositive,
  readRecord,
  readText,
} from './readers.js';

/**
 * The kit bound for config construction (HyperDriveConfig, workspaces, experiments): each
 * check throws a `ConfigError` naming the field, the rule and the value given.
 */
export const CONFIG_BOUNDARY: Boundary = {
  fail: (field, rule, value) => new ConfigError(field, rule, value),
  words: COMMON_WORDS,
  oversized: (value) => value,
};

const C = CONFIG_BOUNDARY;

export function expectPlainObject(field: string, value: unknown): Record<string, unknown> {
  return readRecord(C, field, value);
}

export function rejectUnknownKeys(field: string, value: Record<string, unknown>, known: readonly string[]): void {
  checkKnownKeys(C, field, value, known);
}

export function expectIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  return readInteger(C, field, value, min, max);
}

export function expectPositiveNumber(field: string, value: unknown): number {
  return readPositive(C, field, value);
}

export function expectName(field: string, value: unknown, maxLength = 255): string {
  if (typeof value !== 'string' || value.trim() === '') throw C.fail(field, 'must be a non-empty string', value);
  // Control characters in names break tables, CSV and logs, and are never intended.
  return readText(C, field, value, maxLength, CONTROL_CHARACTERS.singleLine);
}

export function expectOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  return readOneOf(C, field, value, allowed);
}
