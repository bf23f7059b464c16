import { describe, expect, it } from 'vitest';
import { type ErrorRecord, errorRecord } from '../../src/error-record.js';
import { ConfigError } from '../../src/errors.js';
import {
  type CheckpointSummary,
  type ResumedFrom,
  checkpointSummary,
  exportableEndReason,
} from '../../src/store/records.js';
import type { Infer, LeafReaders, Same } from '../../src/validate/index.js';
import * as schema from '../../src/validate/schema.js';

/** Leaves that accept anything of the right JavaScript type, and record what was asked. */
const asked: string[] = [];
const LEAVES: LeafReaders = {
  name: (path, value) => {
    asked.push(`name ${path}`);
    if (typeof value !== 'string') throw new ConfigError(path, 'must be a name', value);
    return value;
  },
  message: (_path, value) => String(value),
  stack: (_path, value) => String(value),
  time: (_path, value) => Number(value),
  count: (path, value) => {
    if (typeof value !== 'number') throw new ConfigError(path, 'must be a count', value);
    return value;
  },
  boolean: (_path, value) => value === true,
  positive: (_path, value) => Number(value),
  isoTime: (_path, value) => String(value),
  url: (_path, value) => String(value),
  metricNames: (_path, value) => value as string[],
  oneOf: <T extends string>(path: string, value: unknown, allowed: readonly T[]): T => {
    if (!(allowed as readonly unknown[]).includes(value))
      throw new ConfigError(path, `must be one of ${allowed.join(', ')}`, value);
    return value as T;
  },
  fields: (path, value, what, required, optional) => {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!required.includes(key) && !optional.includes(key))
        throw new ConfigError(`${path}.${key}`, `not in ${what}`, 0);
    }
    return object;
  },
  object: (_path, value) => value as Record<string, unknown>,
  number: (_path, value) => Number(value),
  duration: (_path, value) => Number(value),
  line: (_path, value) => String(value),
  trialKey: (_path, value) => String(value),
  finite: (_path, value) => Number(value),
  integer: (_path, value) => Number(value),
  array: (_path, value) => value as unknown[],
  json: (_path, value) => value,
  limits: { runs: 1000, warnings: 1000, depth: 32, spaceNodes: 100_000 },
  fail: (path, rule, value) => new ConfigError(path, rule, value),
};

// The record types are the schemas' types: these fail to compile if the two drift apart.
const errorRecordIsInferred: Same<ErrorRecord, { readonly message: string; readonly stack: string | null }> = true;
const resumedFromIsInferred: Same<
  ResumedFrom,
  { readonly sweepId: string; readonly runId: string; readonly sequence: number }
> = true;

describe('record schemas', () => {
  it('declare the record types', () => {
    expect(errorRecordIsInferred && resumedFromIsInferred).toBe(true);
  });

  it('read a record field by field, through the leaves the boundary gives', () => {
    expect(errorRecord.read(LEAVES, 'error', { message: 'boom', stack: null })).toEqual({
      message: 'boom',
      stack: null,
    });
    const summary: CheckpointSummary = {
      sequence: 1,
      time: 2,
      intervals: 3,
      metricCounts: { loss: 3 },
      bytes: 4,
      model: true,
    };
    asked.length = 0;
    expect(checkpointSummary.read(LEAVES, 'run.checkpoint', summary)).toEqual(summary);
    expect(asked).toEqual(['name run.checkpoint.metricCounts.loss']);
  });

  it('name the path of the field that fails', () => {
    expect(() =>
      checkpointSummary.read(LEAVES, 'cp', {
        sequence: 'one',
        time: 0,
        intervals: 0,
        metricCounts: {},
        bytes: 0,
        model: false,
      }),
    ).toThrow('cp.sequence: must be a count (got "one")');
    expect(() => errorRecord.read(LEAVES, 'e', { message: 'm', stack: null, extra: 1 })).toThrow(
      'e.extra: not in an error',
    );
  });

  it('keep an absent optional field absent, and map keys as own data', () => {
    const withOptional = schema.object('a thing', { a: schema.count }, { b: schema.count });
    type Thing = Infer<typeof withOptional>;
    const absent: Thing = withOptional.read(LEAVES, 't', { a: 1 });
    expect(Object.keys(absent)).toEqual(['a']);
    expect(withOptional.read(LEAVES, 't', { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    const counts = schema.mapOf('counts', schema.count).read(LEAVES, 'm', JSON.parse('{"__proto__": 1}'));
    expect(Object.hasOwn(counts, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(counts)).toBe(Object.prototype);
  });

  it('read a union by its kind, naming the fields of the kind it claims', () => {
    const reason = { kind: 'imported-unfinished', status: 'Running', exportedAt: '2024-05-01T12:00:00.000Z' };
    expect(exportableEndReason.read(LEAVES, 'endReason', reason)).toEqual(reason);
    expect(exportableEndReason.read(LEAVES, 'endReason', { kind: 'canceled' })).toEqual({ kind: 'canceled' });
    expect(() => exportableEndReason.read(LEAVES, 'endReason', { kind: 'storage-full', message: 'x' })).toThrow(
      'endReason.kind: must be one of max-total-runs,',
    );
    expect(() => exportableEndReason.read(LEAVES, 'endReason', { kind: 'canceled', runs: 1 })).toThrow(
      'endReason.runs: not in a "canceled" end reason',
    );
  });

  it('read null as null in a nullable field', () => {
    expect(schema.nullable(schema.count).read(LEAVES, 'n', null)).toBeNull();
  });
});
