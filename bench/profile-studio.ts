// Finds the long tasks of the Studio's sweep page at 1000 runs × 100 intervals: stores the bench
// section's sweep, opens it in a fresh tab (the open phase), then scrolls to each analysis panel
// (the panels phase) while the CDP Profiler samples the page's main thread every 0.1 ms, and
// prints, for the longest tasks of each phase, where their time went. Uses bench/dist as built by
// the bench (BENCH_MINIFY=0 keeps function names readable):
//
//   BENCH_MINIFY=0 npx tsx bench/profile-studio.ts --port=4523 [--opens=2] [--stretches=4] [--no-build]
//
// The raw profiles (.cpuprofile, loadable in DevTools' Performance panel) go to bench/dist/profiles/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright';
import { buildBenchPages, DIST_DIR, openBenchBrowser } from './lib/browser.js';
import { parseFlags, runTool } from './lib/cli-options.js';
import { type CpuProfile, longestStretches } from './lib/cpu-profile.js';
import { currentLoad } from './lib/machine.js';
import { traceTasks } from './lib/trace.js';
import { CHART_KINDS, PANEL_KINDS, probeScript, revealPanels } from './sections/studio.js';

const args = parseFlags({ port: 4523, opens: 2, stretches: 4, top: 14, 'no-build': false });

async function profiled<T>(page: Page, work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  await cdp.detach();
  return { result, profile };
}

async function main(): Promise<void> {
  if (!args['no-build']) await buildBenchPages();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const bench = await openBenchBrowser(args.port, log);
  const outDir = resolve(DIST_DIR, 'profiles');
  mkdirSync(outDir, { recursive: true });
  try {
    const seed = await bench.call('studioSeed', { runs: 1000, intervals: 100 });
    const origin = new URL(bench.url).origin;
    const url = `${origin}/index.html?workspace=${encodeURIComponent(seed.workspace)}#/sweep/${encodeURIComponent(seed.sweepId)}`;
    for (let i = 0; i < args.opens; i++) {
      const page = await bench.page.context().newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.addInitScript(probeScript(seed.runs, CHART_KINDS, PANEL_KINDS));
      const load = currentLoad();
      const open = await profiled(page, async () => {
        await page.goto(url);
        await page.waitForFunction(
          (kinds) =>
            window.__studioProbe.tableAt !== null && kinds.every((k) => window.__studioProbe.chartsAt[k] !== undefined),
          [...CHART_KINDS],
          { timeout: 60_000, polling: 100 },
        );
        return page.evaluate(() =>
          Math.max(window.__studioProbe.tableAt ?? 0, ...Object.values(window.__studioProbe.chartsAt)),
        );
      });
      writeFileSync(resolve(outDir, `studio-open-${i + 1}.cpuprofile`), JSON.stringify(open.profile));
      log(`open ${i + 1} (load ${load}): all drawn at ${Math.round(open.result)} ms`);
      log(longestStretches(open.profile, args.stretches, args.top).join('\n'));
      await page.waitForTimeout(500);
      const panels = await profiled(page, () =>
        traceTasks(page, 'studio-bench:panels', async () => {
          await revealPanels(page);
          await page.waitForTimeout(300);
        }),
      );
      const top = [...panels.result.tasks].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 6);
      log(
        `panels ${i + 1}: longest tasks by CPU (CPU / wall ms): ${top.map((t) => `${t.cpuMs.toFixed(0)} / ${t.wallMs.toFixed(0)}`).join(', ')}`,
      );
      writeFileSync(resolve(outDir, `studio-panels-${i + 1}.cpuprofile`), JSON.stringify(panels.profile));
      log(`panels ${i + 1} (load ${currentLoad()}):`);
      log(longestStretches(panels.profile, args.stretches, args.top).join('\n'));
      await page.close();
    }
  } finally {
    await bench.close();
  }
}

runTool(main);
