import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';

// The backend report of a sweep (which backends exist, which was chosen and why) is kept on the
// sweep record: the page that runs the sweep shows it live, and it is the same after a reload
// and in a second tab, where no worker pool is at hand.

const SHOTS = join(process.env['OVERDRIVE_TEST_RESULTS'] ?? 'test-results', 'backend-report');

async function openStudio(page: Page, workspace: string, hash = '#/'): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}${hash}`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  return errors;
}

/** What the report says, part by part, to compare one page's with another's. */
async function reportParts(report: Locator): Promise<{
  requested: string;
  pool: string;
  calibration: string;
  chosen: string | null;
  figures: string[];
  runs: string;
}> {
  const calibration = report.locator('[data-part="calibration"]');
  return {
    requested: await report.locator('[data-part="requested"]').innerText(),
    pool: await report.locator('[data-part="pool"]').innerText(),
    calibration: await calibration.innerText(),
    chosen: await calibration.getAttribute('data-chosen'),
    figures: await report.locator('ul.calibration li').allInnerTexts(),
    runs: await report.locator('[data-part="runs"]').innerText(),
  };
}

test('the backend report of an auto sweep is shown live, after a reload and in a second tab', async ({
  page,
  context,
}, testInfo) => {
  testInfo.setTimeout(240_000);
  const workspace = `backend-report-${Date.now()}`;
  const errors = await openStudio(page, workspace);

  const builder = page.getByTestId('sweep-builder');
  await builder.getByLabel('Which built-in example').selectOption('spiral');
  await builder.getByTestId('use-example').click();
  await expect(builder.locator('[data-row]')).toHaveCount(6);
  await builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]').fill('20');
  await builder.getByLabel('max total runs (1–1000)').fill('2');
  await builder.getByLabel('max concurrent runs (1–100)').fill('2');
  await builder.getByLabel('TF.js backend in the workers').selectOption('auto');
  await builder.getByLabel('policy').selectOption('none');
  await page.getByTestId('start-sweep').click();
  await expect(page).toHaveURL(/#\/sweep\/HD_/);
  const sweepId = decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));

  // Live: the calibration arrives while the sweep runs, with a figure for every backend tried.
  const report = page.getByTestId('backend-report');
  await expect(report.locator('[data-part="requested"]')).toHaveText(/^Asked for: auto \(/);
  const calibration = report.locator('[data-part="calibration"]');
  await expect(calibration).toHaveCount(1, { timeout: 120_000 });
  const chosen = await calibration.getAttribute('data-chosen');
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(chosen);
  await expect(calibration).toContainText(`auto chose ${chosen} for `);
  await expect(calibration).toContainText('builtin:spiral');
  const figures = report.locator('ul.calibration li[data-backend]');
  await expect(figures).toHaveCount(4);
  // The chosen backend trained: its figure is a measurement, not an excuse.
  await expect(report.locator(`ul.calibration li[data-backend="${chosen}"]`)).toContainText(
    /ms per step after a \d+ ms warm-up/,
  );
  await expect(report.locator('[data-part="pool"]')).toContainText('Worker pool: 2 workers (asked for 2;');

  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 180_000 });
  // Every run reports the backend it trained on; with no fallback note, that is the chosen one.
  const backends = await page.evaluate(
    async (id) => (await window.studioSession!.workspace.store.listRuns(id)).map((r) => r.backend),
    sweepId,
  );
  expect(backends).toHaveLength(2);
  const notes = await report.locator('[data-part="notes"] li').allInnerTexts();
  if (notes.every((note) => !/run \d/.test(note))) expect(backends).toEqual([chosen, chosen]);
  await expect(report.locator('[data-part="runs"]')).toContainText(`${backends[0]} (`);
  const live = await reportParts(report);

  // Stored on the sweep record, which is what the other pages read.
  const stored = await page.evaluate(
    async (id) => (await window.studioSession!.workspace.store.getSweep(id))?.backendReport,
    sweepId,
  );
  expect(stored?.requested).toBe('auto');
  expect(stored?.calibrations.map((c) => c.chosen)).toEqual([chosen]);
  expect(stored?.calibrations[0]?.candidates).toHaveLength(4);

  // After a reload no pool exists in this page: the report comes from the store, the same.
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  await expect(report.locator('[data-part="calibration"]')).toHaveAttribute('data-chosen', chosen!);
  await expect(report).not.toContainText('No backend report was stored');
  expect(await reportParts(report)).toEqual(live);
  await report.scrollIntoViewIfNeeded();
  await report.screenshot({ path: `${SHOTS}/after-reload.png` });
  await page.screenshot({ path: `${SHOTS}/sweep-after-reload.png`, fullPage: true });

  // A second tab shows it too.
  const second = await context.newPage();
  const secondErrors = await openStudio(second, workspace, `#/sweep/${encodeURIComponent(sweepId)}`);
  const secondReport = second.getByTestId('backend-report');
  await expect(secondReport.locator('[data-part="calibration"]')).toHaveAttribute('data-chosen', chosen!);
  expect(await reportParts(secondReport)).toEqual(live);

  expect(errors).toEqual([]);
  expect(secondErrors).toEqual([]);
});

