// Harness for the distribution panel's comparison of several sweeps (test/browser/panels.test.ts):
// what a compare page does with it, on two synthetic sweeps of different sizes.
import {
  createDistribution,
  createPanel,
  type DistributionChart,
  type PanelKind,
} from '../../../src/studio/charts/panels.js';
import type { ChartData, StudioChart } from '../../../src/studio/view-model/chart-data.js';
import { SyntheticSweep } from './charts-page.js';
import { withTiming } from './synthetic-timing.js';

const PANEL_KINDS: readonly PanelKind[] = ['importance', 'slice', 'contour', 'distribution', 'timeline'];

/** Long tasks (wall time ≥ 50 ms, as the 'longtask' observer sees them) while `work` runs. */
async function longTasks(work: () => Promise<void>): Promise<{ longest: number; count: number }> {
  let longest = 0;
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count += 1;
      longest = Math.max(longest, entry.duration);
    }
  });
  observer.observe({ type: 'longtask', buffered: false });
  await work();
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const entry of observer.takeRecords()) {
    count += 1;
    longest = Math.max(longest, entry.duration);
  }
  observer.disconnect();
  return { longest: Math.round(longest), count };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let chart: DistributionChart | null = null;

const harness = {
  mount(): void {
    const slot = document.getElementById('distribution');
    if (slot === null) throw new Error('no #distribution slot');
    chart = createDistribution(slot, { data: new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data() });
  },
  compare(): void {
    chart?.compare([
      { label: 'Sweep A', data: new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data() },
      { label: 'Sweep B', data: new SyntheticSweep({ runs: 25, intervals: 10, seed: 9 }).data() },
    ]);
  },
  single(): void {
    chart?.update(new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data());
  },
  /**
   * The five panels on a 1000 runs × 100 intervals sweep (the existing charts' budget): long
   * tasks from mounting until the importance is computed, then during 20 updates 100 ms apart
   * (runs report, finish and start; each finish restarts the importance).
   */
  async measure1000(kinds: readonly PanelKind[] = PANEL_KINDS): Promise<Record<string, number>> {
    const sweep = new SyntheticSweep({ runs: 1000, intervals: 100, running: 12, seed: 11 });
    const first = withTiming(sweep.data());
    const versions: ChartData[] = [];
    for (let i = 0; i < 20; i++) {
      sweep.step();
      versions.push(withTiming(sweep.data()));
    }
    const main = document.querySelector('main');
    const panels: StudioChart[] = [];
    const started = performance.now();
    let importanceMs = Number.NaN;
    const mount = await longTasks(async () => {
      for (const kind of kinds) {
        const slot = document.createElement('div');
        slot.className = 'slot';
        slot.id = `panel-${kind}`;
        main?.append(slot);
        panels.push(createPanel(kind, slot, { data: first }));
      }
      if (kinds.includes('importance'))
        while (document.querySelector('[data-testid=importance-panel][data-state=done]') === null) await sleep(20);
      else await sleep(1000);
      importanceMs = performance.now() - started;
    });
    const burst = await longTasks(async () => {
      for (const data of versions) {
        for (const panel of panels) panel.update(data);
        await sleep(100);
      }
      if (kinds.includes('importance'))
        while (document.querySelector('[data-testid=importance-panel][data-state=done]') === null) await sleep(20);
    });
    return {
      mountLongestMs: mount.longest,
      mountLongTasks: mount.count,
      importanceMs: Math.round(importanceMs),
      burstLongestMs: burst.longest,
      burstLongTasks: burst.count,
    };
  },
};

declare global {
  interface Window {
    panelsHarness: typeof harness;
  }
}

window.panelsHarness = harness;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
