// The synthetic sweeps' runs with when and where they trained, for the panels' harness
// (test/browser/pages/panels-page.ts) and the bench's panels page (bench/pages/panels-page.ts).
import type { ChartData } from '../../../src/studio/view-model/chart-data.js';

/** The synthetic sweep's runs with when and where they trained: 4 slots, runs back to back. */
export function withTiming(data: ChartData): ChartData {
  const t0 = Date.UTC(2026, 0, 1);
  return {
    ...data,
    concurrency: 4,
    runs: data.runs.map((run) => {
      const lane = run.index % 4;
      const start = t0 + Math.floor(run.index / 4) * 2000 + lane * 150;
      const running = run.status === 'Running';
      return {
        ...run,
        timing: {
          createdAt: start,
          startedAt: start,
          endedAt: running ? null : start + 1800,
          backend: lane === 3 ? 'webgpu' : 'wasm',
          worker: lane,
        },
      };
    }),
  };
}
