import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { MetricPoint, RunRecord, SweepRecord } from '../../src/index.js';
import { SHOTS, openStudio } from './studio-fixtures.js';

// Steering a sweep from its page, for real: the built-in spiral MLP trains in the worker pool,
// checkpoints each epoch into IndexedDB, and the Studio's buttons drive the engine.

// Screenshots go to test-results, so a test run leaves the tree clean (or, with STEER_SHOTS set, to
// the folder given: docs/screenshots/steer for the README).
const STEER_SHOTS = process.env['STEER_SHOTS'] ?? join(SHOTS, 'steer');
const EPOCHS = 30;
const RATES = [0.05, 0.03, 0.02, 0.01];

/** Starts a spiral sweep (grid over four learning rates) from the page's session; returns its id. */
async function startSpiral(
  page: Page,
  options: { experiment: string; epochs: number; maxTotalRuns: number; maxConcurrentRuns: number; backend: string },
): Promise<string> {
  return page.evaluate(
    async ({ o, rates }) => {
      const od = window.overdrive;
      const config = new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({
          learning_rate: od.choice(...rates),
          hidden_units: 8,
          epochs: o.epochs,
          checkpoint_interval: 0,
        }),
        primaryMetricName: 'val_accuracy',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: o.maxTotalRuns,
        maxConcurrentRuns: o.maxConcurrentRuns,
        trial: { kind: 'builtin', name: 'spiral' },
      });
      const backend = o.backend as 'cpu' | 'wasm';
      return (await window.studioSession!.submit(o.experiment, config, { backend })).sweep.id;
    },
    { o: options, rates: RATES },
  );
}

interface Stored {
  sweep: SweepRecord | undefined;
  runs: RunRecord[];
  points: MetricPoint[];
}

async function stored(page: Page, id: string): Promise<Stored> {
  return page.evaluate(async (sid) => {
    const store = window.studioSession!.workspace.store;
    await store.flush();
    return { sweep: await store.getSweep(sid), runs: await store.listRuns(sid), points: await store.listMetrics(sid) };
  }, id);
}

const runningRows = (page: Page) => page.getByTestId('run-table').locator('tbody tr[data-status="Running"]');

