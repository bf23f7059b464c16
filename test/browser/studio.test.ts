import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { SHOTS, openStudio, tabTo } from './studio-fixtures.js';

// The Studio as a person uses it, in real Chromium: build a sweep with the form, watch it train
// real TF.js models in workers, cancel a run, reload, export and import it again. Screenshots
// of every page go to test-results/studio/ for a human look.

/** Fills the builder from the spiral example and shapes a small, quick sweep. */
async function buildSpiralSweep(page: Page, options: { epochs: number; runs: number }): Promise<void> {
  const builder = page.getByTestId('sweep-builder');
  await builder.getByLabel('Which built-in example').selectOption('spiral');
  await builder.getByTestId('use-example').click();
  const rows = builder.locator('[data-row]');
  await expect(rows).toHaveCount(6);
  const epochs = builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]');
  await epochs.fill(String(options.epochs));
  // A real edit through the form: widen the learning-rate grid by one value.
  const rates = builder.locator('[data-row][data-param="learning_rate"] [data-subfield="values"]');
  await rates.fill('0.03, 0.1, 0.3');
  await builder.getByLabel('max total runs (1–1000)').fill(String(options.runs));
  await builder.getByLabel('max concurrent runs (1–100)').fill('2');
  await builder.getByLabel('TF.js backend in the workers').selectOption('wasm');
  await builder.getByLabel('policy').selectOption('none');
}

