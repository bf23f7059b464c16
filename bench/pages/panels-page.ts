// The analysis panels one at a time (bench section 4, "Studio at scale"): a panel of the sweep
// page (src/studio/charts/panels.ts, the code the Studio loads) is created on a sweep of 1000
// runs × 100 intervals, then follows a live sweep's updates (runs report, finish and start).
// Driven by bench/sections/studio.ts, which records the page's tasks (longtask entries, and a
// CDP trace for their CPU time) around `mount` and `live`.
import { createPanel, type PanelKind, type WarmUpStep, warmUpPanels } from '../../src/studio/charts/panels.js';
import type { ChartData, StudioChart } from '../../src/studio/view-model/chart-data.js';
import { SyntheticSweep } from '../../test/browser/pages/charts-page.js';
import { withTiming } from '../../test/browser/pages/synthetic-timing.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface LongTasks {
  readonly longestMs: number;
  readonly count: number;
}

/** Long tasks (the 'longtask' observer: wall time ≥ 50 ms) while `work` runs and 500 ms after. */
async function longTasks(work: () => Promise<void>): Promise<LongTasks> {
  const seen: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) seen.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  await work();
  await sleep(500);
  for (const entry of observer.takeRecords()) seen.push(entry.duration);
  observer.disconnect();
  return { longestMs: Math.round(Math.max(0, ...seen)), count: seen.length };
}

let first: ChartData | null = null;
let versions: ChartData[] = [];
let panel: StudioChart | null = null;
let kind: PanelKind = 'slice';

/** Waits until the panel shows `version`'s picture (importance: its figures computed). */
async function drawn(version: number): Promise<void> {
  const root = document.querySelector('.odc');
  const until = performance.now() + 60_000;
  for (;;) {
    const done =
      root?.getAttribute('data-version') === String(version) &&
      (kind !== 'importance' || root.getAttribute('data-state') === 'done');
    if (done || performance.now() > until) return;
    await sleep(20);
  }
}

const panelsBench = {
  /** Builds the sweep (1000 runs, 12 running) and 20 later versions of it, before anything is timed. */
  prepare(which: PanelKind): void {
    kind = which;
    const sweep = new SyntheticSweep({ runs: 1000, intervals: 100, running: 12, seed: 11 });
    first = withTiming(sweep.data());
    versions = [];
    for (let i = 0; i < 20; i++) {
      sweep.step();
      versions.push(withTiming(sweep.data()));
    }
  },
  /**
   * What the sweep page does before its first panel is created: ECharts' paths the panels use,
   * one per idle period (src/studio/charts/warm-up.ts). Returns each step's time.
   */
  async warmUp(): Promise<WarmUpStep[]> {
    performance.mark('panels-bench:warm-up');
    const idle = (): Promise<void> => new Promise((resolve) => requestIdleCallback(() => resolve(), { timeout: 150 }));
    return warmUpPanels(idle, () => false);
  },
  /** Creates the panel on the first version; long tasks until it is drawn (and its frames after). */
  async mount(): Promise<LongTasks & { readonly drawnMs: number }> {
    const data = first;
    const slot = document.getElementById('panels');
    if (data === null || slot === null) throw new Error('prepare() first');
    performance.mark('panels-bench:mount');
    const t0 = performance.now();
    let drawnMs = 0;
    const tasks = await longTasks(async () => {
      panel = createPanel(kind, slot, { data });
      await drawn(data.version);
      drawnMs = performance.now() - t0;
      // Progressive chunks and staged series arrive in the frames after the first picture.
      await sleep(1000);
    });
    performance.mark('panels-bench:mounted');
    return { ...tasks, drawnMs: Math.round(drawnMs) };
  },
  /** Removes the panel (a second `mount` then runs with the code compiled, as in the Studio). */
  dispose(): void {
    panel?.dispose();
    panel = null;
    document.getElementById('panels')?.replaceChildren();
  },
  /** 20 updates 100 ms apart, as a live sweep's page gets them (the panel coalesces them). */
  async live(): Promise<LongTasks> {
    if (panel === null) throw new Error('mount() first');
    const target = panel;
    performance.mark('panels-bench:live');
    const tasks = await longTasks(async () => {
      for (const data of versions) {
        target.update(data);
        await sleep(100);
      }
      const last = versions[versions.length - 1];
      if (last !== undefined) await drawn(last.version);
    });
    performance.mark('panels-bench:lived');
    return tasks;
  },
};

declare global {
  interface Window {
    panelsBench: typeof panelsBench;
  }
}

window.panelsBench = panelsBench;
document.body.dataset['ready'] = 'true';