test('live concurrency change, pause now → reload → resume loses nothing, and notes render as text', async ({
  page,
}) => {
  const workspace = `steer-pause-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await startSpiral(page, {
    experiment: 'steer',
    epochs: EPOCHS,
    maxTotalRuns: 4,
    maxConcurrentRuns: 1,
    backend: 'cpu',
  });
  await page.evaluate((sid) => (location.hash = `#/sweep/${encodeURIComponent(sid)}`), id);
  await expect(page.getByTestId('steer')).toBeVisible();
  await expect(runningRows(page)).toHaveCount(1);

  // A bad value is refused with HyperDriveConfig's own message.
  await page.getByTestId('steer-concurrency').fill('0');
  await page.getByTestId('steer-apply').click();
  const configMessage = await page.evaluate(() => {
    try {
      window.overdrive.expectLimitsChange({ maxConcurrentRuns: 0 });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  });
  expect(configMessage).toMatch(/maxConcurrentRuns/);
  await expect(page.getByTestId('steer-message')).toHaveText(configMessage);

  // Raised while it runs: the pool grows and a second run starts at once.
  await page.getByTestId('steer-concurrency').fill('2');
  await page.getByTestId('steer-apply').click();
  await expect(page.getByTestId('steer-message')).toContainText('2 run(s) at once');
  await expect(runningRows(page)).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('sweep-status').locator('..')).toContainText('Concurrency 2');

  // Pause now once both have checkpointed at least once.
  await page.waitForFunction(
    (sid) =>
      window
        .studioSession!.liveSweep(sid)
        ?.sweep.getChildren()
        .filter((r) => r.status === 'Running' && (r.checkpoint?.sequence ?? 0) >= 2).length === 2,
    id,
    { timeout: 120_000 },
  );
  await page.getByTestId('pause-now').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Paused', { timeout: 60_000 });
  const paused = await stored(page, id);
  expect(paused.sweep?.status).toBe('Running');
  expect(paused.sweep?.paused?.mode).toBe('stop-now');
  const before = paused.runs.length;
  expect(before).toBeGreaterThanOrEqual(2);
  expect(before).toBeLessThan(4);
  // The stopped runs wait to re-run; none is counted as finished or canceled.
  expect(paused.runs.filter((r) => r.status === 'Queued').length).toBeGreaterThanOrEqual(1);
  expect(paused.runs.some((r) => r.status === 'Canceled')).toBe(false);

  // A reload shows Paused; Resume continues it with nothing lost.
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  await expect(page.getByTestId('sweep-status')).toHaveText('Paused');
  await expect(page.getByTestId('paused-note')).toContainText('Nothing is lost');
  // At 360 px the whole paused sweep page fits: no element (a chart still laid out for the wider
  // window, the run table, the steering panel) widens the page, even before the charts re-lay out
  // (measured at once: their ResizeObserver redraws come a frame or more later).
  await page.setViewportSize({ width: 360, height: 780 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'sweep page at 360 px').toBeLessThanOrEqual(
    360,
  );
  await page.getByTestId('steer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${STEER_SHOTS}/sweep-paused-360.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'after the screenshot').toBeLessThanOrEqual(
    360,
  );
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('resume-sweep').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 170_000 });

  const done = await stored(page, id);
  expect(done.sweep?.status).toBe('Completed');
  expect(done.sweep?.paused).toBeUndefined();
  expect(done.sweep?.config.maxConcurrentRuns).toBe(2);
  // The budget exactly: four runs, four distinct configurations, none lost or duplicated.
  expect(done.runs.map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
  expect(new Set(done.runs.map((r) => r.id)).size).toBe(4);
  expect(done.runs.map((r) => r.params['learning_rate']).sort()).toEqual([...RATES].sort());
  expect(done.runs.every((r) => r.status === 'Completed' && r.intervals === EPOCHS)).toBe(true);
  // Metrics intact: each run's last attempt holds every epoch once, in order.
  for (const run of done.runs) {
    const steps = done.points
      .filter((p) => p.runId === run.id && p.attempt === run.attempt && p.name === 'val_accuracy')
      .map((p) => p.step);
    expect(steps, run.id).toEqual([...Array(EPOCHS).keys()]);
  }
  const resumed = done.runs.filter((r) => r.attempt === 2);
  expect(resumed.length).toBeGreaterThanOrEqual(1);
  for (const run of resumed) expect(run.resumedFrom?.runId).toBe(run.id);

  // Notes: a hostile payload is stored and shown as text, here and in the Sweeps list.
  const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> why: test <b>pause</b>';
  await page.getByTestId('sweep-note').fill(payload);
  await page.getByTestId('save-sweep-note').click();
  await expect(page.getByTestId('steer-message')).toHaveText('Note saved.');
  await page.getByTestId('run-table').getByRole('checkbox', { name: 'Select run 1' }).check();
  await page.getByTestId('run-note').fill('lr 0.05 <i>overshoots</i>');
  await page.getByTestId('save-run-note').click();
  await expect(page.getByTestId('run-notes')).toContainText('Run #1: lr 0.05 <i>overshoots</i>');
  await page.getByTestId('sweep-note').fill('x'.repeat(2001));
  await page.getByTestId('save-sweep-note').click();
  await expect(page.getByTestId('steer-message')).toHaveText(/note: must be at most 2000 characters \(got 2001\)/);
  const noted = await stored(page, id);
  expect(noted.sweep?.note).toBe(payload);
  expect(noted.runs.find((r) => r.index === 0)?.note).toBe('lr 0.05 <i>overshoots</i>');
  const exported = await page.evaluate(
    async (sid) => (await window.studioSession!.workspace.exportSweep(sid, 'json')).text,
    id,
  );
  expect(JSON.parse(exported).sweep.note).toBe(payload);
  await page.evaluate(() => (location.hash = '#/history'));
  await expect(page.getByTestId('sweep-note')).toHaveText(payload);
  const injected = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"]').length,
    bold: [...document.querySelectorAll('b, i')].filter((b) => /pause|overshoots/.test(b.textContent ?? '')).length,
    pwned: (window as { __pwned?: number }).__pwned ?? 0,
  }));
  expect(injected).toEqual({ img: 0, bold: 0, pwned: 0 });
  expect(errors).toEqual([]);
});