test('build a sweep with the form, watch it train, cancel a run, reload, export and re-import it', async ({
  page,
}, testInfo) => {
  testInfo.setTimeout(300_000);
  const workspace = `studio-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const builder = page.getByTestId('sweep-builder');
  await expect(builder).toBeVisible();
  await expect(page.getByTestId('backend-report')).toContainText('wasm: available');

  // Live validation: a broken row says what is wrong, in the parser's words, and blocks start.
  await buildSpiralSweep(page, { epochs: 400, runs: 4 });
  const rates = builder.locator('[data-row][data-param="learning_rate"] [data-subfield="values"]');
  await rates.fill('');
  await expect(builder.locator('[data-row][data-param="learning_rate"] [data-row-error]')).toContainText(
    'search_space.learning_rate.values',
  );
  await expect(page.getByTestId('start-sweep')).toBeDisabled();
  await rates.fill('0.03, 0.1, 0.3');
  await expect(page.getByTestId('builder-error')).toHaveCount(0);
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  await page.screenshot({ path: `${SHOTS}/builder.png`, fullPage: true });

  await page.getByTestId('start-sweep').click();
  await expect(page).toHaveURL(/#\/sweep\/HD_/);
  const sweepId = decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));
  await expect(page.getByTestId('sweep-status')).toHaveText('Running', { timeout: 30_000 });

  // The table and charts follow the sweep as metrics stream in.
  const table = page.getByTestId('run-table');
  await expect(table.locator('tbody tr[data-status="Running"]')).toHaveCount(2, { timeout: 60_000 });
  for (const id of ['metric-chart', 'parallel-coordinates', 'scatter-2d', 'scatter-3d', 'best-so-far']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  // What the page shows, not the engine's state: the table's Intervals cells and the version of
  // the data the metric chart last drew.
  const intervals = (): Promise<number> =>
    page.evaluate(() => {
      const column = [...document.querySelectorAll('[data-testid="run-table"] thead th')].findIndex((th) =>
        th.textContent?.trim().startsWith('Intervals'),
      );
      if (column < 0) throw new Error('the run table has no Intervals column');
      return [...document.querySelectorAll('[data-testid="run-table"] tbody tr[data-run-id]')].reduce(
        (n, row) => n + Number(row.children[column]?.textContent ?? 0),
        0,
      );
    });
  const chartVersion = async (): Promise<number> =>
    Number((await page.getByTestId('metric-chart').getAttribute('data-version')) ?? -1);
  const before = await intervals();
  const drawnBefore = await chartVersion();
  await expect.poll(intervals, { timeout: 60_000 }).toBeGreaterThan(before + 2);
  await expect
    .poll(chartVersion, { timeout: 60_000, message: 'the metric chart redraws newer data' })
    .toBeGreaterThan(drawnBefore);
  await expect(page.getByTestId('sweep-status')).toHaveText('Running');
  await expect(page.getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/sweep-live.png`, fullPage: true });

  // Cancel one running run from its row.
  const running = table.locator('tbody tr[data-status="Running"]').first();
  const runId = await running.getAttribute('data-run-id');
  await running.getByRole('button', { name: /Cancel run/ }).click();
  await expect(table.locator(`tbody tr[data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'Canceled', {
    timeout: 30_000,
  });
  await expect(table.locator(`tbody tr[data-run-id="${runId}"] td.reason`)).toHaveText('the run was canceled');

  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 240_000 });
  await expect(page.getByTestId('end-reason')).toContainText('all 4 runs of the budget');
  await expect(page.getByTestId('best-run')).toContainText('best val_accuracy');

  // Sorting and the status filter work on the table.
  await table.getByRole('button', { name: /best val_accuracy/ }).click();
  const firstStatus = await table.locator('tbody tr[data-run-id]').first().getAttribute('data-status');
  expect(firstStatus).toBe('Completed');
  await table.getByRole('button', { name: /^Canceled/ }).click();
  await expect(table.locator('tbody tr[data-status="Canceled"]')).toHaveCount(0);
  await table.getByRole('button', { name: /^Canceled/ }).click();

  // Selecting runs compares them and highlights them in the charts.
  const boxes = table.locator('tbody tr[data-run-id] input[type="checkbox"]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await expect(page.getByTestId('compare')).toContainText('Comparing 2 selected runs');
  await page.screenshot({ path: `${SHOTS}/sweep-done.png`, fullPage: true });

  // After a reload, the stored sweep opens again with its table and charts.
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  await expect(table.locator('tbody tr[data-run-id]')).toHaveCount(4);
  await expect(table.locator(`tbody tr[data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'Canceled');
  await expect(page.getByTestId('parallel-coordinates').locator('canvas').first()).toBeVisible();

  // Export as JSON and CSV, then import the JSON into the same workspace as a new sweep.
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const jsonPath = await json.path();
  const exported = JSON.parse(await readFile(jsonPath, 'utf8')) as { format: string; runs: unknown[] };
  expect(exported.format).toBe('overdrive-sweep');
  expect(exported.runs).toHaveLength(4);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export runs CSV' }).click(),
  ]);
  const csvText = await readFile(await csv.path(), 'utf8');
  expect(csvText.split(/\r?\n/)[0]).toMatch(/^run,run_id,status,/);
  expect(csvText.trim().split(/\r?\n/)).toHaveLength(5);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps', exact: true }).click();
  await expect(page.getByTestId('history')).toContainText(sweepId);
  await page.getByTestId('import-sweep').setInputFiles(jsonPath);
  await expect(page).toHaveURL(/#\/sweep\//);
  const importedId = decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));
  expect(importedId).not.toBe(sweepId);
  await expect(page.getByTestId('run-table').locator('tbody tr[data-run-id]')).toHaveCount(4);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');

  // History lists both; deleting asks first.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps', exact: true }).click();
  await expect(page.getByTestId('history').locator('tr[data-sweep-id]')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/history.png`, fullPage: true });
  await page.locator(`tr[data-sweep-id="${importedId}"] [data-action="delete-sweep"]`).click();
  await expect(page.getByRole('dialog', { name: 'Delete this sweep?' })).toBeVisible();
  await page.getByRole('dialog', { name: 'Delete this sweep?' }).getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByTestId('history').locator('tr[data-sweep-id]')).toHaveCount(2);
  await page.locator(`tr[data-sweep-id="${importedId}"] [data-action="delete-sweep"]`).click();
  await page.locator('[data-action="confirm-delete"]').click();
  await expect(page.getByTestId('history').locator('tr[data-sweep-id]')).toHaveCount(1);
  expect(errors).toEqual([]);
});

// Training code runs only in workers, as an ES module (here a blob: URL made in the page).
const XSS_TRIAL = `
export default async function train(params, run) {
  if (String(params['<img src=x onerror=alert(1)>']).includes('svg')) throw new Error('<img src=y onerror=alert(4)> failed');
  run.log('acc<script>alert(3)</script>', 0.5);
  run.log('<iframe src=javascript:alert(5)>', 1);
}`;

test('every user string renders as text: an HTML parameter name, values, metric name and error', async ({ page }) => {
  const workspace = `studio-xss-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await page.evaluate(async (source) => {
    const od = window.overdrive;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        '<img src=x onerror=alert(1)>': od.choice('<b>bold</b>', '"><svg onload=alert(2)>'),
      }),
      primaryMetricName: 'acc<script>alert(3)</script>',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      trial: { kind: 'module', url },
    });
    const live = await window.studioSession!.submit('<h1>xss</h1>', config, { backend: 'cpu' });
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  }, XSS_TRIAL);
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/sweep/${encodeURIComponent(id)}`);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  const table = page.getByTestId('run-table');
  await expect(table).toContainText('<img src=x onerror=alert(1)>');
  await expect(table).toContainText('<b>bold</b>');
  await expect(table).toContainText('<img src=y onerror=alert(4)> failed');
  await expect(page.getByTestId('best-run')).toContainText('acc<script>alert(3)</script>');
  await expect(page.locator('h2')).toContainText('<h1>xss</h1>');
  await expect(page.getByTestId('parallel-coordinates').locator('canvas').first()).toBeVisible();
  // Hover a point so chart tooltips (HTML in ECharts by default) render the hostile strings too.
  // One parameter: the scatter plots show their empty state, the curves and axes still draw.
  await expect(page.getByTestId('scatter-2d')).toContainText('needs at least two hyperparameters');
  const box = await page.getByTestId('metric-chart').locator('canvas').first().boundingBox();
  if (box !== null) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(500);
  const injected = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"], img[src="y"]').length,
    svg: document.querySelectorAll('svg[onload]').length,
    script: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('alert')).length,
    iframe: document.querySelectorAll('iframe').length,
    bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
    h1: [...document.querySelectorAll('h1')].filter((h) => h.textContent === 'xss').length,
  }));
  expect(injected).toEqual({ img: 0, svg: 0, script: 0, iframe: 0, bold: 0, h1: 0 });
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/history`);
  await expect(page.getByTestId('history')).toContainText('<h1>xss</h1>');
  expect(await page.locator('h1').count()).toBe(0);
  expect(errors).toEqual([]);
});

