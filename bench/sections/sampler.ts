/**
 * 6. The Bayesian sampler and the page's main thread: a long Bayesian sweep in real Chromium
 * (the engine on the bench page, the real IndexedDB store, a fast in-process trial), once with
 * suggestions from the sampler worker (what the browser runtime does) and once computed on the
 * page's thread, and the page's long tasks (PerformanceObserver 'longtask') that overlap a
 * sampler call.
 */
import { type BenchContext, type Check, ms, table } from '../lib/context.js';
import type { SamplerOutcome } from '../pages/bench-page.js';

/** The Studio's budget: no main-thread task over 50 ms. */
export const LONG_TASK_BUDGET_MS = 50;

export interface SamplerSectionResult {
  readonly worker: SamplerOutcome;
  readonly mainThread: SamplerOutcome;
}

export async function runSamplerMainThread(ctx: BenchContext): Promise<SamplerSectionResult> {
  const browser = await ctx.browser();
  const runs = ctx.quick ? 150 : 1000;
  ctx.log(`sampler: ${runs}-run Bayesian sweep, suggestions in the sampler worker`);
  const worker = await browser.call('samplerSweep', { runs, concurrency: 4, mode: 'worker' });
  ctx.log(`sampler: the same sweep with suggestions on the page's thread`);
  const mainThread = await browser.call('samplerSweep', { runs, concurrency: 4, mode: 'main-thread' });
  return { worker, mainThread };
}

const max = (values: readonly number[]): number => (values.length === 0 ? 0 : Math.max(...values));
const p95 = (values: readonly number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] as number;
};

export function renderSamplerMainThread(result: SamplerSectionResult): string[] {
  const row = (label: string, o: SamplerOutcome): string[] => [
    label,
    `${o.runs} (${o.status})`,
    ms(o.wallMs),
    `${ms(p95(o.syncMs))} / ${ms(max(o.syncMs))}`,
    `${o.attributableLongTasks.length}`,
    ms(max(o.attributableLongTasks)),
    `${o.allLongTasks.length}, longest ${ms(max(o.allLongTasks))}`,
    String(o.answeredByWorker),
  ];
  return [
    `A ${result.worker.runs}-run Bayesian sweep (Hartmann-6, 6 parameters, 4 runs at a time) on the bench page: the engine with the real IndexedDB store and a fast in-process trial, so sampling is the only heavy work. Long tasks come from a PerformanceObserver for 'longtask'; one is attributed to sampling when it overlaps the main-thread part of a sampler call (with the worker: copying the observations out; on the page's thread: the whole suggestion).`,
    '',
    ...table(
      [
        'suggestions computed',
        'runs',
        'sweep wall time',
        'main-thread part of a call, p95 / max',
        'long tasks attributable to sampling',
        'longest attributable',
        'all long tasks',
        'answered by the worker',
      ],
      [
        row('in the sampler worker (browser runtime)', result.worker),
        row("on the page's thread (for comparison)", result.mainThread),
      ],
    ),
    '',
  ];
}

export function samplerMainThreadChecks(result: SamplerSectionResult): Check[] {
  const longest = max(result.worker.attributableLongTasks);
  return [
    {
      section: 'sampler',
      what: `longest main-thread task caused by the sampler in a ${result.worker.runs}-run Bayesian sweep`,
      figure: `${ms(longest)} (${result.worker.attributableLongTasks.length} long tasks)`,
      target: `≤ ${LONG_TASK_BUDGET_MS} ms`,
      pass: result.worker.status === 'Completed' && longest <= LONG_TASK_BUDGET_MS,
    },
  ];
}