test('the store keeps a sweep’s backend report when the sweep record is written again without one', async ({
  page,
}) => {
  const workspace = `backend-report-store-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const result = await page.evaluate(async () => {
    const store = window.studioSession!.workspace.store;
    const sweep = {
      id: 'HD_report_store',
      workspace: 'w',
      experiment: 'e',
      status: 'Running' as const,
      config: {
        sampling: { kind: 'random' as const, space: {}, options: {} },
        primaryMetricName: 'acc',
        primaryMetricGoal: 'MAXIMIZE' as const,
        maxTotalRuns: 1,
        maxConcurrentRuns: 1,
        maxDurationMinutes: 10,
        policy: { kind: 'no-termination' as const, options: {} },
        trial: { kind: 'builtin' as const, name: 'spiral' },
      },
      concurrency: 1,
      warnings: [],
      createdAt: 1,
      startedAt: 1,
      endedAt: null,
      endReason: null,
      error: null,
    };
    const report = {
      requested: 'wasm' as const,
      pool: { requested: 1, size: 1, deviceLimit: 2, clampedBecause: null },
      calibrations: [],
      notes: [{ time: 2, runId: null, message: 'kept' }],
      updatedAt: 2,
    };
    // A report written in its own batch, then the record again in a later one (the orchestrator's
    // end-of-sweep write), then both in one batch in the other order.
    await store.putSweep(sweep);
    await store.flush();
    await store.putBackendReport(sweep.id, report);
    await store.flush();
    await store.putSweep({ ...sweep, status: 'Completed' as const, endedAt: 3 });
    await store.flush();
    const afterSeparate = await store.getSweep(sweep.id);
    await store.putBackendReport(sweep.id, { ...report, requested: 'cpu' as const });
    await store.putSweep({ ...sweep, status: 'Canceled' as const });
    await store.flush();
    const afterSameBatch = await store.getSweep(sweep.id);
    // A report for a sweep that is not stored (deleted meanwhile) brings nothing back.
    await store.deleteSweep(sweep.id);
    await store.putBackendReport(sweep.id, report);
    await store.flush();
    return { afterSeparate, afterSameBatch, afterDelete: (await store.getSweep(sweep.id)) ?? null };
  });
  expect(result.afterSeparate?.status).toBe('Completed');
  expect(result.afterSeparate?.backendReport?.notes).toEqual([{ time: 2, runId: null, message: 'kept' }]);
  expect(result.afterSameBatch?.status).toBe('Canceled');
  expect(result.afterSameBatch?.backendReport?.requested).toBe('cpu');
  expect(result.afterDelete).toBeNull();
  expect(errors).toEqual([]);
});