test('the demo starts at once on a fresh page, shows its backend report, and can be canceled', async ({ page }) => {
  const errors = await openStudio(page, `studio-demo-${Date.now()}`, '#/demo');
  await expect(page).toHaveURL(/#\/sweep\/HD_/, { timeout: 30_000 });
  await expect(page.getByTestId('sweep-status')).toHaveText('Running');
  await expect(page.getByTestId('backend-report')).toContainText('Worker pool');
  await page.getByTestId('cancel-sweep').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Canceled', { timeout: 60_000 });
  await expect(page.getByTestId('end-reason')).toContainText('canceled');
  expect(errors).toEqual([]);
});

test('a share link opens the builder with the same sweep', async ({ page }) => {
  const errors = await openStudio(page, `studio-share-${Date.now()}`);
  const builder = page.getByTestId('sweep-builder');
  await buildSpiralSweep(page, { epochs: 7, runs: 3 });
  await page.locator('.spec-panel summary').click();
  await page.locator('[data-action="share-link"]').click();
  // The link is written in the spec worker: wait for it rather than read the box at once.
  await expect(page.getByTestId('share-link')).toHaveValue(/#sweep=/);
  const link = await page.getByTestId('share-link').inputValue();
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('shared-sweep')).toContainText('spiral');
  await expect(builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]')).toHaveValue('7');
  await expect(builder.getByLabel('max total runs (1–1000)')).toHaveValue('3');
  await expect(builder.locator('[data-row][data-param="learning_rate"] [data-subfield="values"]')).toHaveValue(
    '0.03, 0.1, 0.3',
  );
  // A tampered link is refused with a reason, and the builder still opens.
  await page.goto(`${link.slice(0, -12)}AAAA`);
  await expect(page.getByTestId('shared-sweep')).toContainText('cannot be opened');
  expect(errors).toEqual([]);
});

test('readable from 360 px to wide screens, in light and dark', async ({ page }) => {
  const errors = await openStudio(page, `studio-layout-${Date.now()}`);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [360, 768, 1600]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${scheme} ${width}px overflows horizontally`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/builder-${scheme}-${width}.png`, fullPage: true });
    }
    const colours = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return { fg: s.color, bg: getComputedStyle(document.documentElement).backgroundColor };
    });
    expect(colours.fg).not.toBe(colours.bg);
  }
  // Keyboard: the skip link and the builder's controls are reachable with Tab.
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip-link')).toBeFocused();
  expect(errors).toEqual([]);
});

