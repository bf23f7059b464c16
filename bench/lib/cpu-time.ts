/**
 * CPU time consumed by a process tree, from Linux's /proc (each process's utime + stime, ended
 * threads included). On a shared machine wall time measures the other tenants as much as the code; the CPU
 * time our Chromium's processes (page, workers, browser process with IndexedDB, GPU process with
 * SwiftShader) spend on a run does not depend on how many others compete for the cores.
 * Elsewhere than Linux it is unavailable and the bench reports wall time only.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

export function cpuTimeAvailable(): boolean {
  return read('/proc/self/schedstat') !== null;
}

/** The pid of the browser process whose command line names `profileDir` (the launcher's child). */
export function findBrowserPid(profileDir: string): number | null {
  const candidates = numericEntries('/proc').filter((pid) => {
    const cmdline = read(`/proc/${pid}/cmdline`);
    return cmdline?.includes(`--user-data-dir=${profileDir}`);
  });
  const set = new Set(candidates);
  // The browser process is the one whose parent does not also carry the flag.
  return candidates.find((pid) => !set.has(parentOf(pid) ?? -1)) ?? null;
}

function parentOf(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // Fields after the parenthesised command name: state, ppid, ...
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** `root` and all its descendants, alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of numericEntries('/proc')) {
    const parent = parentOf(pid);
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux we run on). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (ms) of every live process of the tree rooted at `root`, from each process's own
 * utime + stime. Those include the threads that already ended: the pool terminates workers
 * (threads of the renderer), and summing live threads only made a run's CPU time shrink when a
 * pool was disposed during it (negative "cores used").
 */
export function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat === null) continue;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of stat.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = Number(rest[11]) + Number(rest[12]);
    if (Number.isFinite(used)) ticks += used;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time (ms) of the tree's live threads, summed by thread name (`DedicatedWorker`,
 * `ThreadPoolForeg` for V8's background GC and compiler threads, the processes' main threads,
 * ...). Differences of two snapshots taken while the same threads live say where a run's cores
 * went.
 */
export function threadCpuByName(root: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of processTree(root)) {
    for (const tid of numericEntries(`/proc/${pid}/task`)) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      if (stat === null) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(rest[11]) + Number(rest[12]);
      if (Number.isFinite(used)) byName.set(name, (byName.get(name) ?? 0) + (used * 1000) / TICKS_PER_SECOND);
    }
  }
  return byName;
}
