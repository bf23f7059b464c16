// Profiles the engine-overhead workload with the Chrome DevTools protocol: the page's main thread
// and every dedicated worker (the pool's trial worker, the plain bench worker) are sampled while
// a few repetitions run, then the self time is summed by function and by script.
//
//   npx tsx bench/profile.ts --backend=wasm --epochs=10 --reps=3 [--variant=overdrive] [--no-build]
//
// The raw profiles (.cpuprofile, loadable in DevTools' Performance panel) go to bench/dist/profiles/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession } from 'playwright';
import { DIST_DIR } from './lib/browser.js';
import { parseFlags, runTool } from './lib/cli-options.js';
import { withOverheadWorkload } from './lib/overhead-workload.js';
import type { OverheadVariant } from './lib/types.js';

const args = parseFlags({
  backend: { choices: ['wasm', 'cpu', 'webgl', 'webgpu'] },
  epochs: 10,
  reps: 3,
  variant: 'overdrive',
  port: 4421,
  top: 25,
  /** Function names whose inclusive (self + callees) time to print, comma-separated. */
  inclusive: '',
  'no-build': false,
});

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** A DevTools session on a worker, through the page's session (flatten: false). */
class TargetSession {
  private next = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  constructor(
    private readonly cdp: CDPSession,
    readonly sessionId: string,
  ) {}
  onMessage(raw: string): void {
    const message = JSON.parse(raw) as { id?: number; result?: unknown; error?: unknown };
    if (message.id === undefined) return;
    this.pending.get(message.id)?.(message.result ?? message.error);
    this.pending.delete(message.id);
  }
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolveSend) => {
      this.pending.set(id, resolveSend);
      void this.cdp.send('Target.sendMessageToTarget', {
        sessionId: this.sessionId,
        message: JSON.stringify({ id, method, params }),
      });
    });
  }
}

/** Self time (ms) of each profile node: a sample's time is the gap to the next sample. */
function selfTimeByNode(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
  }
  return self;
}

/** Inclusive time of every function named in `names` (recursion counted once). */
function inclusive(profile: CpuProfile, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimeByNode(profile);
  const totals = new Map<string, number>(names.map((n) => [n, 0]));
  const visit = (id: number, open: ReadonlySet<string>): void => {
    const node = byId.get(id);
    if (node === undefined) return;
    const name = node.callFrame.functionName;
    const now = totals.has(name) && !open.has(name) ? new Set([...open, name]) : open;
    const t = self.get(id) ?? 0;
    for (const n of now) totals.set(n, (totals.get(n) ?? 0) + t);
    for (const child of node.children ?? []) visit(child, now);
  };
  const root = profile.nodes[0];
  if (root !== undefined) visit(root.id, new Set());
  return ['  inclusive:', ...names.map((n) => `    ${(totals.get(n) ?? 0).toFixed(1).padStart(9)} ms  ${n}`)];
}

