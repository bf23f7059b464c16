import { expect, test, type Page } from '@playwright/test';

// The <overdrive-run-details> element: a chart that finishes loading after the element was
// taken out of the page is disposed, not left running; its run table names every run by id.

async function storedSweep(page: Page, workspace: string): Promise<string> {
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  return page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.03, 0.1),
        hidden_units: 8,
        epochs: 5,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'spiral' },
    });
    const live = await window.studioSession!.submit('run-details', config, { backend: 'wasm' });
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  });
}

test('a chart that arrives after the element was detached is disposed; attached again, it shows one', async ({
  page,
  context,
}) => {
  const workspace = `run-details-${Date.now()}`;
  const sweepId = await storedSweep(page, workspace);

  const embed = await context.newPage();
  const errors: string[] = [];
  embed.on('pageerror', (error) => errors.push(error.message));
  // Hold the metric chart's code back, so that the element is detached while creating it.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let requested!: () => void;
  const chartRequested = new Promise<void>((resolve) => (requested = resolve));
  await embed.route(/\/metric-chart-[^/]*\.js$/, async (route) => {
    requested();
    await released;
    await route.continue();
  });
  await embed.goto(
    `/src/studio/run-details/embed.html?sweep=${encodeURIComponent(sweepId)}&workspace=${encodeURIComponent(workspace)}`,
  );
  await chartRequested;
  await expect(embed.locator('#details [data-chart-loading="metric"]')).toHaveCount(1);
  await embed.evaluate(() => {
    const element = document.getElementById('details')!;
    Object.assign(window, { heldDetails: element });
    element.remove();
  });
  release();

  // The chart's code arrived (its loading note is gone) after the element left the page.
  await embed.waitForFunction(() => {
    const root = (window as unknown as { heldDetails: HTMLElement }).heldDetails.shadowRoot!;
    return root.querySelector('[data-chart-loading]') === null;
  });
  const leftOver = await embed.evaluate(() => {
    const root = (window as unknown as { heldDetails: HTMLElement }).heldDetails.shadowRoot!;
    return root.querySelectorAll('[data-testid="metric-chart"]').length;
  });
  expect(leftOver).toBe(0);

  // Back in the page, it loads again and shows exactly one chart.
  await embed.evaluate(() => document.body.append((window as unknown as { heldDetails: HTMLElement }).heldDetails));
  const details = embed.locator('#details');
  await expect(details.getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
  await expect(details.getByTestId('metric-chart')).toHaveCount(1);

  // The run table names each run by its id, beside its number, and sorts by it.
  const rows = details.getByTestId('run-table').locator('tbody tr[data-run-id]');
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    const id = await row.getAttribute('data-run-id');
    await expect(row.locator('td.run-id')).toHaveText(id!);
  }
  await expect(details.getByTestId('run-table').locator('thead th')).toContainText(['', 'Run', 'Run id', 'Status']);
  const sortById = details.getByTestId('run-table').getByRole('button', { name: 'Run id', exact: true });
  await sortById.click();
  await sortById.click();
  await expect(rows.first().locator('td.run-id')).toHaveText(`${sweepId}_1`);
  await expect(rows.nth(1).locator('td.run-id')).toHaveText(`${sweepId}_0`);
  expect(errors).toEqual([]);
});
