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

test('a tab closed mid-sweep loses no flushed metric; another tab continues it within the exact budget', async ({
  context,
}) => {
  const workspace = `tabs-close-${Date.now()}`;
  const first = await studio(context, workspace);
  const id = await startSweep(first);
  await first.waitForFunction(
    (sid) => (window.studioSession?.liveSweep(sid)?.sweep.getChildren() ?? []).some((r) => r.intervals >= 2),
    id,
    { timeout: 120_000 },
  );
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

test('a second tab shows a running sweep live and read-only; two tabs cannot both continue one sweep', async ({
  context,
}) => {
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
      const column = [...document.querySelectorAll('[data-testid="run-table"] thead th')].findIndex((th) =>
        th.textContent?.trim().startsWith('Intervals'),
      );
      return [...document.querySelectorAll('[data-testid="run-table"] tbody tr[data-run-id]')].reduce(
        (n, row) => n + Number(row.children[column]?.textContent ?? 0),
        0,
      );
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
  expect(attempts.find((a) => a !== 'continued')).toBe(
    `sweep ${id} is running in another tab or window; open it there`,
  );
});

/** A harness page holding the newer version's workspace. */
type WithWorkspace = { ws: import('../../src/browser/index.js').BrowserWorkspace };

/** The URL of the scripted-curve training module, as the build serves it. */
async function scriptedTrialUrl(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  await page.goto('/test/browser/pages/tabs.html');
  await page.waitForFunction(() => window.tabsTrialUrl !== undefined);
  const url = await page.evaluate(() => window.tabsTrialUrl);
  await page.close();
  return url;
}

/** Starts a grid sweep of the scripted module: `intervals` reports per run, `delayMs` apart. */
async function startScripted(
  page: Page,
  url: string,
  runs: { readonly intervals: number; readonly delayMs: number; readonly concurrency: number },
): Promise<string> {
  return page.evaluate(
    async ({ url, runs }) => {
      const od = window.overdrive;
      const live = await window.studioSession!.submit(
        'upgrade',
        new od.HyperDriveConfig({
          hyperparameterSampling: new od.GridParameterSampling({
            quality: od.choice(0.9, 0.8, 0.7, 0.6),
            intervals: runs.intervals,
            delay_ms: runs.delayMs,
          }),
          primaryMetricName: 'accuracy',
          primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
          maxTotalRuns: 4,
          maxConcurrentRuns: runs.concurrency,
          trial: { kind: 'module', url },
        }),
        { backend: 'cpu' },
      );
      return live.sweep.id;
    },
    { url, runs },
  );
}

test('a newer tab upgrading the database makes the older tab let go and say so, without corrupting data', async ({
  context,
}) => {
  const workspace = `tabs-upgrade-${Date.now()}`;
  const url = await scriptedTrialUrl(context);
  const old = await studio(context, workspace);
  const id = await startScripted(old, url, { intervals: 2, delayMs: 0, concurrency: 2 });
  await old.evaluate(async (sid) => {
    await window.studioSession!.liveSweep(sid)!.sweep.waitForCompletion();
    await window.studioSession!.workspace.store.flush();
  }, id);
  const newer = await context.newPage();
  await newer.goto('/test/browser/pages/tabs.html');
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
  expect(upgraded.runs).toBe(4);
});

test('a database upgrade while the older tab runs a sweep: it lets go, nothing flushed is lost, and the newer tab continues the sweep', async ({
  context,
}) => {
  const workspace = `tabs-upgrade-running-${Date.now()}`;
  const url = await scriptedTrialUrl(context);
  const old = await studio(context, workspace);
  const oldErrors: string[] = [];
  old.on('pageerror', (error) => oldErrors.push(error.message));
  // One run at a time, 100 reports 50 ms apart: the upgrade lands with one run finished and the
  // next in the middle of its curve.
  const id = await startScripted(old, url, { intervals: 100, delayMs: 50, concurrency: 1 });
  await old.waitForFunction(
    (sid) => {
      const runs = window.studioSession?.liveSweep(sid)?.sweep.getChildren() ?? [];
      return runs.some((r) => r.status === 'Completed') && runs.some((r) => r.status === 'Running' && r.intervals >= 2);
    },
    id,
    { timeout: 120_000 },
  );
  const before = await old.evaluate(async (sid) => {
    const store = window.studioSession!.workspace.store;
    await store.flush();
    return { points: await store.listMetrics(sid), runs: await store.listRuns(sid) };
  }, id);
  const finished = before.runs.filter((r) => r.status === 'Completed');
  expect(finished.length).toBeGreaterThan(0);
  expect(before.runs.some((r) => r.status === 'Running')).toBe(true);

  // A newer version of the app opens the workspace, adding an object store: the old tab's
  // connection must close for the upgrade to go ahead.
  const newer = await context.newPage();
  const newerErrors: string[] = [];
  newer.on('pageerror', (error) => newerErrors.push(error.message));
  await newer.goto('/test/browser/pages/tabs.html');
  await newer.waitForFunction(() => window.tabs !== undefined);
  await newer.evaluate(async (name) => {
    const ws = await window.tabs.BrowserWorkspace.open({ name, schema: window.tabs.newerSchema });
    (window as unknown as WithWorkspace).ws = ws;
  }, workspace);

  // The old tab says to reload, and its sweep lets go: it stops training and frees its lock.
  await expect(old.getByTestId('closed-banner')).toContainText('reload the page');
  const oldEnd = await old.evaluate(async (sid) => {
    const sweep = window.studioSession!.liveSweep(sid)!.sweep;
    const record = await sweep.waitForCompletion();
    return {
      status: record.status,
      running: sweep.getChildren().filter((r) => r.status === 'Running' || r.status === 'Queued').length,
    };
  }, id);
  expect(oldEnd.status).not.toBe('Running');
  expect(oldEnd.running).toBe(0);

  // In the newer tab the sweep reads as interrupted (stored Running, nobody holding its lock).
  await expect
    .poll(() =>
      newer.evaluate(async () =>
        (await (window as unknown as WithWorkspace).ws.listInterruptedSweeps()).map((s) => s.id),
      ),
    )
    .toEqual([id]);
  const after = await newer.evaluate(async (sid) => {
    const ws = (window as unknown as WithWorkspace).ws;
    const database = (await indexedDB.databases()).find((d) => d.name === ws.name);
    const stored = { points: await ws.store.listMetrics(sid), runs: await ws.store.listRuns(sid) };
    const { sweep } = await ws.continueSweep(sid, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    await ws.store.flush();
    return {
      version: database?.version,
      stored,
      status: record.status,
      endReason: record.endReason,
      points: await ws.store.listMetrics(sid),
      runs: await ws.store.listRuns(sid),
    };
  }, id);

  // Upgraded, and intact: every point flushed before the upgrade is still there, in the newer
  // database, and the runs finished then are exactly as they were.
  expect(after.version).toBe(await newer.evaluate(() => window.tabs.newerSchema.length));
  const key = (p: MetricPoint): string => `${p.runId}|${p.attempt}|${p.name}|${p.step}|${p.value}`;
  const storedAtUpgrade = new Set(after.stored.points.map(key));
  expect(before.points.filter((p) => !storedAtUpgrade.has(key(p)))).toEqual([]);
  const kept = new Set(after.points.map(key));
  expect(before.points.filter((p) => !kept.has(key(p)))).toEqual([]);
  for (const run of finished) expect(after.runs.find((r) => r.id === run.id)).toEqual(run);
  // Continued within the exact budget: the interrupted run re-ran in place, nothing duplicated.
  expect(after.status).toBe('Completed');
  expect(after.endReason).toEqual({ kind: 'max-total-runs', runs: 4 });
  expect(after.runs.map((r) => r.id)).toEqual([0, 1, 2, 3].map((i) => `${id}_${i}`));
  expect(after.runs.every((r) => r.status === 'Completed' && r.intervals === 100)).toBe(true);
  // What the upgrade cut short is stored as unfinished (never as ended), and re-ran as its next attempt.
  const cut = after.stored.runs.filter((r) => r.status !== 'Completed');
  expect(cut.length).toBeGreaterThan(0);
  for (const run of cut) {
    expect(run.status).toBe('Running');
    expect(after.runs.find((r) => r.id === run.id)?.attempt).toBe(run.attempt + 1);
  }
  // The old tab's history list reloads once as its sweep ends and meets the closed store: it says
  // so on the page (the banner already says to reload), and nothing fails unhandled.
  expect(oldErrors).toEqual([]);
  expect(newerErrors).toEqual([]);
});
