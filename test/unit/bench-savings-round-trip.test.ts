import { describe, expect, it } from 'vitest';
import type { VerdictOutcome } from '../../bench/lib/types.js';
import { renderSavings, type SavingsResult, savingsChecks } from '../../bench/sections/savings.js';

/**
 * The savings section's report of the verdict round trip: the figures the lead compares against
 * the ≤ 2 ms target (p50/p95/p99, the load, the share over the target) and the floor row that
 * tells the machine's part from Overdrive's. Synthetic numbers: no timing is asserted.
 */
function outcome(waitsMs: number[]): VerdictOutcome {
  return {
    plan: { runs: 2, intervals: 5, concurrency: 2, workMs: 2 },
    waitsMs,
    hops: {
      toPageMs: waitsMs.map((w) => w / 2),
      onPageMs: waitsMs.map(() => 0.05),
      toWorkerMs: waitsMs.map((w) => w / 2),
    },
    noPolicyWaitsMs: waitsMs.map(() => 0.01),
    wallMs: 100,
    noPolicyWallMs: 90,
  };
}

const result: SavingsResult = {
  seed: 1,
  concurrency: 2,
  models: [],
  // 10 verdicts, 3 above 2 ms: 30 %.
  roundTrip: outcome([0.3, 0.4, 0.5, 0.5, 0.6, 0.6, 0.7, 2.3, 2.5, 3]),
  roundTripPage: outcome([0.2, 0.2, 0.3, 0.3, 0.3, 0.4, 0.4, 0.5, 0.5, 2.2]),
  // 2 of 4 above 2 ms: 50 %.
  roundTripFloor: [0.2, 0.3, 2.1, 2.4],
  roundTripLoad: { before: 5.25, after: 6.5 },
};

describe('the savings section: verdict round trip', () => {
  it('prints p50, p95, p99, the share over the target and the floor, with the load', () => {
    const text = renderSavings(result).join('\n');
    expect(text).toContain('| verdicts | p50 | p95 | p99 | max | over 2 ms | sweep wall time |');
    expect(text).toContain('Load average (1 min) 5.3 before, 6.5 after');
    const row = (label: string): string => text.split('\n').find((line) => line.startsWith(`| ${label}`)) ?? '';
    expect(row('policy judging every interval')).toContain('| 30.0 % |');
    expect(row('floor: the same spinning page-origin workers')).toContain('| 4 |');
    expect(row('floor: the same spinning page-origin workers')).toContain('| 50.0 % |');
    expect(row("page-origin workers (the built-in models' pool)")).toContain('| 10.0 % |');
  });

  it('states p50, p99 and the load beside the p95 it checks against the target', () => {
    const check = savingsChecks(result).find((c) => c.what.startsWith('verdict round trip'));
    expect(check?.target).toBe('≤ 2 ms');
    expect(check?.pass).toBe(false);
    expect(check?.figure).toMatch(/^\d+\.\d{3} ms \(p50 \d+\.\d{3} ms, p99 \d+\.\d{3} ms; load 5\.3\)$/);
  });

  it('leaves the floor row out of a result that has none (older bench.json)', () => {
    const { roundTripFloor: _floor, ...older } = result;
    expect(renderSavings(older).join('\n')).not.toContain('floor: the same spinning');
  });
});
