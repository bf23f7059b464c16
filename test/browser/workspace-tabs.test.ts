import { expect, test, type BrowserContext, type Page } from '@playwright/test';

// The address and the tabs around a workspace: a name the app cannot use is refused at the URL
// before any database exists, and a tab watching another tab's sweep notices when that tab
// goes away (its Web Lock is released) and offers to continue, without a reload.

async function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').sort());
}

test('?workspace= names that are reserved, empty, blank, too long or hold control characters are refused, and create nothing', async ({
  page,
}) => {
  const cases: readonly (readonly [string, string])[] = [
    ['tensorflowjs', 'must not be "tensorflowjs": that is the database TensorFlow.js saves models in'],
    ['', 'must name a workspace: it is empty or blank'],
    ['   ', 'must name a workspace: it is empty or blank'],
    ['x'.repeat(256), 'must be at most 100 characters long (it has 256)'],
    ['two\nlines', 'must not contain control characters'],
  ];
  await page.goto('/favicon.svg');
  const before = await databases(page);
  for (const [name, rule] of cases) {
    await page.goto(`/?workspace=${encodeURIComponent(name)}#/history`);
    const alert = page.getByTestId('workspace-error');
    await expect(alert).toContainText(`?workspace=: ${rule}`);
    await expect(alert).toContainText(`(got ${JSON.stringify(name)})`);
    await expect(page.getByTestId('history')).toHaveCount(0);
    expect(await page.evaluate(() => window.studioSession)).toBeUndefined();
  }
  expect(await databases(page)).toEqual(before);
  // An ordinary name opens its workspace, which is then a database of that name.
  await page.goto('/?workspace=my%20sweeps#/history');
  await page.waitForFunction(() => window.studioSession !== undefined);
  expect(await databases(page)).toContain('my sweeps');
});

async function studio(context: BrowserContext, workspace: string, hash: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}${hash}`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  return page;
}

test('closing the tab that runs a sweep: another tab offers Continue within a few seconds, without a reload', async ({
  context,
}) => {
  const workspace = `tabs-release-${Date.now()}`;
  const runner = await studio(context, workspace, '#/history');
  const id = await runner.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.01, 0.02),
        hidden_units: 8,
        epochs: 200,
        checkpoint_interval: 0,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 1,
      trial: { kind: 'builtin', name: 'spiral' },
    });
    const live = await window.studioSession!.submit('tabs', config, { backend: 'cpu' });
    return live.sweep.id;
  });
  const watcher = await studio(context, workspace, `#/sweep/${encodeURIComponent(id)}`);
  await expect(watcher.getByTestId('read-only')).toBeVisible();
  await expect(watcher.getByTestId('continue-sweep')).toHaveCount(0);

  await runner.close();
  const closedAt = Date.now();
  await expect(watcher.getByTestId('continue-sweep')).toBeVisible({ timeout: 5_000 });
  const noticedMs = Date.now() - closedAt;
  await expect(watcher.getByTestId('read-only')).toHaveCount(0);
  await expect(watcher.getByTestId('sweep-status')).toHaveText('Interrupted');
  console.log(`the watching tab offered Continue ${noticedMs} ms after the running tab closed`);
  // And Continue works from there: this tab now runs the sweep.
  await watcher.getByTestId('continue-sweep').click();
  await expect(watcher.getByTestId('cancel-sweep')).toBeVisible();
  await watcher.getByTestId('cancel-sweep').click();
  await expect(watcher.getByTestId('sweep-status')).toHaveText('Canceled', { timeout: 60_000 });
});
