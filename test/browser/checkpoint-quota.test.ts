import { expect, test } from '@playwright/test';

// Issue 13: storage that fills up while a checkpoint is written pauses the sweep. A real sweep in
// real Chromium, trials in real workers, checkpoints written by the page into real IndexedDB,
// the origin's quota really exceeded (set through the DevTools protocol), then lifted.

test('a checkpoint that meets a full storage pauses the sweep: no run Failed, the budget kept, and it continues once space is freed', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
  const name = `checkpoint-quota-${Date.now()}`;
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  // A fresh database first, so the quota is set just above what the page already stores (Chromium
  // enforces a DevTools quota only when it is set before the writes it should refuse).
  await page.evaluate(async (db) => {
    const ws = await window.runtime.BrowserWorkspace.open({ name: db });
    await ws.close();
  }, name);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 512 * 1024 });
  const paused = await page.evaluate(async (db) => {
    const r = window.runtime;
    // Metrics are a few numbers; the checkpoint's state is ~900 KB of random text (it compresses
    // badly), so the checkpoint is what meets the full storage.
    const url = URL.createObjectURL(
      new Blob(
        [
          `export default async function train(params, run) {
            const start = run.resumeFrom?.state?.interval ?? 0;
            for (let i = start + 1; i <= 6; i++) {
              run.log('accuracy', params.q * i);
              if (i === 2 && start === 0) {
                let pad = '';
                while (pad.length < 900000) pad += Math.random().toString(36).slice(2);
                await run.checkpoint(null, { interval: i, pad });
              }
              await new Promise((resolve) => setTimeout(resolve, 30));
            }
          }`,
        ],
        { type: 'text/javascript' },
      ),
    );
    const ws = await r.BrowserWorkspace.open({ name: db });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({ q: r.choice(0.1, 0.2, 0.3, 0.4) }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
    });
    const { sweep } = await ws.submit('checkpoint-quota', config, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    const runs = sweep.getChildren().map((run) => ({ status: run.status, termination: run.termination?.kind ?? null }));
    const stored = await ws.store.getSweep(sweep.id);
    const storedRuns = (await ws.store.listRuns(sweep.id)).map((run) => run.status);
    await ws.close();
    return { id: sweep.id, record, runs, stored, storedRuns };
  }, name);

  expect(paused.record.endReason?.kind).toBe('storage-full');
  expect(paused.record.error?.message).toContain("the browser's storage for this site is full");
  expect(paused.runs.filter((run) => run.status === 'Failed')).toEqual([]);
  expect(paused.storedRuns.filter((status) => status === 'Failed')).toEqual([]);
  // The budget is kept: not every run finished, and the stored sweep waits to be continued.
  expect(paused.runs.filter((run) => run.status === 'Completed').length).toBeLessThan(4);
  expect(paused.stored?.status).toBe('Running');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const continued = await page.evaluate(
    async ({ db, id }) => {
      const ws = await window.runtime.BrowserWorkspace.open({ name: db });
      const interrupted = (await ws.listInterruptedSweeps()).map((s) => s.id);
      const { sweep } = await ws.continueSweep(id, { backend: 'cpu' });
      const record = await sweep.waitForCompletion();
      const runs = sweep.getChildren().map((run) => run.status);
      await ws.close();
      return { interrupted, record, runs };
    },
    { db: name, id: paused.id },
  );
  expect(continued.interrupted).toContain(paused.id);
  expect(continued.record.status).toBe('Completed');
  // The whole budget of 4 runs is spent after the pause, none lost to it.
  expect(continued.record.endReason).toEqual({ kind: 'max-total-runs', runs: 4 });
  expect(continued.runs).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
});
