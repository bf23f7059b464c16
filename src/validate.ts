import { ConfigError } from './errors.js';

/**
 * Small checks used at the boundaries (config construction, spec import). Each throws a
 * `ConfigError` naming the field, the rule and the value given.
 */

export function expectPlainObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, 'must be an object', value);
  }
  return value as Record<string, unknown>;
}

export function rejectUnknownKeys(field: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        field === '' ? key : `${field}.${key}`,
        `is not a known option; known: ${known.join(', ')}`,
        value[key],
      );
    }
  }
}

export function expectIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer between ${min} and ${max}`, value);
  }
  return value;
}

export function expectPositiveNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(field, 'must be a finite number > 0', value);
  }
  return value;
}

export function expectName(field: string, value: unknown, maxLength = 255): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(field, 'must be a non-empty string', value);
  }
  if (value.length > maxLength) {
    throw new ConfigError(field, `must be at most ${maxLength} characters`, value);
  }
  // Control characters in names break tables, CSV and logs, and are never intended.
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigError(field, 'must not contain control characters', value);
  }
  return value;
}

export function expectOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}
