import { expect, test } from '@playwright/test';

// A training module that never resolves and logs nothing more: its worker still answers pings,
// so the hung-worker watchdog cannot see it. The pool's silentTrialMs ends it (here set short;
// 30 minutes by default) instead of letting it hold its slot until the sweep's time limit.

test('a silent trial (a promise that never settles) fails within silentTrialMs; the sweep goes on', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/test/browser/pages/pool.html');
  await page.waitForFunction(() => window.poolHarness !== undefined);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run) {
        if (params.mode === 'mute') await new Promise(() => {});
        run.log('accuracy', 0.1);
        if (params.mode === 'stuck') await new Promise(() => {});
        for (let i = 2; i <= 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          run.log('accuracy', 0.1 * i);
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu', silentTrialMs: 1_500 });
    const summary = await h.runSweep(pool, {
      name: 'silent',
      sampling: new h.GridParameterSampling({ mode: h.choice('mute', 'stuck', 'ok', 'fine') }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
    });
    const stats = pool.stats();
    await pool.dispose();
    return { summary, stats };
  });
  for (const mode of ['mute', 'stuck']) {
    const run = result.summary.runs.find((r) => r.params['mode'] === mode);
    expect(run?.status, mode).toBe('Failed');
    expect(run?.error?.message, mode).toMatch(
      /^TrialSilentError: run \S+ logged no metric and stored no checkpoint for \d+ s \(the pool's silentTrialMs is 1500 ms\)/,
    );
  }
  for (const run of result.summary.runs.filter((r) => r.params['mode'] === 'ok' || r.params['mode'] === 'fine'))
    expect(run).toMatchObject({ status: 'Completed', intervals: 3 });
  expect(result.summary.record.status).toBe('Completed');
  expect(result.stats.retired.hung).toBe(2);
  expect(result.summary.seconds).toBeLessThan(30);
  expect(errors).toEqual([]);
});
