// What a long main-thread task spent its time on, from a detailed trace (DETAIL_CATEGORIES):
// each event's self time (its duration less its children's), wall and thread CPU, summed by
// name. Wall well above CPU in the task itself, with no event holding the difference, means the
// thread was off the core (descheduled); an event whose own wall time is far above its CPU time
// (a GPU or IPC wait, a readback) means it waited on another process.
import { mainTasks, type TraceEvent } from './trace.js';

export interface SelfTime {
  readonly name: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface TaskBreakdown {
  readonly startMs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Self time by event name, largest wall first. */
  readonly parts: readonly SelfTime[];
  /** Busy time of each other thread of the trace during the task (ms of CPU in its tasks), largest first. */
  readonly others: readonly { readonly thread: string; readonly cpuMs: number }[];
}

function threadNames(events: readonly TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  const processes = new Map<number, string>();
  for (const e of events) {
    const name = e.args?.['name'];
    if (e.ph !== 'M' || typeof name !== 'string') continue;
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, name);
    if (e.name === 'process_name') processes.set(e.pid, name);
  }
  const labelled = new Map<string, string>();
  for (const [key, name] of names) {
    const pid = Number(key.split(':')[0]);
    labelled.set(key, `${processes.get(pid) ?? pid}/${name}`);
  }
  return labelled;
}

/** Breaks down the main thread's tasks of at least `minWallMs` (wall), longest first. */
export function breakDownLongTasks(
  events: readonly TraceEvent[],
  marked: TraceEvent,
  minWallMs = 50,
  limit = 8,
): TaskBreakdown[] {
  const tasks = mainTasks(events, marked)
    .filter((t) => (t.dur ?? 0) / 1000 >= minWallMs)
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
    .slice(0, limit);
  const names = threadNames(events);
  const thread = events
    .filter((e) => e.pid === marked.pid && e.tid === marked.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0);
    const inside = thread.filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    const self = new Map<string, { wall: number; cpu: number }>();
    // Nesting by time: a stack of open events; each event's duration is taken from its parent's self time.
    const stack: TraceEvent[] = [];
    const add = (name: string, wall: number, cpu: number): void => {
      const entry = self.get(name) ?? { wall: 0, cpu: 0 };
      entry.wall += wall;
      entry.cpu += cpu;
      self.set(name, entry);
    };
    for (const e of inside) {
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top !== undefined && top.ts + (top.dur ?? 0) <= e.ts) stack.pop();
        else break;
      }
      const parent = stack[stack.length - 1];
      add(e.name, e.dur ?? 0, e.tdur ?? 0);
      if (parent !== undefined) add(parent.name, -(e.dur ?? 0), -(e.tdur ?? 0));
      stack.push(e);
    }
    const others = new Map<string, number>();
    for (const e of events) {
      if (e.ph !== 'X' || !TASKS_ANY.has(e.name) || (e.pid === marked.pid && e.tid === marked.tid)) continue;
      const from = Math.max(e.ts, task.ts);
      const to = Math.min(e.ts + (e.dur ?? 0), end);
      if (to <= from) continue;
      const share = (to - from) / Math.max(1, e.dur ?? 1);
      const key = names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
      others.set(key, (others.get(key) ?? 0) + ((e.tdur ?? e.dur ?? 0) * share) / 1000);
    }
    return {
      startMs: (task.ts - marked.ts) / 1000,
      wallMs: (task.dur ?? 0) / 1000,
      cpuMs: (task.tdur ?? 0) / 1000,
      parts: [...self.entries()]
        .map(([name, t]) => ({ name, wallMs: t.wall / 1000, cpuMs: t.cpu / 1000 }))
        .filter((p) => p.wallMs >= 0.5)
        .sort((a, b) => b.wallMs - a.wallMs),
      others: [...others.entries()]
        .map(([thread, cpuMs]) => ({ thread, cpuMs }))
        .filter((o) => o.cpuMs >= 1)
        .sort((a, b) => b.cpuMs - a.cpuMs),
    };
  });
}

const TASKS_ANY = new Set(['RunTask', 'ThreadControllerImpl::RunTask', 'ThreadPool_RunTask']);

/** Lines for a log: each task, then its largest parts and the other threads' CPU beside it. */
export function describeBreakdowns(breakdowns: readonly TaskBreakdown[], parts = 10): string[] {
  return breakdowns.flatMap((b) => [
    `task at +${b.startMs.toFixed(0)} ms: wall ${b.wallMs.toFixed(1)} ms, thread CPU ${b.cpuMs.toFixed(1)} ms`,
    ...b.parts
      .slice(0, parts)
      .map((p) => `    ${p.wallMs.toFixed(1).padStart(7)} wall ${p.cpuMs.toFixed(1).padStart(7)} cpu  ${p.name}`),
    `    other threads busy meanwhile (CPU ms): ${b.others
      .slice(0, 8)
      .map((o) => `${o.thread} ${o.cpuMs.toFixed(0)}`)
      .join(', ')}`,
  ]);
}
