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
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.js';
import { currentLoad } from './lib/machine.js';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist-panels-prof' },
    port: { type: 'string', default: '4523' },
    kinds: { type: 'string', default: 'importance,slice,contour,distribution,timeline' },
    stretches: { type: 'string', default: '3' },
    top: { type: 'string', default: '14' },
  },
});

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const IDLE = new Set(['(idle)']);

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = (url.split('/').pop() ?? url).replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** Stretches of consecutive busy samples (a task), longest first, with where their time went. */
function longestStretches(profile: CpuProfile, count: number, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const stretches: { from: number; to: number; ms: number }[] = [];
  let open: { from: number; ms: number } | null = null;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const idle = node === undefined || IDLE.has(node.callFrame.functionName);
    if (idle) {
      if (open !== null) stretches.push({ from: open.from, to: i, ms: open.ms });
      open = null;
    } else if (open === null) open = { from: i, ms };
    else open.ms += ms;
  }
  if (open !== null) stretches.push({ from: open.from, to: samples.length, ms: open.ms });
  stretches.sort((a, b) => b.ms - a.ms);
  const out: string[] = [];
  for (const s of stretches.slice(0, count)) {
    const self = new Map<string, number>();
    const under = new Map<string, number>();
    for (let i = s.from; i < s.to; i++) {
      const ms = (deltas[i + 1] ?? 0) / 1000;
      let id: number | undefined = samples[i] as number;
      const first = byId.get(id);
      if (first === undefined) continue;
      self.set(frameName(first), (self.get(frameName(first)) ?? 0) + ms);
      const seen = new Set<string>();
      while (id !== undefined) {
        const node = byId.get(id);
        if (node === undefined) break;
        const name = frameName(node);
        if (!seen.has(name)) {
          seen.add(name);
          under.set(name, (under.get(name) ?? 0) + ms);
        }
        id = parent.get(id);
      }
    }
    const sorted = (m: Map<string, number>, filter: (k: string) => boolean): string[] =>
      [...m.entries()]
        .filter(([k]) => filter(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => `      ${v.toFixed(1).padStart(7)} ms  ${k}`);
    out.push(
      `  task of ${s.ms.toFixed(1)} ms`,
      '    self time:',
      ...sorted(self, () => true),
      '    inclusive (functions under 90 % of the task, not the roots):',
      ...sorted(under, (k) => !k.startsWith('(root)') && (under.get(k) ?? 0) < s.ms * 0.9),
    );
  }
  return out;
}

async function serve(dist: string, port: number): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'inherit'],
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
  const port = Number(args.port);
  const dist = String(args.dist);
  const server = await serve(dist, port);
  const browser = await chromium.launch({
    executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS],
  });
  try {
    const outDir = resolve(dist, 'profiles');
    mkdirSync(outDir, { recursive: true });
    for (const kind of String(args.kinds).split(',')) {
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
      process.stdout.write(`${longestStretches(profile, Number(args.stretches), Number(args.top)).join('\n')}\n`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
