import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  type Boundary,
  COMMON_WORDS,
  CONFIG_BOUNDARY,
  CONTROL_CHARACTERS,
  NOT_SHOWN,
  checkKnownKeys,
  childPath,
  closestKey,
  didYouMean,
  isPlainObject,
  itemPath,
  ownField,
  readArray,
  readBoolean,
  readFinite,
  readInteger,
  readNullable,
  readOneOf,
  readPositive,
  readRecord,
  readText,
} from '../../src/validate/index.js';

class WireError extends Error {}

/** A second boundary with its own error and wording, as the worker protocol binds the kit. */
const WIRE: Boundary = {
  fail: (field, rule, value) => new WireError(value === NOT_SHOWN ? `${field} ${rule}` : `${field} ${rule} (got ?)`),
  words: { ...COMMON_WORDS, tooLong: (max) => `is longer than ${max} characters` },
  oversized: () => NOT_SHOWN,
};
const C = CONFIG_BOUNDARY;

describe('did-you-mean', () => {
  it('suggests the known key a typo or another spelling was meant to be', () => {
    expect(closestKey('max_total_runs', ['maxTotalRuns', 'policy'])).toBe('maxTotalRuns');
    expect(closestKey('slackFactr', ['slack_factor', 'slack_amount'])).toBe('slack_factor');
    expect(closestKey('sampling-algorithm', ['sampling_algorithm'])).toBe('sampling_algorithm');
  });

  it('suggests nothing when no known key is near', () => {
    expect(closestKey('colour', ['maxTotalRuns', 'policy'])).toBeUndefined();
    expect(closestKey('x', [])).toBeUndefined();
    expect(didYouMean('colour', ['policy'])).toBe('');
  });

  it('words the suggestion ready to splice into a rule', () => {
    expect(didYouMean('polcy', ['policy'])).toBe(' (did you mean "policy"?)');
  });
});

describe('paths', () => {
  it('names fields as a user writes them', () => {
    expect(childPath('', 'limits')).toBe('limits');
    expect(childPath('limits', 'timeout')).toBe('limits.timeout');
    expect(itemPath('runs', 3)).toBe('runs[3]');
  });
});

describe('each reader names the field, the rule and the value', () => {
  const rejects = (read: () => unknown, message: string): void => {
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  };

  it('reads objects and their own fields', () => {
    expect(readRecord(C, 'x', { a: 1 })).toEqual({ a: 1 });
    rejects(() => readRecord(C, 'x', [1]), 'x: must be an object (got [1])');
    rejects(() => readRecord(C, 'x', null, 'must be a mapping'), 'x: must be a mapping (got null)');
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(new Date(0))).toBe(false);
    expect(ownField({ a: 1 }, 'constructor')).toBeUndefined();
    expect(ownField({ a: 1 }, 'a')).toBe(1);
  });

  it('refuses unknown keys in the boundary wording, or the wording given', () => {
    rejects(
      () => checkKnownKeys(C, '', { colour: 1 }, ['policy']),
      'colour: is not a known option; known: policy (got 1)',
    );
    rejects(
      () => checkKnownKeys(C, 'trial', { nme: 'x' }, ['kind', 'name'], (key, known) => `no${didYouMean(key, known)}`),
      'trial.nme: no (did you mean "name"?) (got "x")',
    );
    expect(() => checkKnownKeys(C, '', { policy: 1 }, ['policy'])).not.toThrow();
  });

  it('reads numbers', () => {
    expect(readFinite(C, 'x', 1.5)).toBe(1.5);
    rejects(() => readFinite(C, 'x', Number.NaN), 'x: must be a finite number (got NaN)');
    rejects(() => readPositive(C, 'x', 0), 'x: must be a finite number > 0 (got 0)');
    expect(readInteger(C, 'x', 3, 1, 5)).toBe(3);
    rejects(() => readInteger(C, 'x', 6, 1, 5), 'x: must be an integer between 1 and 5 (got 6)');
    rejects(() => readInteger(C, 'x', 1.5, 0), 'x: must be an integer >= 0 (got 1.5)');
    rejects(() => readInteger(C, 'x', -1, 0, Number.MAX_SAFE_INTEGER), 'x: must be an integer >= 0 (got -1)');
  });

  it('reads booleans and names', () => {
    expect(readBoolean(C, 'x', false)).toBe(false);
    rejects(() => readBoolean(C, 'x', 'yes'), 'x: must be true or false (got "yes")');
    expect(readOneOf(C, 'x', 'b', ['a', 'b'])).toBe('b');
    rejects(() => readOneOf(C, 'x', 'c', ['a', 'b']), 'x: must be one of "a", "b" (got "c")');
  });

  it('reads text within its length, refusing control characters', () => {
    expect(readText(C, 'x', 'a\tb', 10, CONTROL_CHARACTERS.multiLine)).toBe('a\tb');
    rejects(() => readText(C, 'x', 3, 10), 'x: must be a string (got 3)');
    rejects(() => readText(C, 'x', 'abc', 2), 'x: must be at most 2 characters (got "abc")');
    rejects(
      () => readText(C, 'x', 'a\tb', 10, CONTROL_CHARACTERS.singleLine),
      'x: must not contain control characters',
    );
    expect(readText(C, 'x', '\u0085', 10, CONTROL_CHARACTERS.singleLine)).toBe('\u0085');
    rejects(
      () => readText(C, 'x', '\u0085', 10, CONTROL_CHARACTERS.singleLineC1),
      'x: must not contain control characters',
    );
  });

  it('reads arrays within their length', () => {
    expect(readArray(C, 'x', [1, 2], 2)).toEqual([1, 2]);
    rejects(() => readArray(C, 'x', {}, 2), 'x: must be an array (got {})');
    rejects(() => readArray(C, 'x', [1, 2, 3], 2), 'x: must hold at most 2 entries (got [1,2,3])');
    rejects(() => readArray(C, 'x', 1, 2, { array: 'must list runs', tooMany: '' }), 'x: must list runs (got 1)');
  });

  it('reads null as null and anything else with the reader given', () => {
    expect(readNullable('x', null, (p, v) => readFinite(C, p, v))).toBeNull();
    expect(readNullable('x', 2, (p, v) => readFinite(C, p, v))).toBe(2);
  });
});

describe('a boundary chooses its error and wording', () => {
  it('raises its own error', () => {
    expect(() => readFinite(WIRE, 'status.trials', 'x')).toThrow(WireError);
    expect(() => readFinite(WIRE, 'status.trials', 'x')).toThrow('status.trials must be a finite number (got ?)');
  });

  it('leaves out a value refused for its size', () => {
    expect(() => readText(WIRE, 'notice.reason', 'abc', 2)).toThrow(/^notice\.reason is longer than 2 characters$/);
    expect(() => readArray(WIRE, 'batch', [1, 2, 3], 2)).toThrow(/^batch must hold at most 2 entries$/);
  });
});
