/**
 * 7. What the trial sandbox (src/pool/sandbox) costs: the same cpu training module run as
 * one-run sweeps on a pool of workers of the page's origin ('page') and on a pool of sandboxed
 * workers (each in an opaque-origin frame of its own), interleaved, after a cold run that pays
 * each pool's worker start. Reports the warm per-trial medians and their ratio, and the cold
 * trial's extra cost (the worker start).
 */
import type { MachineInfo } from '../lib/machine.js';
import { type BenchContext, type Check, fixed, ms, table } from '../lib/context.js';

/** The target: a sandboxed trial costs at most 3 % more than a page-origin one. */
export const SANDBOX_RATIO_TARGET = 1.03;

export interface SandboxSectionResult {
  readonly reps: number;
  readonly steps: number;
  readonly cold: { readonly page: number; readonly sandbox: number };
  readonly warm: { readonly page: readonly number[]; readonly sandbox: readonly number[] };
}

const moduleSource = (steps: number): string => `export default async function train(params, run, env) {
  const { tf } = env;
  const x = tf.randomNormal([256, 32]);
  const w = tf.variable(tf.randomNormal([32, 1]));
  for (let step = 0; step < ${steps}; step++) {
    tf.tidy(() => { const y = tf.matMul(x, w); w.assign(w.sub(tf.mul(0.001, tf.matMul(x.transpose(), y)))); });
    run.log('loss', step);
    await new Promise((r) => setTimeout(r, 0));
  }
  x.dispose(); w.dispose();
}`;

export async function runSandboxOverhead(ctx: BenchContext): Promise<SandboxSectionResult> {
  const browser = await ctx.browser();
  const reps = ctx.quick ? 3 : 9;
  const steps = ctx.quick ? 100 : 300;
  const page = await browser.page.context().newPage();
  try {
    await page.goto(`${browser.url}/bench/pages/sandbox.html`);
    await page.waitForFunction('window.poolHarness !== undefined', undefined, { timeout: 60_000 });
    ctx.log(`sandbox: ${reps} warm one-run sweeps of ${steps} steps per pool, page and sandbox interleaved`);
    // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
    const measured = (await page.evaluate(`(async () => {
      const h = window.poolHarness;
      const url = h.moduleUrl(${JSON.stringify(moduleSource(steps))});
      const pools = {
        page: await h.WorkerPool.create({ size: 1, backend: 'cpu', isolation: 'page' }),
        sandbox: await h.WorkerPool.create({ size: 1, backend: 'cpu', isolation: 'sandbox' }),
      };
      const warm = { page: [], sandbox: [] };
      async function once(which) {
        const t0 = performance.now();
        const summary = await h.runSweep(pools[which], {
          name: 'bench-' + which,
          sampling: new h.GridParameterSampling({ x: h.choice(1) }),
          primaryMetricName: 'loss', goal: 'minimize', maxTotalRuns: 1, maxConcurrentRuns: 1,
          trial: { kind: 'module', url },
        });
        if (summary.record.status !== 'Completed' || summary.runs.some((r) => r.status !== 'Completed'))
          throw new Error(which + ' sweep ended ' + summary.record.status + ': ' + summary.runs.map((r) => r.status + ' ' + (r.error?.message ?? '')).join('; '));
        return performance.now() - t0;
      }
      const cold = { page: await once('page'), sandbox: await once('sandbox') };
      for (let i = 0; i < ${reps}; i++) for (const which of ['page', 'sandbox']) warm[which].push(await once(which));
      await pools.page.dispose();
      await pools.sandbox.dispose();
      return { cold, warm };
    })()`)) as Pick<SandboxSectionResult, 'cold' | 'warm'>;
    return { reps, steps, ...measured };
  } finally {
    await page.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function renderSandboxOverhead(result: SandboxSectionResult): string[] {
  const page = median(result.warm.page);
  const sandbox = median(result.warm.sandbox);
  const all = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(', ');
  return [
    `One-run sweeps of the same cpu training module (${result.steps} steps) on a pool of page-origin workers and on a pool of sandboxed workers (an opaque-origin frame per worker), interleaved; ${result.reps} warm repetitions each after one cold run that also pays the worker start (the page pool's cold run goes first and also pays the first load of the files both share, such as TF.js's WebAssembly).`,
    '',
    ...table(
      ['pool', 'cold trial (worker start included)', 'warm trial, median', 'warm trials (ms)'],
      [
        ['page origin', ms(result.cold.page), ms(page), all(result.warm.page)],
        ['sandbox', ms(result.cold.sandbox), ms(sandbox), all(result.warm.sandbox)],
      ],
    ),
    '',
    `Per-trial ratio sandbox / page: **${fixed(sandbox / page)}×**; worker start in the sandbox costs about ${ms(result.cold.sandbox - sandbox)} over a warm trial (page: ${ms(result.cold.page - page)}).`,
    '',
  ];
}

export function sandboxOverheadChecks(result: SandboxSectionResult): Check[] {
  const ratio = median(result.warm.sandbox) / median(result.warm.page);
  return [
    {
      section: 'sandbox',
      what: `warm trial in the sandbox vs a page-origin worker (median of ${result.reps}, ${result.steps} steps)`,
      figure: `${fixed(ratio)}×`,
      target: `≤ ${SANDBOX_RATIO_TARGET}×`,
      pass: Number.isFinite(ratio) && ratio <= SANDBOX_RATIO_TARGET,
    },
    {
      section: 'sandbox',
      what: 'sandboxed worker start (cold trial minus warm median)',
      figure: ms(result.cold.sandbox - median(result.warm.sandbox)),
      target: 'reported',
      pass: null,
    },
  ];
}

/** bench/results/sandbox.md: this section alone, with the machine and its load. */
export function sandboxReport(
  markdown: readonly string[],
  meta: { readonly date: string; readonly quick: boolean; readonly machine: MachineInfo; readonly loadAtEnd: number },
  browserVersion: string | null,
): string {
  const m = meta.machine;
  return [
    '# Trial sandbox overhead (issue 13, item 1)',
    '',
    `Generated by bench/run.ts, section \`sandbox\` of \`npm run bench\` (alone: \`npx tsx bench/run.ts --only=sandbox${meta.quick ? ' --quick' : ''}\`), on ${meta.date}.` +
      (meta.quick ? ' Quick mode: fewer, shorter trials.' : ''),
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${browserVersion ?? 'Chromium'}; load average ${m.loadAtStart.toFixed(1)} at start, ${meta.loadAtEnd.toFixed(1)} at end (above the core count: other work competed, figures are noisy).`,
    '',
    ...markdown,
  ].join('\n');
}