test('continue a finished sweep with more runs, warm start and resume runs from the builder, screenshots', async ({
  page,
}) => {
  const workspace = `steer-more-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await startSpiral(page, {
    experiment: 'more',
    epochs: 3,
    maxTotalRuns: 2,
    maxConcurrentRuns: 2,
    backend: 'wasm',
  });
  await page.evaluate((sid) => (location.hash = `#/sweep/${encodeURIComponent(sid)}`), id);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 120_000 });
  await expect(page.getByTestId('more-runs-hint')).toContainText('Keeps its 2 runs');

  // Continue with more runs: the grid goes on at its position (the third and fourth rates).
  await page.getByTestId('more-runs-total').fill('4');
  await page.getByTestId('more-runs').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-table').locator('tbody tr[data-run-id]')).toHaveCount(4);
  const more = await stored(page, id);
  expect(more.sweep?.config.maxTotalRuns).toBe(4);
  expect(more.runs.sort((a, b) => a.index - b.index).map((r) => r.params['learning_rate'])).toEqual(RATES);
  expect(more.sweep?.warnings.join(' ')).toMatch(/continued with more runs: maxTotalRuns 2 → 4, 2 run\(s\) kept/);
  // The grid has nothing more: the engine's message, shown as is.
  await page.getByTestId('more-runs-total').fill('6');
  await page.getByTestId('more-runs').click();
  await expect(page.getByTestId('steer-message')).toContainText(
    "maxTotalRuns: cannot add runs: the grid's 4 configurations have all run, so the search space is exhausted",
  );

  // Notes for the screenshots.
  await page
    .getByTestId('sweep-note')
    .fill('Baseline grid over the learning rate; 0.02 looks best, try a finer grid next.');
  await page.getByTestId('save-sweep-note').click();
  await expect(page.getByTestId('steer-message')).toHaveText('Note saved.');
  const checkbox = page.getByTestId('run-table').getByRole('checkbox', { name: 'Select run 3' });
  await checkbox.check();
  await page.getByTestId('run-note').fill('Best run: resume it for more epochs.');
  await page.getByTestId('save-run-note').click();
  await expect(page.getByTestId('run-notes')).toContainText('Run #3');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      // The steering panel fits the width (what the rest of the sweep page does is not its business).
      const fit = await page.getByTestId('steer').evaluate((el) => ({
        inside: el.getBoundingClientRect().right <= document.documentElement.clientWidth,
        overflow: el.scrollWidth - el.clientWidth,
      }));
      expect(fit, `${scheme} ${width}px`).toEqual({ inside: true, overflow: 0 });
      await page.getByTestId('steer').screenshot({ path: `${STEER_SHOTS}/sweep-steer-${scheme}-${width}.png` });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // Resume the selected run: the builder opens with it in "Start from earlier results".
  await page.getByTestId('resume-runs').click();
  await expect(page.getByTestId('resume-runs-list')).toContainText(`${id}_2`);
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  const resumedId = decodeURIComponent(page.url().split('#/sweep/')[1] ?? '');
  expect(resumedId).not.toBe(id);
  await expect(page.getByTestId('sweep-status')).toHaveText(/Running|Completed/);
  const child = await stored(page, resumedId);
  expect(child.sweep?.config.resumeChildRuns).toEqual([{ sweepId: id, runId: `${id}_2` }]);

  // Warm start from the first sweep: it is listed; a running sweep added too is refused with the
  // code path's message.
  await page.evaluate((sid) => (location.hash = `#/sweep/${encodeURIComponent(sid)}`), id);
  await page.getByTestId('warm-start').click();
  await expect(page.getByTestId('resume-from-list')).toContainText(id);
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  const running = await startSpiral(page, {
    experiment: 'long',
    epochs: 2000,
    maxTotalRuns: 1,
    maxConcurrentRuns: 1,
    backend: 'wasm',
  });
  // Stored before the reload (the store's write buffer flushes on a timer, which a loaded machine
  // may not reach before the reload): otherwise the picker below never lists it.
  expect((await stored(page, running)).sweep?.status).toBe('Running');
  // The picker lists the sweeps stored when the page opened: reopen it to see the new one.
  await page.evaluate((sid) => (location.hash = `#/start-from?sweep=${encodeURIComponent(sid)}`), id);
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  // A reload interrupted the long sweep: it is stored Running, which warm start refuses.
  await page.getByTestId('warm-start-pick').selectOption(running);
  await page.getByTestId('warm-start-add').click();
  await expect(page.getByTestId('resume-from-list')).toContainText(running);
  const codeMessage = await page.evaluate(async (rid) => {
    const od = window.overdrive;
    const prior = await window.studioSession!.workspace.loadPriorSweep(rid);
    try {
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({ learning_rate: od.choice(0.1) }),
        primaryMetricName: 'val_accuracy',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1,
        trial: { kind: 'builtin', name: 'spiral' },
        resumeFrom: [prior],
      });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  }, running);
  expect(codeMessage).toMatch(/must be Completed or Canceled to warm-start from sweep/);
  await expect(page.getByTestId('builder-error')).toHaveText(codeMessage.replace('resumeFrom[0]', 'resumeFrom[1]'));
  await expect(page.getByTestId('start-sweep')).toBeDisabled();
  // The message also stands in the section, beside the list it concerns.
  await expect(page.getByTestId('start-from').locator('[data-error-for]')).toContainText(
    'must be Completed or Canceled to warm-start',
  );
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      await page
        .getByTestId('start-from')
        .screenshot({ path: `${STEER_SHOTS}/builder-start-from-${scheme}-${width}.png` });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: `Remove warm start ${running}` }).click();
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  const warmId = decodeURIComponent(page.url().split('#/sweep/')[1] ?? '');
  const warm = await stored(page, warmId);
  expect(warm.sweep?.config.resumeFrom).toEqual([id]);
  expect(errors).toEqual([]);
});
