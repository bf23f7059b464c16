// Finds the analysis panels' long tasks: opens the panels' test harness (test/browser/pages/
// panels.html, built with OVERDRIVE_TEST_PAGES=1, best unminified so names stay readable), mounts
// one panel at a time on 1000 runs × 100 intervals and follows 20 updates, while the CDP Profiler
// samples the main thread every 0.1 ms. A long task shows in the profile as a stretch of samples
// with no idle sample between them; for the longest stretches it prints where the time went (self
// time, and the time under each frame of the panels' own code and of ECharts' entry points).
//
//   OVERDRIVE_TEST_PAGES=1 npx vite build --outDir dist-panels-prof --minify false
//   npx tsx bench/profile-panels.ts --dist=dist-panels-prof --port=4523 [--kinds=slice,contour] [--stretches=3]
//
// The raw profiles (.cpuprofile, loadable in DevTools' Performance panel) go to <dist>/profiles/.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.js';
import { parseFlags, runTool } from './lib/cli-options.js';
import { type CpuProfile, longestStretches } from './lib/cpu-profile.js';
import { currentLoad } from './lib/machine.js';

const args = parseFlags({
  dist: 'dist-panels-prof',
  port: 4523,
  kinds: 'importance,slice,contour,distribution,timeline',
  stretches: 3,
  top: 14,
});

async function serve(dist: string, port: number): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: killing npx alone left vite running (and this tool waiting on its pipe).
    detached: true,
  });
  await new Promise<void>((resolveReady, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(String(port))) resolveReady();
    });
    server.on('exit', (code) => reject(new Error(`vite preview exited with ${code}`)));
  });
  return server;
}

async function main(): Promise<void> {
  const port = args.port;
  const dist = args.dist;
  const server = await serve(dist, port);
  const browser = await chromium.launch({
    executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS],
  });
  try {
    const outDir = resolve(dist, 'profiles');
    mkdirSync(outDir, { recursive: true });
    for (const kind of args.kinds.split(',')) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/test/browser/pages/panels.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      const load = currentLoad();
      const figures = await page.evaluate((k) => window.panelsHarness.measure1000([k as 'slice']), kind);
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      writeFileSync(resolve(outDir, `panel-${kind}.cpuprofile`), JSON.stringify(profile));
      process.stdout.write(`${kind} (load ${load}): ${JSON.stringify(figures)}\n`);
      process.stdout.write(`${longestStretches(profile, args.stretches, args.top).join('\n')}\n`);
      await page.close();
    }
  } finally {
    await browser.close();
    if (server.pid !== undefined) process.kill(-server.pid);
  }
}

runTool(main);
