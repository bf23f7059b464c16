import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { MetricPoint } from '../../src/index.js';

// Several tabs of the same browser profile on one workspace: a closed tab loses nothing it
// stored, a second tab watches a running sweep live but cannot run it, two tabs can never both
// continue one sweep, and a database upgrade from a newer tab does not corrupt the older one.

async function studio(context: BrowserContext, workspace: string, hash = '#/history'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}${hash}`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  return page;
}

/** Starts a 4-run digits sweep (about a minute on 2 cores) in `page` and returns its id. */
async function startSweep(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.01, 0.02, 0.005, 0.03),
        hidden_units: 16,
        epochs: 8,
        train_samples: 900,
        checkpoint_interval: 0,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const live = await window.studioSession!.submit('tabs', config, { backend: 'cpu' });
    return live.sweep.id;
  });
}

test('a tab closed mid-sweep loses no flushed metric; another tab continues it within the exact budget', async ({ context }) => {
  const workspace = `tabs-close-${Date.now()}`;
  const first = await studio(context, workspace);
  const id = await startSweep(first);
  await first.waitForFunction((sid) => (window.studioSession?.liveSweep(sid)?.sweep.getChildren() ?? []).some((r) => r.intervals >= 2), id, { timeout: 120_000 });
  const flushed: MetricPoint[] = await first.evaluate(async (sid) => {
    const store = window.studioSession!.workspace.store;
    await store.flush();
    return store.listMetrics(sid);
  }, id);
  expect(flushed.length).toBeGreaterThan(0);
  await first.close();

  const second = await studio(context, workspace, `#/sweep/${encodeURIComponent(id)}`);
  await expect(second.getByTestId('sweep-status')).toHaveText('Interrupted');
  await second.getByTestId('continue-sweep').click();
  await expect(second.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 180_000 });
  const after = await second.evaluate(async (sid) => {
    const store = window.studioSession!.workspace.store;
    return { points: await store.listMetrics(sid), runs: await store.listRuns(sid) };
  }, id);
  const key = (p: MetricPoint): string => `${p.runId}|${p.attempt}|${p.name}|${p.step}|${p.value}`;
  const kept = new Set(after.points.map(key));
  expect(flushed.filter((p) => !kept.has(key(p)))).toEqual([]);
  expect(after.runs.map((r) => r.id)).toEqual([0, 1, 2, 3].map((i) => `${id}_${i}`));
  expect(after.runs.every((r) => r.status === 'Completed' && r.intervals === 8)).toBe(true);
});

test('a second tab shows a running sweep live and read-only; two tabs cannot both continue one sweep', async ({ context }) => {
  const workspace = `tabs-live-${Date.now()}`;
  const runner = await studio(context, workspace);
  const id = await startSweep(runner);
  const watcher = await studio(context, workspace, `#/sweep/${encodeURIComponent(id)}`);
  await expect(watcher.getByTestId('read-only')).toBeVisible();
  await expect(watcher.getByTestId('cancel-sweep')).toHaveCount(0);
  await expect(watcher.getByTestId('continue-sweep')).toHaveCount(0);
  await expect(watcher.locator('[data-action="cancel-run"]')).toHaveCount(0);
  // Live: the watcher's table moves on without a reload, fed by the running tab's broadcasts.
  const intervals = (): Promise<number> =>
    watcher.evaluate(() => {
      const column = [...document.querySelectorAll('[data-testid="run-table"] thead th')].findIndex((th) => th.textContent?.trim().startsWith('Intervals'));
      return [...document.querySelectorAll('[data-testid="run-table"] tbody tr[data-run-id]')].reduce((n, row) => n + Number(row.children[column]?.textContent ?? 0), 0);
    });
  const before = await intervals();
  await expect.poll(intervals, { timeout: 60_000 }).toBeGreaterThan(before);

  // The running tab goes away; two tabs press "continue" at the same moment: only one runs it.
  await runner.close();
  const other = await studio(context, workspace);
  const attempts = await Promise.all(
    [watcher, other].map((page) =>
      page.evaluate(async (sid) => {
        try {
          await window.studioSession!.continueSweep(sid, { backend: 'cpu' });
          return 'continued';
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      }, id),
    ),
  );
  expect(attempts.filter((a) => a === 'continued')).toHaveLength(1);
  expect(attempts.find((a) => a !== 'continued')).toBe(`sweep ${id} is running in another tab or window; open it there`);
});

test('a newer tab upgrading the database makes the older tab let go and say so, without corrupting data', async ({ context }) => {
  const workspace = `tabs-upgrade-${Date.now()}`;
  const old = await studio(context, workspace);
  await old.evaluate(async () => {
    const od = window.overdrive;
    const live = await window.studioSession!.submit(
      'upgrade',
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({ q: od.choice(1, 2) }),
        primaryMetricName: 'm',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        train: (params, run) => run.log('m', Number(params['q'])),
      }),
      {},
    );
    await live.sweep.waitForCompletion();
    await window.studioSession!.workspace.store.flush();
  });
  const newer = await context.newPage();
  await newer.goto('/test/browser/pages/runtime.html');
  const upgraded = await newer.evaluate(async (name) => {
    const current = (await indexedDB.databases()).find((d) => d.name === name)?.version ?? 1;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, current + 1);
      request.onupgradeneeded = () => request.result.createObjectStore('from-a-newer-version');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = (store: string): Promise<unknown[]> =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const result = { version: db.version, sweeps: (await read('sweeps')).length, runs: (await read('runs')).length };
    db.close();
    return result;
  }, workspace);
  await expect(old.getByTestId('closed-banner')).toContainText('reload the page');
  expect(upgraded.sweeps).toBe(1);
  expect(upgraded.runs).toBe(2);
});