/** A small spec as a person would paste it: three runs of the spiral example. */
function pastedSpec(metric: string): string {
  return JSON.stringify({
    trial: 'spiral',
    search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
    sampling_algorithm: 'random',
    objective: { primary_metric: metric, goal: 'maximize' },
    limits: { max_total_trials: 3 },
  });
}

test('text pasted into the spec box stays there until it is applied, even when a check of the form finishes first', async ({
  page,
}) => {
  await openStudio(page, `studio-paste-${Date.now()}`);
  await page.locator('.spec-panel summary').click();
  const text = page.getByTestId('spec-json');
  const pasted = pastedSpec('val_accuracy');
  await text.fill(pasted);
  // An edit in the form runs a check; when it ends the box used to be given the form's spec.
  await page.locator('[data-field="limits.max_total_trials"]').fill('7');
  await expect(page.locator('#builder-summary')).toContainText('up to 7 runs');
  await page.waitForTimeout(300);
  await expect(text).toHaveValue(pasted);
  // Applied, the form takes it.
  await page.getByTestId('apply-spec').click();
  await expect(page.locator('#builder-summary')).toContainText('up to 3 runs');
});

test('select all and paste in the spec box replaces its text, even when the box is focused before its panel finished opening', async ({
  page,
}) => {
  await openStudio(page, `studio-select-${Date.now()}`);
  const pasted = pastedSpec('score');
  // A click on the panel's summary fills the box at once, not a task later (when 'toggle' comes).
  const filledByClick = await page.evaluate(() => {
    const summary = document.querySelector<HTMLElement>('details.spec-panel > summary');
    const box = document.querySelector<HTMLTextAreaElement>('[data-testid="spec-json"]');
    if (summary === null || box === null) throw new Error('the spec panel is missing');
    summary.click();
    const length = box.value.length;
    summary.click();
    return length;
  });
  expect(filledByClick).toBeGreaterThan(0);
  // Opened without that click and, in the same task, the empty box selected and focused: what a
  // fast "select all, paste" does before 'toggle' has filled the box. Focus fills it; the
  // selection must then cover the new text, or the paste lands after the form's spec.
  await page.evaluate(() => {
    const details = document.querySelector<HTMLDetailsElement>('details.spec-panel');
    const box = document.querySelector<HTMLTextAreaElement>('[data-testid="spec-json"]');
    if (details === null || box === null) throw new Error('the spec panel is missing');
    details.open = true;
    box.select();
    box.focus();
  });
  await page.keyboard.insertText(pasted);
  await expect(page.getByTestId('spec-json')).toHaveValue(pasted);
  await page.getByTestId('apply-spec').click();
  await expect(page.locator('#builder-summary')).toContainText('up to 3 runs');
  await expect(page.locator('fieldset.objective input').first()).toHaveValue('score');
});

