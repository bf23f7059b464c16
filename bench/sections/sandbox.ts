/**
 * 7. What the trial sandbox (src/pool/sandbox) costs: the same training module run as one-run
 * sweeps on a pool of workers of the page's origin ('page') and on a pool of sandboxed workers
 * (each in an opaque-origin frame of its own, started from a data: URL bootstrap), interleaved,
 * after a cold run that pays each pool's worker start; on cpu and, now that sandboxed workers
 * get WebGPU, on webgpu (SwiftShader without a GPU: shorter trials). Reports the warm
 * per-trial medians and their ratio, and the cold trial's extra cost (the worker start).
 */
import type { MachineInfo } from '../lib/machine.js';
import { type BenchContext, type Check, fixed, ms, table } from '../lib/context.js';

/** The target: a sandboxed trial costs at most 3 % more than a page-origin one. */
export const SANDBOX_RATIO_TARGET = 1.03;

/** One backend's measurements. */
export interface SandboxPair {
  readonly backend: 'cpu' | 'webgpu';
  readonly reps: number;
  readonly steps: number;
  readonly cold: { readonly page: number; readonly sandbox: number };
  readonly warm: { readonly page: readonly number[]; readonly sandbox: readonly number[] };
}

export interface SandboxSectionResult {
  readonly pairs: readonly SandboxPair[];
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
  const page = await browser.page.context().newPage();
  try {
    await page.goto(`${browser.url}/bench/pages/sandbox.html`);
    await page.waitForFunction('window.poolHarness !== undefined', undefined, { timeout: 60_000 });
    const pairs: SandboxPair[] = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      // WebGPU on SwiftShader (no GPU here) is slow: shorter trials, more of them (each is short and noisy).
      const reps = ctx.quick ? 3 : backend === 'cpu' ? 9 : 11;
      const steps = ctx.quick ? 50 : backend === 'cpu' ? 300 : 100;
      ctx.log(
        `sandbox: ${backend}, ${reps} warm one-run sweeps of ${steps} steps per pool, page and sandbox interleaved`,
      );
      // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
      const measured = (await page.evaluate(`(async () => {
        const h = window.poolHarness;
        const url = h.moduleUrl(${JSON.stringify(moduleSource(steps))});
        const pools = {
          page: await h.WorkerPool.create({ size: 1, backend: '${backend}', isolation: 'page' }),
          sandbox: await h.WorkerPool.create({ size: 1, backend: '${backend}', isolation: 'sandbox' }),
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
          // The backend asked for, or the comparison is void (a worker without WebGPU would fall back).
          if (summary.runs[0]?.backend !== '${backend}') throw new Error(which + ' trained on ' + summary.runs[0]?.backend + ', not ${backend}');
          return performance.now() - t0;
        }
        const cold = { page: await once('page'), sandbox: await once('sandbox') };
        for (let i = 0; i < ${reps}; i++) for (const which of ['page', 'sandbox']) warm[which].push(await once(which));
        await pools.page.dispose();
        await pools.sandbox.dispose();
        return { cold, warm };
      })()`)) as Pick<SandboxPair, 'cold' | 'warm'>;
      pairs.push({ backend, reps, steps, ...measured });
    }
    return { pairs };
  } finally {
    await page.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function renderSandboxOverhead(result: SandboxSectionResult): string[] {
  const all = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(', ');
  const lines = [
    "One-run sweeps of the same training module on a pool of page-origin workers and on a pool of sandboxed workers (an opaque-origin frame per worker, each worker started from a data: URL bootstrap), interleaved; warm repetitions after one cold run per pool that also pays the worker start (the page pool's cold run goes first and also pays the first load of the files both share, such as TF.js's WebAssembly). Each trial is checked to have trained on the backend named.",
    '',
    ...table(
      ['backend', 'steps', 'pool', 'cold trial (worker start included)', 'warm trial, median', 'warm trials (ms)'],
      result.pairs.flatMap((pair) => [
        [
          pair.backend,
          String(pair.steps),
          'page origin',
          ms(pair.cold.page),
          ms(median(pair.warm.page)),
          all(pair.warm.page),
        ],
        [
          pair.backend,
          String(pair.steps),
          'sandbox',
          ms(pair.cold.sandbox),
          ms(median(pair.warm.sandbox)),
          all(pair.warm.sandbox),
        ],
      ]),
    ),
    '',
  ];
  for (const pair of result.pairs) {
    const page = median(pair.warm.page);
    const sandbox = median(pair.warm.sandbox);
    lines.push(
      `- ${pair.backend}: per-trial ratio sandbox / page **${fixed(sandbox / page)}×** (median of ${pair.reps}); worker start in the sandbox costs about ${ms(pair.cold.sandbox - sandbox)} over a warm trial (page: ${ms(pair.cold.page - page)}).`,
    );
  }
  lines.push('');
  return lines;
}

export function sandboxOverheadChecks(result: SandboxSectionResult): Check[] {
  return result.pairs.flatMap((pair): Check[] => {
    const ratio = median(pair.warm.sandbox) / median(pair.warm.page);
    return [
      {
        section: 'sandbox',
        what: `warm ${pair.backend} trial in the sandbox vs a page-origin worker (median of ${pair.reps}, ${pair.steps} steps)`,
        figure: `${fixed(ratio)}×`,
        target: `≤ ${SANDBOX_RATIO_TARGET}×`,
        pass: Number.isFinite(ratio) && ratio <= SANDBOX_RATIO_TARGET,
      },
      {
        section: 'sandbox',
        what: `sandboxed ${pair.backend} worker start (cold trial minus warm median)`,
        figure: ms(pair.cold.sandbox - median(pair.warm.sandbox)),
        target: 'reported',
        pass: null,
      },
    ];
  });
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
