// Main-thread tasks of one page from a Chromium trace (CDP `Tracing`), with their CPU time.
// The 'longtask' observer reports wall time, which on a shared machine grows with every other
// process that takes the core; a trace's task events also carry `tdur`, the thread's CPU time
// in the task, which is what the same task costs on an otherwise idle core.
import type { CDPSession, Page } from 'playwright';

export interface TracedTask {
  /** Wall time of the task, ms. */
  readonly wallMs: number;
  /** CPU time of the page's main thread in the task, ms. */
  readonly cpuMs: number;
}

interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
}

/** Task events as Chromium names them (the scheduler's top-level task). */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/**
 * Runs `work` under a trace and returns the tasks of the thread that recorded the user-timing
 * mark `mark` (so: this page's main thread, whatever other renderers ran), those from the mark on.
 */
export async function traceTasks<T>(
  page: Page,
  mark: string,
  work: () => Promise<T>,
): Promise<{ readonly result: T; readonly tasks: readonly TracedTask[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (event) => {
    // CDP types the events as plain objects; these are Chromium's trace event format.
    events.push(...(event.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['toplevel', 'blink.user_timing'] },
  });
  let result: T;
  try {
    result = await work();
  } finally {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  const marked = events.find((e) => e.cat.includes('blink.user_timing') && e.name === mark);
  if (marked === undefined) return { result, tasks: [] };
  const tasks = events
    .filter(
      (e) =>
        TASK_NAMES.has(e.name) &&
        e.ph === 'X' &&
        e.pid === marked.pid &&
        e.tid === marked.tid &&
        e.ts + (e.dur ?? 0) >= marked.ts,
    )
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 }));
  return { result, tasks };
}

/** The longest task by wall time and the longest by CPU time (ms, 0 when none). */
export function longest(tasks: readonly TracedTask[]): { readonly wallMs: number; readonly cpuMs: number } {
  return {
    wallMs: Math.max(0, ...tasks.map((t) => t.wallMs)),
    cpuMs: Math.max(0, ...tasks.map((t) => t.cpuMs)),
  };
}
