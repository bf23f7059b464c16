import { expect, test, type Page } from '@playwright/test';

// Faults injected for real in Chromium: a worker stuck in an endless loop, one that runs out of
// memory, training modules that cannot load, a lost WebGPU device. Each fails its own run with
// the reason, and the pool and the sweep carry on.

async function openPool(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/test/browser/pages/pool.html');
  await page.waitForFunction(() => window.poolHarness !== undefined);
  return errors;
}

test('a worker stuck in an endless loop is caught by the watchdog: its run fails, the worker is replaced', async ({
  page,
}) => {
  const errors = await openPool(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run) {
        run.log('accuracy', 0.1);
        if (params.mode === 'hang') {
          await new Promise((resolve) => setTimeout(resolve, 200));
          for (;;) {}
        }
        for (let i = 2; i <= 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          run.log('accuracy', 0.1 * i);
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu', watchdogMs: 1_500 });
    const summary = await h.runSweep(pool, {
      name: 'hang',
      sampling: new h.GridParameterSampling({ mode: h.choice('hang', 'ok', 'fine', 'good') }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
    });
    const stats = pool.stats();
    await pool.dispose();
    return { summary, stats };
  });
  const hung = result.summary.runs.find((r) => r.params['mode'] === 'hang');
  expect(hung?.status).toBe('Failed');
  expect(hung?.error?.message).toMatch(/^WorkerHungError: worker \d+ gave no sign of life for \d+ s while running /);
  expect(hung?.intervals).toBe(1);
  for (const run of result.summary.runs.filter((r) => r.params['mode'] !== 'hang'))
    expect(run).toMatchObject({ status: 'Completed', intervals: 3 });
  expect(result.summary.record.status).toBe('Completed');
  expect(result.stats.retired.hung).toBe(1);
  expect(result.summary.seconds).toBeLessThan(30);
  expect(errors).toEqual([]);
});

test('a trial that runs out of memory fails with the reason; its worker is replaced, not reused', async ({ page }) => {
  const errors = await openPool(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run, env) {
        run.log('accuracy', 0.2);
        // 64 TiB: more than any heap; V8 refuses the allocation, as it would a model too big.
        if (params.mode === 'oom') new ArrayBuffer(2 ** 46);
        run.log('accuracy', 0.4);
      }`);
    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    const summary = await h.runSweep(pool, {
      name: 'oom',
      sampling: new h.GridParameterSampling({ mode: h.choice('oom', 'ok') }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 2,
      maxConcurrentRuns: 1,
      trial: { kind: 'module', url },
    });
    const stats = pool.stats();
    const diagnostics = pool.diagnostics();
    await pool.dispose();
    return { summary, stats, diagnostics };
  });
  const [oom, ok] = result.summary.runs;
  expect(oom).toMatchObject({ status: 'Failed', intervals: 1 });
  expect(oom?.error?.message).toMatch(/RangeError: .*(allocation failed|Invalid array buffer length)/i);
  expect(ok).toMatchObject({ status: 'Completed', intervals: 2 });
  expect(result.stats.retired.memory).toBe(1);
  expect(result.stats.spawned).toBe(2);
  expect(result.diagnostics.some((d) => /ran out of memory/.test(d.message))).toBe(true);
  expect(errors).toEqual([]);
});

test('training modules that cannot load fail their runs with a clear reason, and the sweep says all runs failed', async ({
  page,
}) => {
  const errors = await openPool(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const cases = {
      missing: new URL('/no-such-trial.js', location.href).href,
      syntax: h.moduleUrl('export default async function train(params, run) { run.log("accuracy", ; }'),
      nodefault: h.moduleUrl('export const train = () => {};'),
      throwing: h.moduleUrl('throw new Error("module top level exploded"); export default function train() {}'),
    };
    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    const outcomes: Record<string, unknown> = {};
    for (const [name, url] of Object.entries(cases)) {
      const summary = await h.runSweep(pool, {
        name: `load-${name}`,
        sampling: new h.GridParameterSampling({ x: h.choice(1, 2) }),
        primaryMetricName: 'accuracy',
        maxTotalRuns: 2,
        maxConcurrentRuns: 1,
        trial: { kind: 'module', url },
      });
      outcomes[name] = {
        status: summary.record.status,
        endReason: summary.record.endReason,
        errors: summary.runs.map((r) => r.error?.message ?? null),
      };
    }
    const stats = pool.stats();
    await pool.dispose();
    return { outcomes, stats };
  });
  const o = result.outcomes as Record<string, { status: string; endReason: unknown; errors: string[] }>;
  for (const name of ['missing', 'syntax', 'nodefault', 'throwing']) {
    expect(o[name]?.status, name).toBe('Failed');
    expect(o[name]?.endReason, name).toEqual({ kind: 'all-runs-failed', runs: 2 });
  }
  expect(o['missing']?.errors[0]).toMatch(/no-such-trial\.js/);
  expect(o['syntax']?.errors[0]).toMatch(/SyntaxError/);
  expect(o['nodefault']?.errors[0]).toMatch(/must export a default function train\(params, run, env\)/);
  expect(o['throwing']?.errors[0]).toMatch(/module top level exploded/);
  // A module that does not load is the module's fault: no worker crashed over it.
  expect(result.stats.retired.crashed).toBe(0);
  expect(errors).toEqual([]);
});

test('after a WebGPU device is lost, the pool falls back to the next backend for later trials', async ({ page }) => {
  const errors = await openPool(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    // WebGPU is offered only to workers of the page's origin (a sandboxed worker is no secure context).
    const pool = await h.WorkerPool.create({ size: 1, backend: 'webgpu', isolation: 'page' });
    const loseDevice = h.moduleUrl(`
      export default async function train(params, run, env) {
        run.log('accuracy', 0.5);
        env.tf.backend().device.destroy();
        await new Promise((resolve) => setTimeout(resolve, 30000));
      }`);
    const lost = await pool.start(
      { sweepId: 's', runId: 'lost', params: {}, trial: { kind: 'module', url: loseDevice } },
      () => {},
    ).outcome;
    let backend: string | null = null;
    const after = await pool.start(
      {
        sweepId: 's',
        runId: 'after',
        params: { epochs: 1, hidden_units: 4 },
        trial: { kind: 'builtin', name: 'spiral' },
      },
      (events) => {
        for (const e of events) if (e.kind === 'started') backend = e.backend;
      },
    ).outcome;
    const diagnostics = pool.diagnostics();
    await pool.dispose();
    return { lost, after, backend, diagnostics };
  });
  expect(result.lost).toMatchObject({
    kind: 'failed',
    error: { message: expect.stringContaining('WebGPU device lost') },
  });
  expect(result.after).toEqual({ kind: 'completed' });
  expect(result.backend).toBe('webgl');
  expect(result.diagnostics.some((d) => /WebGPU lost its device; later trials start on webgl/.test(d.message))).toBe(
    true,
  );
  expect(errors).toEqual([]);
});

test('when storage fills up the sweep pauses with a clear message, the store stays readable, and it continues once space is freed', async ({
  page,
}) => {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
  const name = `quota-${Date.now()}`;
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  // A fresh database first, so the quota is set just above what the page already stores.
  await page.evaluate(async (db) => {
    const ws = await window.runtime.BrowserWorkspace.open({ name: db });
    await ws.close();
  }, name);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 512 * 1024 });
  const paused = await page.evaluate(async (db) => {
    const r = window.runtime;
    // Random values compress badly: the metrics really take the space they claim.
    const url = URL.createObjectURL(
      new Blob(
        [
          `export default async function train(params, run) {
            for (let i = 1; i <= params.intervals; i++) {
              run.logList('noise', Array.from({ length: 400 }, () => Math.random()));
              run.log('accuracy', params.q * i);
              await new Promise((resolve) => setTimeout(resolve, 15));
            }
          }`,
        ],
        { type: 'text/javascript' },
      ),
    );
    const ws = await r.BrowserWorkspace.open({ name: db });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({ q: r.choice(0.1, 0.2, 0.3, 0.4), intervals: 60 }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
    });
    const { sweep } = await ws.submit('quota', config, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    // Readable while full: what was stored before the quota hit is all there.
    const stored = await ws.store.getSweep(sweep.id);
    const storedRuns = await ws.store.listRuns(sweep.id);
    const storedPoints = (await ws.store.listMetrics(sweep.id)).length;
    await ws.close();
    return { id: sweep.id, record, stored, storedRuns, storedPoints, url };
  }, name);

  expect(paused.record.status).toBe('Canceled');
  expect(paused.record.endReason?.kind).toBe('storage-full');
  expect(paused.record.error?.message).toContain("the browser's storage for this site is full");
  expect(paused.stored?.status).toBe('Running');
  expect(paused.storedPoints).toBeGreaterThan(0);

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const continued = await page.evaluate(
    async ({ db, id }) => {
      const ws = await window.runtime.BrowserWorkspace.open({ name: db });
      const interrupted = (await ws.listInterruptedSweeps()).map((s) => s.id);
      const { sweep } = await ws.continueSweep(id, { backend: 'cpu' });
      const record = await sweep.waitForCompletion();
      const runs = sweep.getChildren();
      await ws.close();
      return { interrupted, record, runs };
    },
    { db: name, id: paused.id },
  );
  expect(continued.interrupted).toContain(paused.id);
  expect(continued.record.status).toBe('Completed');
  expect(continued.record.endReason).toEqual({ kind: 'max-total-runs', runs: 4 });
  expect(continued.runs.map((r) => [r.status, r.intervals])).toEqual(
    Array.from({ length: 4 }, () => ['Completed', 60]),
  );
});

test('a model saved to indexeddb:// that the browser evicts is reported missing, and can be saved again from its checkpoint', async ({
  page,
}) => {
  const workspace = `evict-${Date.now()}`;
  await page.goto(`/?workspace=${workspace}#/history`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  const id = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.02),
        hidden_units: 8,
        epochs: 2,
        train_samples: 300,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const live = await window.studioSession!.submit('evict', config, { backend: 'wasm' });
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  });
  const sweepUrl = `/?workspace=${workspace}#/sweep/${encodeURIComponent(id)}`;
  await page.goto(sweepUrl);
  const best = page.getByTestId('best-run');
  await best.getByLabel('Model name').fill('evict-me');
  await best.locator('[data-action="save-model"]').click();
  await expect(best.locator('.export-status')).toContainText('done (indexeddb://evict-me)');
  await page.goto(`/?workspace=${workspace}#/history`);
  await expect(page.getByTestId('saved-models')).toContainText('indexeddb://evict-me');
  await expect(page.getByTestId('persisted')).toContainText(/persistent/i);

  // What eviction (or "clear site data" for TF.js's store) leaves: the model store is gone.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('tensorflowjs');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
  await page.reload();
  await expect(page.getByTestId('saved-models')).toContainText('None.');
  // The sweep's own checkpoint is intact: saving again brings the model back.
  await page.goto(sweepUrl);
  await page.getByTestId('best-run').getByLabel('Model name').fill('evict-me');
  await page.getByTestId('best-run').locator('[data-action="save-model"]').click();
  await expect(page.getByTestId('best-run').locator('.export-status')).toContainText('done (indexeddb://evict-me)');
  await page.goto(`/?workspace=${workspace}#/history`);
  await expect(page.getByTestId('saved-models')).toContainText('indexeddb://evict-me');
});
