import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random/index.js';
import type { MetricPoint } from '../../src/store/index.js';
import { packMetrics, unpackRunMetrics, unpackSweepMetrics, type MetricChunk } from '../../src/store/metric-chunks.js';

function point(sweepId: string, runId: string, step: number, value: number = step): MetricPoint {
  return {
    sweepId,
    runId,
    attempt: 1 + (step % 2),
    name: step % 3 === 0 ? 'loss' : 'accuracy',
    step,
    value,
    time: 1000 + step,
  };
}

/**
 * What the store does with chunks: each batch's chunks get the next keys, and a sweep (or run)
 * read is every chunk with that sweep (or run), in key order.
 */
function commit(batches: ReadonlyArray<readonly MetricPoint[]>, maxPoints?: number): MetricChunk[] {
  return batches.flatMap((batch) => packMetrics(batch, maxPoints));
}

describe('metric chunks', () => {
  it('packs one batch per sweep and run, marking the first chunk of each sweep', () => {
    const chunks = packMetrics([point('A', 'a0', 0), point('A', 'a1', 0), point('B', 'b0', 0), point('A', 'a0', 1)]);
    expect(chunks.map((c) => [c.sweepId, c.runId, c.opens, c.order, c.step])).toEqual([
      ['A', 'a0', true, [0, 2], [0, 1]],
      ['A', 'a1', false, [1], [0]],
      ['B', 'b0', true, [0], [0]],
    ]);
    expect(packMetrics([])).toEqual([]);
  });

  it('splits a run at the chunk size without losing order', () => {
    const points = Array.from({ length: 10 }, (_, i) => point('A', i % 2 === 0 ? 'a0' : 'a1', i));
    const chunks = packMetrics(points, 3);
    expect(chunks.map((c) => [c.runId, c.order.length, c.opens])).toEqual([
      ['a0', 3, true],
      ['a0', 2, false],
      ['a1', 3, false],
      ['a1', 2, false],
    ]);
    expect(unpackSweepMetrics(chunks)).toEqual(points);
  });

  it('orders a batch whose points are not numbered 0, 1, 2, … by sorting (gaps and repeats in the order)', () => {
    const [first] = packMetrics([point('A', 'a0', 0), point('A', 'a0', 1), point('A', 'a0', 2)]);
    if (first === undefined) throw new Error('no chunk');
    const gappy: MetricChunk = { ...first, order: [7, 3, 5] };
    expect(unpackSweepMetrics([gappy]).map((p) => p.step)).toEqual([1, 2, 0]);
    const repeated: MetricChunk = { ...first, order: [1, 0, 1] };
    expect(unpackSweepMetrics([repeated]).map((p) => p.step)).toEqual([1, 0, 2]);
  });

  it('reads back exactly the points appended, in logged order, across batches, sweeps and runs', () => {
    const random = new SeededRandom(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)] as T;
    const logged: MetricPoint[] = [];
    const batches: MetricPoint[][] = [];
    const steps = new Map<string, number>();
    for (let b = 0; b < 40; b++) {
      const batch: MetricPoint[] = [];
      const size = Math.floor(random.next() * 30);
      for (let i = 0; i < size; i++) {
        const sweepId = pick(['S1', 'S2', 'S3']);
        const runId = `${sweepId}_${pick([0, 1, 2])}`;
        const step = steps.get(runId) ?? 0;
        steps.set(runId, step + 1);
        const value = pick([random.next(), Number.NaN, Infinity, -Infinity, -0]);
        const p = point(sweepId, runId, step, value);
        batch.push(p);
        logged.push(p);
      }
      batches.push(batch);
    }
    const chunks = commit(batches, 4);
    for (const sweepId of ['S1', 'S2', 'S3']) {
      expect(unpackSweepMetrics(chunks.filter((c) => c.sweepId === sweepId))).toEqual(
        logged.filter((p) => p.sweepId === sweepId),
      );
      for (const run of [0, 1, 2]) {
        const runId = `${sweepId}_${run}`;
        expect(unpackRunMetrics(chunks.filter((c) => c.sweepId === sweepId && c.runId === runId))).toEqual(
          logged.filter((p) => p.runId === runId),
        );
      }
    }
  });

  it('keeps non-finite values and negative zero', () => {
    const points = [point('A', 'a', 0, Number.NaN), point('A', 'a', 1, -Infinity), point('A', 'a', 2, -0)];
    const back = unpackRunMetrics(packMetrics(points));
    expect(back[0]?.value).toBeNaN();
    expect(back[1]?.value).toBe(-Infinity);
    expect(Object.is(back[2]?.value, -0)).toBe(true);
  });
});
