import { describe, expect, it } from 'vitest';
import { bandStrips, contourSurface } from '../../src/studio/charts/contour.js';
import { ecdf } from '../../src/studio/charts/distribution.js';
import { layoutTimeline } from '../../src/studio/charts/timeline.js';
import type { ChartRun } from '../../src/studio/view-model/chart-data.js';

function run(
  index: number,
  best: number | null,
  timing: { startedAt: number | null; endedAt: number | null; backend?: string } | null = null,
  params: Record<string, number | string> = {},
): ChartRun {
  return {
    id: `r${index}`,
    index,
    status: timing !== null && timing.endedAt === null ? 'Running' : 'Completed',
    params,
    best,
    terminated: false,
    reason: null,
    ...(timing === null
      ? {}
      : {
          timing: {
            createdAt: 0,
            startedAt: timing.startedAt,
            endedAt: timing.endedAt,
            backend: timing.backend ?? 'wasm',
            worker: null,
          },
        }),
    curve: () => [],
  };
}

describe('timeline layout', () => {
  it('packs runs onto the lowest free slot and measures idle slot time', () => {
    // Two slots over 0..10 s: slot 1 busy 0-4 and 4-10; slot 2 busy 1-3, idle 0-1 and 3-10.
    const { bars, gaps, summary } = layoutTimeline(
      [
        run(0, 1, { startedAt: 0, endedAt: 4000 }),
        run(1, 1, { startedAt: 1000, endedAt: 3000 }),
        run(2, 1, { startedAt: 4000, endedAt: 10_000, backend: 'webgpu' }),
        run(3, null, { startedAt: null, endedAt: null }),
      ],
      2,
      99_999,
    );
    expect(bars.map((b) => [b.run.id, b.lane])).toEqual([
      ['r0', 0],
      ['r1', 1],
      ['r2', 0],
    ]);
    expect(gaps).toEqual([
      { lane: 1, start: 0, end: 1000 },
      { lane: 1, start: 3000, end: 10_000 },
    ]);
    expect(summary).toEqual({ lanes: 2, runs: 3, spanMs: 10_000, idleShare: 0.4, backends: ['wasm', 'webgpu'] });
  });

  it('draws a running run up to now and shows every slot of the concurrency, used or not', () => {
    const { bars, summary } = layoutTimeline([run(0, null, { startedAt: 1000, endedAt: null })], 3, 5000);
    expect(bars[0]).toMatchObject({ start: 1000, end: 5000, open: true });
    expect(summary.lanes).toBe(3);
    expect(summary.idleShare).toBeCloseTo(2 / 3, 12);
  });
});

describe('contour surface', () => {
  const x = { kind: 'number', name: 'x', log: false, extent: [0, 1] } as const;
  const lr = { kind: 'number', name: 'lr', log: true, extent: [1e-4, 1] } as const;

  it('interpolates between runs and bands the metric', () => {
    const runs = [run(0, 0, null, { x: 0.05, lr: 1e-4 }), run(1, 10, null, { x: 0.95, lr: 1 })];
    const surface = contourSurface(x, lr, runs, 10, 5);
    expect(surface).not.toBeNull();
    const cells = surface?.cells ?? [];
    expect(cells).toHaveLength(100);
    // Log axis: cells are even in log space, so the first row spans 1e-4..10^-3.6.
    expect(cells[0]?.[2]).toBeCloseTo(1e-4, 12);
    expect(cells[0]?.[3]).toBeCloseTo(10 ** -3.6, 12);
    // Near each run the band of its value; every value is a band's middle.
    expect(cells[0]?.[4]).toBe(1);
    expect(cells[99]?.[4]).toBe(9);
    for (const cell of cells) expect([1, 3, 5, 7, 9]).toContain(cell[4]);
  });

  it('merges neighbouring cells of one column and band into strips covering the same area', () => {
    const runs = [run(0, 0, null, { x: 0.05, lr: 1e-4 }), run(1, 10, null, { x: 0.95, lr: 1 })];
    const cells = contourSurface(x, lr, runs, 10, 5)?.cells ?? [];
    const strips = bandStrips(cells);
    expect(strips.length).toBeLessThan(cells.length / 2);
    // Every cell lies inside exactly one strip of its own band.
    for (const [x0, , y0, y1, value] of cells) {
      const covering = strips.filter(
        (s) => s[0] === x0 && (s[2] as number) <= (y0 as number) && (s[3] as number) >= (y1 as number),
      );
      expect(covering).toHaveLength(1);
      expect(covering[0]?.[4]).toBe(value);
    }
  });

  it('needs two runs with both parameters and the metric', () => {
    expect(
      contourSurface(x, lr, [run(0, 1, null, { x: 0.5, lr: 0.1 }), run(1, null, null, { x: 0.2, lr: 0.1 })]),
    ).toBeNull();
  });
});

describe('empirical distribution', () => {
  it('sorts the finite best values and steps by 1/n', () => {
    const { runs, points } = ecdf([run(0, 3), run(1, 1), run(2, null), run(3, 2)]);
    expect(runs.map((r) => r.id)).toEqual(['r1', 'r3', 'r0']);
    expect(points).toEqual([
      [1, 1 / 3],
      [2, 2 / 3],
      [3, 1],
    ]);
  });
});