/** Self time by function (name, script, line). */
function selfByFunction(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (const [id, ms] of selfTimeByNode(profile)) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${(url.split('/').pop() ?? url).replace(/-[A-Za-z0-9_]{8}\.js$/, '.js')}`;
    out.set(key, (out.get(key) ?? 0) + ms);
  }
  return out;
}

function summarize(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimeByNode(profile);
  const byFunction = new Map<string, number>();
  const byScript = new Map<string, number>();
  let total = 0;
  for (const [id, msSelf] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').pop() ?? url;
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + msSelf);
    byScript.set(file || functionName, (byScript.get(file || functionName) ?? 0) + msSelf);
    if (functionName !== '(idle)') total += msSelf;
  }
  const sorted = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `    ${v.toFixed(1).padStart(9)} ms  ${k}`);
  const names = args.inclusive.split(',').filter((n) => n !== '');
  return [
    ...inclusive(profile, names),
    `  busy ${total.toFixed(0)} ms of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`,
    '  by script:',
    ...sorted(byScript),
    '  by function:',
    ...sorted(byFunction),
  ];
}

const VARIANTS: readonly OverheadVariant[] = ['plain', 'plain+cancel-hook', 'overdrive'];

function checkVariant(name: string): OverheadVariant {
  const variant = VARIANTS.find((v) => v === name);
  if (variant === undefined) throw new Error(`--variant must list some of ${VARIANTS.join(', ')}; got "${name}"`);
  return variant;
}

async function main(): Promise<void> {
  const backend = args.backend;
  const variants = args.variant.split(',').map(checkVariant);
  const variant = variants.join('+');
  const workload = {
    backend,
    epochs: args.epochs,
    port: args.port,
    isolation: 'page',
    build: !args['no-build'],
  } as const;
  await withOverheadWorkload(workload, async (browser) => {
    const cdp = await browser.page.context().newCDPSession(browser.page);
    const sessions: TargetSession[] = [];
    cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
      sessions.find((s) => s.sessionId === event.sessionId)?.onMessage(event.message);
    });
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { targetId: string; type: string; url: string }[];
    };
    const workers = targetInfos.filter((t) => t.type === 'worker');
    for (const target of workers) {
      const { sessionId } = (await cdp.send('Target.attachToTarget', {
        targetId: target.targetId,
        flatten: false,
      })) as { sessionId: string };
      sessions.push(new TargetSession(cdp, sessionId));
    }
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    for (const s of sessions) {
      await s.send('Profiler.enable');
      await s.send('Profiler.setSamplingInterval', { interval: 200 });
    }
    await cdp.send('Profiler.start');
    for (const s of sessions) await s.send('Profiler.start');
    const times: number[] = [];
    for (let i = 0; i < args.reps; i++) {
      for (const v of variants) times.push((await browser.call('overheadRep', v)).ms);
    }
    const outDir = resolve(DIST_DIR, 'profiles');
    mkdirSync(outDir, { recursive: true });
    const page = ((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile;
    writeFileSync(resolve(outDir, `${backend}-${variant}-page.cpuprofile`), JSON.stringify(page));
    process.stdout.write(
      `${variant} on ${backend}, ${args.epochs} epochs: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`,
    );
    process.stdout.write(`page main thread:\n${summarize(page, args.top).join('\n')}\n`);
    const maps: Map<string, number>[] = [];
    const labels: string[] = [];
    for (const [i, s] of sessions.entries()) {
      const result = (await s.send('Profiler.stop')) as { profile?: CpuProfile };
      if (result.profile === undefined) continue;
      maps.push(selfByFunction(result.profile));
      labels.push(workers[i]?.url.split('/').pop() ?? `worker ${i}`);
      const name = `${backend}-${variant}-worker-${i}`;
      writeFileSync(resolve(outDir, `${name}.cpuprofile`), JSON.stringify(result.profile));
      process.stdout.write(
        `worker ${i} (${workers[i]?.url.split('/').pop() ?? ''}):\n${summarize(result.profile, args.top).join('\n')}\n`,
      );
    }
    const busyIndex = maps
      .map((m, i) => ([...m.entries()].some(([k, v]) => !k.startsWith('(idle)') && v > 100) ? i : -1))
      .filter((i) => i >= 0);
    const busy = busyIndex.map((i) => maps[i] as Map<string, number>);
    if (busy.length === 2) {
      process.stdout.write(
        `A = ${labels[busyIndex[0] as number] ?? '?'}, B = ${labels[busyIndex[1] as number] ?? '?'}\n`,
      );
      // Per repetition, which functions the two workers spend different time in.
      const [a, b] = busy as [Map<string, number>, Map<string, number>];
      const reps = args.reps;
      const keys = new Set([...a.keys(), ...b.keys()].map((k) => k.replace(/ [^ ]*\.js$/, '')));
      const sum = (m: Map<string, number>, name: string): number =>
        [...m.entries()].filter(([k]) => k.replace(/ [^ ]*\.js$/, '') === name).reduce((t, [, v]) => t + v, 0);
      const diffs = [...keys]
        .map((k) => [k, (sum(a, k) - sum(b, k)) / reps] as const)
        .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
      const total = (m: Map<string, number>): number =>
        [...m.entries()].filter(([k]) => !k.startsWith('(idle)')).reduce((t, [, v]) => t + v, 0);
      process.stdout.write(
        `busy per repetition: worker A ${(total(a) / reps).toFixed(1)} ms, worker B ${(total(b) / reps).toFixed(1)} ms\n`,
      );
      process.stdout.write(
        `largest differences A − B per repetition:\n${diffs
          .slice(0, args.top)
          .map(([k, v]) => `  ${v.toFixed(2).padStart(9)} ms  ${k}`)
          .join('\n')}\n`,
      );
    }
  });
}

runTool(main);
