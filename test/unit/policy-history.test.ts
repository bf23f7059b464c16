import { describe, expect, it } from 'vitest';
import { PrimaryMetricGoal } from '../../src/metric/goal.js';
import { bestOf } from '../../src/metric/goal.js';
import { bestUpTo, runningAverage } from '../../src/policy/history.js';
import type { RunHistory } from '../../src/policy/policy.js';

const run = (values: number[]): RunHistory => ({ runId: 'r', values, finished: false });

/** The definitions the index loops replaced: over `values.slice(0, interval)`. */
function sliceBest(goal: PrimaryMetricGoal, values: number[], interval: number): number | undefined {
  return bestOf(goal, values.slice(0, interval));
}
function sliceAverage(values: number[], interval: number): number | undefined {
  const finite = values.slice(0, interval).filter((v) => Number.isFinite(v));
  return finite.length === 0 ? undefined : finite.reduce((a, b) => a + b, 0) / finite.length;
}

describe('bestUpTo and runningAverage (no copies of the history)', () => {
  const histories = [
    [],
    [0.5],
    [0.1, 0.4, 0.3, 0.9, 0.2],
    [Number.NaN, 0.3, Number.POSITIVE_INFINITY, 0.2, Number.NEGATIVE_INFINITY],
    [Number.NaN, Number.NaN],
    [-3, -1, -2],
  ];
  const intervals = [0, 1, 2, 3, 5, 7, 100, 2.7, -1, -10, Number.NaN, Number.POSITIVE_INFINITY];

  it('give what the first `interval` values give, for every goal, as slice(0, interval) does', () => {
    for (const values of histories) {
      for (const interval of intervals) {
        for (const goal of [PrimaryMetricGoal.MAXIMIZE, PrimaryMetricGoal.MINIMIZE]) {
          expect(bestUpTo(goal, run(values), interval), `${goal} ${JSON.stringify(values)} @ ${interval}`).toBe(
            sliceBest(goal, values, interval),
          );
        }
        const average = runningAverage(run(values), interval);
        const expected = sliceAverage(values, interval);
        if (expected === undefined) expect(average).toBeUndefined();
        else expect(average).toBeCloseTo(expected, 12);
      }
    }
  });

  it('ignore non-finite values and read only up to the interval', () => {
    const values = [0.2, Number.NaN, 0.8, 0.99];
    expect(bestUpTo(PrimaryMetricGoal.MAXIMIZE, run(values), 3)).toBe(0.8);
    expect(bestUpTo(PrimaryMetricGoal.MINIMIZE, run(values), 3)).toBe(0.2);
    expect(runningAverage(run(values), 3)).toBeCloseTo(0.5, 12);
    expect(bestUpTo(PrimaryMetricGoal.MAXIMIZE, run([Number.NaN]), 1)).toBeUndefined();
  });
});
