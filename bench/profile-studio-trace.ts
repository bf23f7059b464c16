// Why the Studio's long tasks are long: the sweep page at 1000 runs × 100 intervals under a
// detailed Chromium trace (script, style, layout, paint, raster, canvas, GPU, IPC, GC; see
// DETAIL_CATEGORIES) in three phases: opening the stored sweep, the first scroll to the analysis
// panels until all are drawn, and a live sweep of 4 workers streaming metrics. For each phase's
// tasks of 50 ms or more (wall) it prints the thread's CPU time in the task, the self time of what
// ran in it, by event name (wall and CPU), and how busy the other threads were meanwhile.
// Recording this much slows the page: judge a task by its parts, not by its total.
//
//   npx tsx bench/profile-studio-trace.ts --port=4523 [--no-build] [--phases=open,panels,stream] [--seconds=15]
//
// The raw traces (loadable in DevTools' Performance panel or ui.perfetto.dev) go to bench/dist/traces/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright';
import { buildBenchPages, DIST_DIR, openBenchBrowser } from './lib/browser.js';
import { currentLoad } from './lib/machine.js';
import { DETAIL_CATEGORIES, mainTasks, type TraceEvent, traceTasks } from './lib/trace.js';
import { breakDownLongTasks, describeBreakdowns } from './lib/trace-breakdown.js';
import { CHART_KINDS, PANEL_KINDS, probeScript, revealPanels, startStream } from './sections/studio.js';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '4523' },
    phases: { type: 'string', default: 'open,panels,stream' },
    seconds: { type: 'string', default: '15' },
    tasks: { type: 'string', default: '6' },
    'no-build': { type: 'boolean', default: false },
  },
});

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const outDir = resolve(DIST_DIR, 'traces');

function report(phase: string, events: readonly TraceEvent[], marked: TraceEvent | undefined): void {
  writeFileSync(resolve(outDir, `${phase}.json`), JSON.stringify({ traceEvents: events }));
  if (marked === undefined) {
    log(`${phase}: the mark is not in the trace`);
    return;
  }
  const tasks = mainTasks(events, marked).filter((t) => t.ts >= marked.ts);
  const end = Math.max(marked.ts, ...tasks.map((t) => t.ts + (t.dur ?? 0)));
  const seconds = (end - marked.ts) / 1e6;
  const cpu = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
  const readbacks = events.filter(
    (e) => e.name === 'GLES2::ReadPixels' && e.pid === marked.pid && e.tid === marked.tid,
  );
  log(
    `${phase} (load ${currentLoad().toFixed(1)}): ${seconds.toFixed(1)} s; main thread CPU ${cpu.toFixed(0)} ms (${(cpu / seconds).toFixed(0)} ms/s); tasks ≥ 50 ms wall ${tasks.filter((t) => (t.dur ?? 0) >= 50_000).length}, ≥ 50 ms CPU ${tasks.filter((t) => (t.tdur ?? 0) >= 50_000).length}, longest CPU ${(Math.max(0, ...tasks.map((t) => t.tdur ?? 0)) / 1000).toFixed(0)} ms; WebGL readbacks on the main thread ${readbacks.length} (${(readbacks.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000).toFixed(0)} ms wall)`,
  );
  const breakdowns = breakDownLongTasks(events, marked, 50, Number(args.tasks));
  log(`${phase}: ${breakdowns.length} tasks ≥ 50 ms shown`);
  log(describeBreakdowns(breakdowns).join('\n'));
}

async function main(): Promise<void> {
  if (args['no-build'] !== true) await buildBenchPages();
  const phases = new Set(String(args.phases).split(','));
  mkdirSync(outDir, { recursive: true });
  const bench = await openBenchBrowser(Number(args.port), log);
  try {
    const seed = await bench.call('studioSeed', { runs: 1000, intervals: 100 });
    const origin = new URL(bench.url).origin;
    const studioUrl = (hash: string): string =>
      `${origin}/index.html?workspace=${encodeURIComponent(seed.workspace)}${hash}`;
    const context = bench.page.context();
    if (phases.has('open') || phases.has('panels')) {
      // A first open compiles the code; the traced one is a returning user's (code cached).
      for (let i = 0; i < 2; i++) {
        const page: Page = await context.newPage();
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.addInitScript(probeScript(seed.runs, CHART_KINDS, PANEL_KINDS));
        await page.addInitScript(() => performance.mark('studio-trace:open'));
        const openTraced = i === 1 && phases.has('open');
        const open = async (): Promise<number> => {
          await page.goto(studioUrl(`#/sweep/${encodeURIComponent(seed.sweepId)}`));
          await page.waitForFunction(
            (kinds) =>
              window.__studioProbe.tableAt !== null &&
              kinds.every((k) => window.__studioProbe.chartsAt[k] !== undefined),
            [...CHART_KINDS],
            { timeout: 60_000, polling: 100 },
          );
          return page.evaluate(() =>
            Math.max(window.__studioProbe.tableAt ?? 0, ...Object.values(window.__studioProbe.chartsAt)),
          );
        };
        const drawn = openTraced
          ? (
              await traceTasks(page, 'studio-trace:open', open, {
                categories: DETAIL_CATEGORIES,
                onEvents: (events, marked) => report('open', events, marked),
              })
            ).result
          : await open();
        log(`open ${i + 1}: all drawn at ${Math.round(drawn)} ms${openTraced ? ' (traced)' : ''}`);
        if (i === 1 && phases.has('panels')) {
          await page.waitForTimeout(500);
          await traceTasks(
            page,
            'studio-bench:panels',
            async () => {
              await revealPanels(page);
              await page.waitForTimeout(300);
            },
            { categories: DETAIL_CATEGORIES, onEvents: (events, marked) => report('panels', events, marked) },
          );
        }
        await page.close();
      }
    }
    if (phases.has('stream')) {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.addInitScript(probeScript(-1, []));
      const url = await bench.call('streamingTrialUrl');
      const sweepId = await startStream(page, studioUrl('#/history'), {
        url,
        runs: 400,
        intervals: 100,
        delayMs: 20,
      });
      await traceTasks(
        page,
        'studio-bench:stream',
        async () => {
          await page.evaluate(() => performance.mark('studio-bench:stream'));
          await page.waitForTimeout(Number(args.seconds) * 1000);
        },
        { categories: DETAIL_CATEGORIES, onEvents: (events, marked) => report('stream', events, marked) },
      );
      await page.evaluate(async (id) => {
        const live = window.studioSession?.liveSweep(id);
        live?.sweep.cancel();
        await live?.sweep.waitForCompletion();
      }, sweepId);
      await page.close();
    }
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
