// Where the engine-overhead workload's CPU time goes, by process and thread: each variant's
// repetitions are bracketed by /proc snapshots of every thread of the bench's Chromium, so a
// difference between plain and Overdrive shows up in the thread that pays it (the page's main
// thread, the trial worker, the sandbox frame's renderer, the browser process's IndexedDB
// threads, ...), including the threads a JS profile does not see.
//
//   npx tsx bench/profile-threads.ts --backend=wasm --epochs=30 --reps=3 [--port=4421] [--store-window=100] [--no-build]
import { readdirSync, readFileSync } from 'node:fs';
import { parseFlags, runTool } from './lib/cli-options.js';
import { processTree } from './lib/cpu-time.js';
import { currentLoad } from './lib/machine.js';
import { withOverheadWorkload } from './lib/overhead-workload.js';
import type { OverheadVariant } from './lib/types.js';

const args = parseFlags({
  backend: { choices: ['wasm', 'cpu', 'webgl', 'webgpu'] },
  epochs: 30,
  reps: 3,
  port: 4421,
  isolation: { choices: ['page', 'sandbox'] },
  /** The store's metric window in ms for an A/B of it; 0: the store's default. */
  'store-window': 0,
  'no-build': false,
});

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The process's role from its command line: browser, renderer, gpu-process, utility (which one). */
function processLabel(pid: number): string {
  const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0');
  const type =
    argv
      .flatMap((a) => a.split(' '))
      .find((a) => a.startsWith('--type='))
      ?.slice('--type='.length) ?? 'browser';
  const sub = argv
    .flatMap((a) => a.split(' '))
    .find((a) => a.startsWith('--utility-sub-type='))
    ?.slice('--utility-sub-type='.length);
  return sub === undefined ? `${type}#${pid}` : `${type}(${sub.split('.').pop() ?? sub})#${pid}`;
}

/** CPU ms of every thread of the tree, keyed by "process label / thread name". */
function snapshot(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of processTree(root)) {
    const label = processLabel(pid);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      if (stat === null) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
      const key = `${label} / ${name}`;
      out.set(key, (out.get(key) ?? 0) + ms);
    }
  }
  return out;
}

function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

async function main(): Promise<void> {
  const { backend } = args;
  const workload = {
    backend,
    epochs: args.epochs,
    port: args.port,
    isolation: args.isolation,
    build: !args['no-build'],
    ...(args['store-window'] > 0 ? { storeWindowMs: args['store-window'] } : {}),
  };
  await withOverheadWorkload(workload, async (browser) => {
    // Our Chromium is a descendant of this process (Playwright launched it): the one without --type.
    const pid = processTree(process.pid).find((p) => {
      const argv = (read(`/proc/${p}/cmdline`) ?? '').split('\0');
      return argv.some((a) => a.startsWith('--user-data-dir=')) && !argv.some((a) => a.startsWith('--type='));
    });
    if (pid === undefined) throw new Error('browser pid not found');
    const variants: OverheadVariant[] = ['plain', 'overdrive'];
    const totals = new Map<OverheadVariant, Map<string, number>>(variants.map((v) => [v, new Map()]));
    const walls = new Map<OverheadVariant, number[]>(variants.map((v) => [v, []]));
    const reps = args.reps;
    for (let rep = 0; rep < reps; rep++) {
      for (const v of rep % 2 === 0 ? variants : [...variants].reverse()) {
        const before = snapshot(pid);
        const sample = await browser.call('overheadRep', v);
        const used = diff(snapshot(pid), before);
        const sum = totals.get(v) as Map<string, number>;
        for (const [k, ms] of used) sum.set(k, (sum.get(k) ?? 0) + ms);
        walls.get(v)?.push(sample.ms);
        const worker = [...used].filter(([k]) => k.endsWith('/ DedicatedWorker')).reduce((a, [, x]) => a + x, 0);
        const all = [...used.values()].reduce((a, b) => a + b, 0);
        process.stdout.write(
          `rep ${rep + 1} ${v.padEnd(9)} wall ${sample.ms.toFixed(0)} ms, CPU ${all.toFixed(0)} ms (worker thread ${worker.toFixed(0)} ms)${sample.phases === null ? '' : `, ${sample.phases.transactions} write transactions`}, load ${currentLoad().toFixed(2)}\n`,
        );
      }
    }
    process.stdout.write(`${backend}, ${args.epochs} epochs, ${reps} reps each, load ${currentLoad().toFixed(2)}\n`);
    for (const v of variants) {
      const t = [...(totals.get(v) as Map<string, number>).values()].reduce((a, b) => a + b, 0);
      process.stdout.write(
        `${v}: wall ${(walls.get(v) ?? []).map((x) => x.toFixed(0)).join(', ')} ms; CPU per rep ${(t / reps).toFixed(0)} ms\n`,
      );
    }
    const keys = new Set(variants.flatMap((v) => [...(totals.get(v) as Map<string, number>).keys()]));
    const rows = [...keys]
      .map((k) => {
        const [p, o] = variants.map((v) => ((totals.get(v) as Map<string, number>).get(k) ?? 0) / reps) as [
          number,
          number,
        ];
        return { k, p, o };
      })
      .filter((r) => r.p > 0 || r.o > 0)
      .sort((a, b) => Math.abs(b.o - b.p) - Math.abs(a.o - a.p));
    process.stdout.write('CPU ms per rep: plain / overdrive / difference, by process / thread\n');
    for (const r of rows)
      process.stdout.write(
        `${r.p.toFixed(0).padStart(7)} ${r.o.toFixed(0).padStart(7)} ${(r.o - r.p).toFixed(0).padStart(7)}  ${r.k}\n`,
      );
  });
}

runTool(main);
