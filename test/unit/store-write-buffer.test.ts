import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../../src/store/index.js';
import type { MetricPoint, RunRecord } from '../../src/store/index.js';
import { sweepRecord } from './helpers.js';
import {
  WriteBuffer,
  contiguousRanges,
  copyMetricPoint,
  describeBatch,
  errorText,
} from '../../src/store/write-buffer.js';

function run(id: string, status: RunRecord['status'], index = 0): RunRecord {
  return {
    id,
    sweepId: 'S',
    index,
    attempt: 1,
    params: { lr: 0.1 },
    status,
    createdAt: 1,
    startedAt: null,
    endedAt: null,
    intervals: 0,
    bestMetric: null,
    termination: null,
    error: null,
    backend: null,
  };
}

function point(step: number, value = step): MetricPoint {
  return { sweepId: 'S', runId: 'R', attempt: 1, name: 'acc', step, value, time: step };
}

describe('WriteBuffer', () => {
  it('keeps the last write of each run and sweep, and the first of each experiment', () => {
    const buffer = new WriteBuffer();
    expect(buffer.isEmpty).toBe(true);
    buffer.addRun(run('a', 'Queued'));
    buffer.addRun(run('b', 'Queued', 1));
    buffer.addRun(run('a', 'Running'));
    buffer.addSweep(sweepRecord('S', 'Running'));
    buffer.addRun(run('a', 'Completed'));
    buffer.addSweep(sweepRecord('S', 'Completed'));
    buffer.addExperiment({ workspace: 'w', name: 'e', createdAt: 1 });
    buffer.addExperiment({ workspace: 'w', name: 'e', createdAt: 2 });
    const batch = buffer.take();
    expect(batch.runs.map((r) => [r.id, r.status])).toEqual([
      ['a', 'Completed'],
      ['b', 'Queued'],
    ]);
    expect(batch.sweeps.map((s) => s.status)).toEqual(['Completed']);
    expect(batch.experiments).toEqual([{ workspace: 'w', name: 'e', createdAt: 1 }]);
    expect(buffer.isEmpty).toBe(true);
  });

  it('keeps appended points and decisions in order and counts them', () => {
    const buffer = new WriteBuffer();
    buffer.addMetrics([point(0), point(1)]);
    buffer.addMetrics([point(2)]);
    buffer.addDecisions([
      {
        sweepId: 'S',
        runId: 'R',
        time: 3,
        decision: { kind: 'skip', policy: 'no-termination', interval: 1, why: 'no-policy', explanation: '' },
      },
    ]);
    expect(buffer.appendedCount).toBe(4);
    const batch = buffer.take();
    expect(batch.metrics.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(batch.decisions).toHaveLength(1);
    expect(buffer.appendedCount).toBe(0);
    expect(buffer.take().metrics).toEqual([]);
  });

  it('describes a batch by the calls that filled it', () => {
    const buffer = new WriteBuffer();
    expect(describeBatch(buffer.take())).toBe('an empty batch');
    buffer.addRun(run('a', 'Queued'));
    buffer.addMetrics([point(0), point(1)]);
    expect(describeBatch(buffer.take())).toBe('1 run (putRun), 2 metric points (appendMetrics)');
  });
});

describe('copyMetricPoint', () => {
  it('copies the fields and keeps non-finite values', () => {
    const original = point(0, Number.NaN);
    const copy = copyMetricPoint({ ...original, value: Number.NEGATIVE_INFINITY }, 0);
    expect(copy).toEqual({ ...original, value: Number.NEGATIVE_INFINITY });
    expect(copyMetricPoint(original, 0).value).toBeNaN();
  });

  it('names the point and field that is malformed', () => {
    const bad = { ...point(0), value: '1' } as unknown as MetricPoint;
    expect(() => copyMetricPoint(bad, 7)).toThrow('point 7: value must be a number (got string)');
    expect(() => copyMetricPoint(null as unknown as MetricPoint, 2)).toThrow('point 2: must be an object');
  });
});

describe('contiguousRanges', () => {
  it('folds consecutive keys and never spans a gap', () => {
    expect(contiguousRanges([])).toEqual([]);
    expect(contiguousRanges([5, 1, 2, 3, 7, 8])).toEqual([
      [1, 3],
      [5, 5],
      [7, 8],
    ]);
  });
});

describe('errorText', () => {
  it('keeps the name of an error, a DOMException included', () => {
    expect(errorText(new RangeError('too big'))).toBe('RangeError: too big');
    expect(errorText(new DOMException('quota', 'QuotaExceededError'))).toBe('QuotaExceededError: quota');
    expect(errorText(new DOMException('', 'QuotaExceededError'))).toBe('QuotaExceededError');
    expect(errorText('plain')).toBe('plain');
  });
});

describe('IndexedDbStore outside the browser', () => {
  it('says it needs IndexedDB, and checks the flush interval first', async () => {
    await expect(IndexedDbStore.open({ flushIntervalMs: 251 })).rejects.toThrow(
      'flushIntervalMs: must be a number of milliseconds from 0 to 250 (got 251)',
    );
    await expect(IndexedDbStore.open()).rejects.toThrow('IndexedDbStore needs IndexedDB');
  });
});
