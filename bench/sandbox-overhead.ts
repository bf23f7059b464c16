/**
 * What the trial sandbox (src/pool/sandbox) costs per trial: the same short training module run
 * as one-run sweeps on a pool of workers of the page's origin ('page') and of the sandbox
 * ('sandbox'), interleaved, after a warm-up that pays each pool's worker start. Prints the
 * medians and their ratio. Run: `npx tsx bench/sandbox-overhead.ts [dist]` after a build.
 * Not yet a section of `npm run bench` (issue 13 asks for that; see bench/results/sandbox.md).
 */
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.js';
import { startStaticServer } from '../scripts/static-server.js';

const dist = resolve(process.argv[2] ?? 'dist');
const REPS = 7;
const module = `export default async function train(params, run, env) {
  const { tf } = env;
  const x = tf.randomNormal([256, 32]);
  const w = tf.variable(tf.randomNormal([32, 1]));
  for (let epoch = 0; epoch < 40; epoch++) {
    tf.tidy(() => { const y = tf.matMul(x, w); w.assign(w.sub(tf.mul(0.001, tf.matMul(x.transpose(), y)))); });
    run.log('loss', epoch);
    await new Promise((r) => setTimeout(r, 0));
  }
  x.dispose(); w.dispose();
}`;

const server = await startStaticServer(dist, {}, 0, 'none');
const browser = await chromium.launch({
  executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
  args: [...CHROMIUM_FLAGS],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/test/browser/pages/pool.html`);
  await page.waitForFunction(() => window.poolHarness !== undefined);
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  const times = (await page.evaluate(`(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(${JSON.stringify(module)});
    const pools = {
      page: await h.WorkerPool.create({ size: 1, backend: 'cpu', isolation: 'page' }),
      sandbox: await h.WorkerPool.create({ size: 1, backend: 'cpu', isolation: 'sandbox' }),
    };
    const out = { page: [], sandbox: [] };
    async function once(which) {
      const t0 = performance.now();
      await h.runSweep(pools[which], {
        name: 'b-' + which,
        sampling: new h.GridParameterSampling({ x: h.choice(1) }),
        primaryMetricName: 'loss', goal: 'minimize', maxTotalRuns: 1, maxConcurrentRuns: 1,
        trial: { kind: 'module', url },
      });
      return performance.now() - t0;
    }
    const cold = { page: await once('page'), sandbox: await once('sandbox') };
    for (let i = 0; i < ${REPS}; i++) for (const which of ['page', 'sandbox']) out[which].push(await once(which));
    await pools.page.dispose();
    await pools.sandbox.dispose();
    return { cold, out };
  })()`)) as { cold: Record<'page' | 'sandbox', number>; out: Record<'page' | 'sandbox', number[]> };
  const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  const p = median(times.out.page);
  const s = median(times.out.sandbox);
  console.log(
    `first trial (worker start included): page ${times.cold.page.toFixed(0)} ms, sandbox ${times.cold.sandbox.toFixed(0)} ms`,
  );
  console.log(
    `warm trial, median of ${REPS}: page ${p.toFixed(1)} ms, sandbox ${s.toFixed(1)} ms, ratio ${(s / p).toFixed(3)}`,
  );
  console.log(
    `page: ${times.out.page.map((t) => t.toFixed(0)).join(' ')}; sandbox: ${times.out.sandbox.map((t) => t.toFixed(0)).join(' ')}`,
  );
} finally {
  await browser.close();
  await server.close();
}
