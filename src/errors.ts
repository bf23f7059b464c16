/**
 * Every rejected input is reported with the field it came from, the rule it broke and the
 * value that was given, so that a user can fix a spec without reading the source.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** Dotted path of the offending field, e.g. `maxTotalRuns` or `search_space.lr`. */
    readonly field: string,
    /** The rule in words, e.g. `must be an integer between 1 and 1000`. */
    readonly rule: string,
    /** The value that was given (kept as-is for programmatic inspection). */
    readonly value: unknown,
    /** Overrides the default `field: rule (got value)` wording when a richer one exists. */
    message?: string,
  ) {
    super(message ?? `${field}: ${rule} (got ${describeValue(value)})`);
  }
}

/** Raised where a documented feature is reserved but not built yet: never a silent fallback. */
export class NotImplementedError extends Error {
  override readonly name = 'NotImplementedError';
}

/** Renders any value readably and safely for an error message (no throwing on cycles). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
