/**
 * CPU time consumed by a process tree, from Linux's /proc (nanosecond `schedstat` of every live
 * thread). On a shared machine wall time measures the other tenants as much as the code; the CPU
 * time our Chromium's processes (page, workers, browser process with IndexedDB, GPU process with
 * SwiftShader) spend on a run does not depend on how many others compete for the cores.
 * Elsewhere than Linux it is unavailable and the bench reports wall time only.
 */
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
    return cmdline !== null && cmdline.includes(`--user-data-dir=${profileDir}`);
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

/** CPU time (ms) of every live thread of the tree rooted at `root`. */
export function treeCpuMs(root: number): number {
  let ns = 0;
  for (const pid of processTree(root)) {
    for (const tid of numericEntries(`/proc/${pid}/task`)) {
      const schedstat = read(`/proc/${pid}/task/${tid}/schedstat`);
      const onCpu = schedstat === null ? Number.NaN : Number(schedstat.split(' ')[0]);
      if (Number.isFinite(onCpu)) ns += onCpu;
    }
  }
  return ns / 1e6;
}