test('malformed specs pasted into the builder are refused with the field, the rule and the value, and nothing is stored', async ({
  page,
}) => {
  const workspace = `studio-bad-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const valid = {
    trial: 'spiral',
    search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
    sampling_algorithm: 'random',
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    limits: { max_total_trials: 4 },
  };
  const bad: [string, unknown, RegExp][] = [
    [
      'low >= high',
      { ...valid, search_space: { lr: { type: 'uniform', min_value: 0.5, max_value: 0.1 } } },
      /search_space\.lr\.min_value: must be less than max_value/,
    ],
    [
      'q <= 0',
      { ...valid, search_space: { n: { type: 'quniform', min_value: 1, max_value: 9, q: 0 } } },
      /search_space\.n\.q: .*(> 0|greater than 0)/,
    ],
    ['empty choice', { ...valid, search_space: { o: { type: 'choice', values: [] } } }, /search_space\.o\.values/],
    ['grid over uniform', { ...valid, sampling_algorithm: 'grid' }, /search_space\.lr/],
    [
      'runs over 1000',
      { ...valid, limits: { max_total_trials: 5000 } },
      /limits\.max_total_trials: .*1000.*\(got 5000\)/,
    ],
    ['string limit', { ...valid, limits: { max_total_trials: 'ten' } }, /limits\.max_total_trials: .*\(got "ten"\)/],
    [
      'unknown policy field',
      { ...valid, early_termination: { type: 'bandit', slack_factor: 0.1, slak: 1 } },
      /early_termination\.slak/,
    ],
    [
      'unknown policy type',
      { ...valid, early_termination: { type: 'patience' } },
      /early_termination\.type: .*\(got "patience"\)/,
    ],
    [
      'HTML as a name',
      { ...valid, search_space: { '<img src=x onerror=alert(1)>': { type: 'choice', values: [1] } } },
      /search_space\.<img src=x onerror=alert\(1\)>/,
    ],
    ['not JSON', '{"trial": "spiral",', /must be valid JSON/],
  ];
  await page.locator('.spec-panel summary').click();
  const text = page.getByTestId('spec-json');
  for (const [name, spec, message] of bad) {
    await text.fill(typeof spec === 'string' ? spec : JSON.stringify(spec, null, 2));
    await page.getByTestId('apply-spec').click();
    await expect(page.locator('.spec-panel .field-error').first(), name).toHaveText(message);
  }
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  const stored = await page.evaluate(async (name) => {
    const store = window.studioSession!.workspace.store;
    return { sweeps: (await store.listSweeps(name)).length, experiments: (await store.listExperiments(name)).length };
  }, workspace);
  expect(stored).toEqual({ sweeps: 0, experiments: 0 });
  expect(errors).toEqual([]);
});

test('the run-details element embeds one sweep in another page, live while it runs', async ({ page, context }) => {
  const workspace = `studio-embed-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const id = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.03, 0.1),
        hidden_units: 8,
        epochs: 150,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'spiral' },
    });
    return (await window.studioSession!.submit('embed', config, { backend: 'wasm' })).sweep.id;
  });
  const embed = await context.newPage();
  const embedErrors: string[] = [];
  embed.on('pageerror', (error) => embedErrors.push(error.message));
  await embed.goto(
    `/src/studio/run-details/embed.html?sweep=${encodeURIComponent(id)}&workspace=${encodeURIComponent(workspace)}`,
  );
  const details = embed.locator('overdrive-run-details');
  await expect(details.getByTestId('run-details')).toContainText(id);
  await expect(details.getByTestId('run-table').locator('tbody tr[data-run-id]')).toHaveCount(2);
  await expect(details.getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
  // Live: the element follows the sweep running in the other tab to its end.
  await expect(details.locator('.badge')).toHaveText('Completed', { timeout: 120_000 });
  await expect(details.getByTestId('run-table').locator('tbody tr[data-status="Completed"]')).toHaveCount(2);
  await embed.screenshot({ path: `${SHOTS}/embed.png`, fullPage: true });
  // The snippet on the sweep page names the same element.
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/sweep/${encodeURIComponent(id)}`);
  await expect(page.getByTestId('embed').locator('textarea')).toHaveValue(
    new RegExp(`<overdrive-run-details sweep="${id}"`),
  );
  expect(errors).toEqual([]);
  expect(embedErrors).toEqual([]);
});

const KEYBOARD_TRIAL = `
export default async function train(params, run) {
  if (params.speed !== 'slow') {
    run.log('score', params.speed === 'fast-a' ? 0.4 : 0.9);
    return;
  }
  for (let i = 0; i < 2000 && !run.isCanceled; i++) {
    run.log('score', 0.1);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}`;

test('keyboard only: sort a column, tick a run, cancel a running run, open and dismiss the delete dialog', async ({
  page,
}) => {
  const workspace = `studio-keys-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  // Two runs finish at once with different scores; the third runs until canceled, reporting the
  // same low score, so the order of the rows holds still while keys are pressed.
  const id = await page.evaluate(async (source) => {
    const od = window.overdrive;
    // Training code runs only in workers, as an ES module: this one, as a blob: URL.
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({ speed: od.choice('fast-a', 'fast-b', 'slow') }),
      primaryMetricName: 'score',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 3,
      maxConcurrentRuns: 3,
      trial: { kind: 'module', url },
    });
    return (await window.studioSession!.submit('keyboard', config, { backend: 'cpu' })).sweep.id;
  }, KEYBOARD_TRIAL);
  // A hash change, not a reload: the sweep runs in this page.
  await page.evaluate((sid) => (location.hash = `#/sweep/${encodeURIComponent(sid)}`), id);
  const table = page.getByTestId('run-table');
  const row = (index: number) => table.locator(`tbody tr[data-run-id="${id}_${index}"]`);
  await expect(row(0)).toHaveAttribute('data-status', 'Completed');
  await expect(row(1)).toHaveAttribute('data-status', 'Completed');
  await expect(row(2)).toHaveAttribute('data-status', 'Running');

  // Sort by the metric: Tab to its header button, Enter. Best first.
  const sort = table.getByRole('button', { name: /^best score/ });
  await tabTo(page, sort);
  await page.keyboard.press('Enter');
  await expect(table.locator('thead th', { has: page.getByRole('button', { name: /^best score/ }) })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  // The header is rebuilt by the sort; focus stays on the button the user pressed.
  await expect(table.getByRole('button', { name: /^best score/ })).toBeFocused();
  await expect
    .poll(() =>
      table.locator('tbody tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))),
    )
    .toEqual([`${id}_1`, `${id}_0`, `${id}_2`]);

  // Tick the best run's checkbox with Space.
  const box = row(1).getByRole('checkbox', { name: 'Select run 2' });
  await tabTo(page, box);
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();
  await expect(page.getByTestId('compare')).toContainText('Comparing 1 selected run');

  // Cancel the running run from its row's button.
  const cancel = row(2).getByRole('button', { name: 'Cancel run 3' });
  await tabTo(page, cancel);
  await expect(cancel).toBeFocused();
  // The status chips refresh with every batch of the running sweep without taking focus away.
  const chip = table.locator('.status-filter button[data-status="Running"]');
  for (let presses = 0; presses < 60 && !(await chip.evaluate((el) => el === document.activeElement)); presses++)
    await page.keyboard.press('Shift+Tab');
  await expect(chip).toBeFocused();
  await page.waitForTimeout(1500);
  await expect(chip).toBeFocused();
  await tabTo(page, cancel);
  await page.keyboard.press('Enter');
  await expect(row(2)).toHaveAttribute('data-status', 'Canceled', { timeout: 30_000 });
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 30_000 });

  // History: the delete button opens the confirmation, Escape dismisses it and keeps the sweep.
  await page.evaluate(() => (location.hash = '#/history'));
  const remove = page.locator(`tr[data-sweep-id="${id}"] [data-action="delete-sweep"]`);
  await expect(remove).toBeVisible();
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete this sweep?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('history').locator(`tr[data-sweep-id="${id}"]`)).toHaveCount(1);
  // Focus goes back to where the person was.
  await expect(remove).toBeFocused();
  expect(errors).toEqual([]);
});
