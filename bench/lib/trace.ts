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

export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** Task events as Chromium names them (the scheduler's top-level task). */
export const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** What the bench records by default: top-level tasks and the mark that names the page's thread (cheap). */
const TASK_CATEGORIES = ['toplevel', 'blink.user_timing'];

/**
 * What a task contains, for finding out why one is long (bench/profile-studio-trace.ts): script,
 * style, layout, paint, raster, canvas, GPU waits, IPC, GC, the scheduler. Far costlier to record.
 */
export const DETAIL_CATEGORIES = [
  ...TASK_CATEGORIES,
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink',
  'v8',
  'gpu',
  'cc',
  'scheduler',
  'ipc',
  'mojom',
];

export interface TraceOptions {
  readonly categories?: readonly string[];
  /** Given every event of the trace, e.g. to save it or to break its long tasks down. */
  readonly onEvents?: (events: readonly TraceEvent[], marked: TraceEvent | undefined) => void;
}

/**
 * Runs `work` under a trace and returns the tasks of the thread that recorded the user-timing
 * mark `mark` (so: this page's main thread, whatever other renderers ran), those from the mark on.
 */
export async function traceTasks<T>(
  page: Page,
  mark: string,
  work: () => Promise<T>,
  options: TraceOptions = {},
): Promise<{ readonly result: T; readonly tasks: readonly TracedTask[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (event) => {
    // CDP types the events as plain objects; these are Chromium's trace event format.
    events.push(...(event.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: [...(options.categories ?? TASK_CATEGORIES)] },
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
  options.onEvents?.(events, marked);
  if (marked === undefined) return { result, tasks: [] };
  const tasks = mainTasks(events, marked).map((e) => ({
    wallMs: (e.dur ?? 0) / 1000,
    cpuMs: (e.tdur ?? e.dur ?? 0) / 1000,
  }));
  return { result, tasks };
}

/** The top-level task events of the thread that recorded `marked`, those ending after it. */
export function mainTasks(events: readonly TraceEvent[], marked: TraceEvent): TraceEvent[] {
  return events.filter(
    (e) =>
      TASK_NAMES.has(e.name) &&
      e.ph === 'X' &&
      e.pid === marked.pid &&
      e.tid === marked.tid &&
      e.ts + (e.dur ?? 0) >= marked.ts,
  );
}

/** The longest task by wall time and the longest by CPU time (ms, 0 when none). */
export function longest(tasks: readonly TracedTask[]): { readonly wallMs: number; readonly cpuMs: number } {
  return {
    wallMs: Math.max(0, ...tasks.map((t) => t.wallMs)),
    cpuMs: Math.max(0, ...tasks.map((t) => t.cpuMs)),
  };
}
