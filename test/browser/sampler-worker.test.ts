import { expect, test } from '@playwright/test';

// Bayesian suggestions come from the dedicated sampler worker, not the page's thread: a real
// sweep through BrowserWorkspace (real trial workers, real IndexedDB) in real Chromium, checked
// against the in-process sampler with the same seed.

test('a Bayesian sweep gets its suggestions from the sampler worker, in the in-process seeded sequence', async ({
  page,
}) => {
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);

  const outcome = await page.evaluate(async () => {
    const r = window.runtime;
    const ws = await r.BrowserWorkspace.open({ name: `sampler-worker-${Date.now()}` });
    const space = { quality: r.uniform(0.05, 0.95), ramp: r.choice(1, 2), intervals: r.choice(2, 3) };
    const runs = 10;
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.BayesianParameterSampling(space, { seed: 7 }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: runs,
      // One at a time: each suggestion then sees every earlier run finished, which the
      // in-process replay below can reproduce exactly.
      maxConcurrentRuns: 1,
      policy: new r.NoTerminationPolicy(),
      trial: { kind: 'module', url: window.scriptedTrialUrl },
    });
    const { sweep } = await ws.submit('bayesian-in-worker', config, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    const children = sweep.getChildren();
    const answered = ws.samplerWorkerSuggestions;
    await ws.close();

    // The same seed in this page's thread, fed what the sweep's sampler saw before each run.
    const sampler = new r.BayesianParameterSampling(space, { seed: 7 }).createSampler(new r.SeededRandom(1));
    const observations: { params: Record<string, unknown>; best: number | undefined; state: 'completed' }[] = [];
    const inProcess: unknown[] = [];
    for (const run of children) {
      const params = await sampler.next({ observations: observations as never, goal: 'MAXIMIZE' });
      inProcess.push(params);
      observations.push({
        params: run.params as Record<string, unknown>,
        best: run.bestMetric ?? undefined,
        state: 'completed',
      });
    }
    return {
      status: record.status,
      answered,
      swept: children.map((run) => run.params),
      statuses: children.map((run) => run.status),
      inProcess,
    };
  });

  expect(outcome.status).toBe('Completed');
  expect(outcome.statuses).toEqual(Array(10).fill('Completed'));
  // Every one of the 10 configurations was answered by the worker...
  expect(outcome.answered).toBe(10);
  expect(workers.some((url) => url.includes('sampler-worker'))).toBe(true);
  // ...and is what the in-process sampler gives for the same seed and the same results.
  expect(outcome.swept).toEqual(outcome.inProcess);
});
