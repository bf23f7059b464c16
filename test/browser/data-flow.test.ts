import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { openStudio } from './studio-fixtures.js';

// The no-code path of issue 15, driven as a person would in the built app served by a plain
// static server (no security headers): drop or pick a file, read what the Data step shows,
// choose the target, sweep a few tiny runs of the filled-in template to Completed, and ask the
// best model in "Try it". Real Chromium, the real data worker, trial workers, TF.js and IndexedDB.
// The data are public records shipped in the repo (test/fixtures/data, from vega-datasets).

const DATA = resolve('test/fixtures/data');
/** Screenshots of every step, written only when DATA_SHOTS=1 (docs/screenshots/data, looked at by a person). */
const SHOTS = process.env['DATA_SHOTS'] === '1' ? resolve('docs/screenshots/data') : null;
if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });

/**
 * The step as 1280 and 360 px wide, light and dark: no horizontal overflow at any (asserted), and
 * a screenshot of `what` (an element, or the page's top) when DATA_SHOTS is set.
 */
async function views(page: Page, name: string, what: Locator | null): Promise<void> {
  for (const width of [1280, 360]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${name}: ${scheme} ${width} px overflows horizontally by ${overflow} px`).toBeLessThanOrEqual(
        0,
      );
      if (SHOTS === null) continue;
      const path = join(SHOTS, `${name}-${width}-${scheme}.png`);
      if (what === null) await page.screenshot({ path });
      else await what.screenshot({ path });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Drops a file on the Data step as a person drags it from their desktop (a real drop event with a DataTransfer). */
async function dropFile(page: Page, path: string, name: string, type: string): Promise<void> {
  const bytes = [...readFileSync(path)];
  const transfer = await page.evaluateHandle(
    ({ bytes: data, name: fileName, type: mime }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], fileName, { type: mime }));
      return dt;
    },
    { bytes, name, type },
  );
  const zone = page.getByTestId('data-drop');
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

/** Keeps the sweep tiny: few runs, two at a time, few epochs, the wasm backend (or cpu for conv layers). */
async function tinySweep(
  page: Page,
  options: { runs: number; epochs: number; backend: 'wasm' | 'cpu'; concurrent?: number },
): Promise<void> {
  const builder = page.getByTestId('sweep-builder');
  await builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]').fill(String(options.epochs));
  await builder.getByLabel('max total runs (1–1000)').fill(String(options.runs));
  await builder.getByLabel('max concurrent runs (1–100)').fill(String(options.concurrent ?? 2));
  await builder.getByLabel('TF.js backend in the workers').selectOption(options.backend);
  await builder.getByLabel('policy').selectOption('none');
  await expect(page.getByTestId('builder-error')).toHaveCount(0);
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
}

async function startAndFinish(page: Page, timeout: number): Promise<string> {
  await page.getByTestId('start-sweep').click();
  await expect(page).toHaveURL(/#\/sweep\/HD_/);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout });
  return decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));
}

/** Every request the page, its workers and its frames make, as URLs. */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

test('penguins (CSV, missing values, categoricals): drop, choose the target, sweep to Completed, reload and continue, Try it gives a class', async ({
  page,
}, testInfo) => {
  testInfo.setTimeout(420_000);
  const errors = await openStudio(page, `data-penguins-${Date.now()}`);
  const step = page.getByTestId('data-step');
  await expect(step).toBeVisible();
  await views(page, '1-data-step', step);

  // Bad input: the reader's message beside the drop zone, and nothing stored.
  const emptyCsv = join(mkdtempSync(join(tmpdir(), 'od-data-')), 'empty.csv');
  writeFileSync(emptyCsv, '');
  await page.getByTestId('data-file').setInputFiles(emptyCsv);
  await expect(page.getByTestId('data-error')).toContainText('empty.csv');
  await expect(page.getByTestId('stored-datasets')).toBeDisabled();
  await views(page, '2-bad-input', step);

  await dropFile(page, join(DATA, 'penguins.csv'), 'penguins.csv', 'text/csv');
  const summary = page.getByTestId('data-summary');
  await expect(summary).toContainText('penguins.csv: 344 rows × 7 columns');
  await expect(page.getByTestId('data-error')).toBeEmpty();
  // The inferred type and empty share per column, the first rows, the class balance.
  const columns = page.getByTestId('data-columns');
  await expect(columns.locator('tr[data-column="Species"] [data-role="kind"]')).toHaveText('categorical · target');
  await expect(columns.locator('tr[data-column="Island"] [data-role="kind"]')).toHaveText('categorical');
  await expect(columns.locator('tr[data-column="Beak Length (mm)"] [data-role="kind"]')).toHaveText('numeric');
  await expect(columns.locator('tr[data-column="Sex"] [data-role="empty"]')).not.toHaveText('0 %');
  await expect(page.getByTestId('data-rows').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('data-target')).toHaveValue('Species');
  await expect(page.getByTestId('data-task')).toHaveValue('classification');
  const balance = page.getByTestId('class-balance');
  await expect(balance.locator('li')).toHaveCount(3);
  await expect(balance.locator('li[data-class="Adelie"] .bar-value')).toHaveText('152 (44 %)');
  // The bars are drawn to scale (68 of 152 is 45 % of the widest), not all full length.
  const barWidth = (name: string): Promise<number> =>
    balance.locator(`li[data-class="${name}"] .bar`).evaluate((bar) => bar.getBoundingClientRect().width);
  expect((await barWidth('Chinstrap')) / (await barWidth('Adelie'))).toBeCloseTo(68 / 152, 1);
  // Picking the data filled in the template and its search space, editable like any sweep.
  const builder = page.getByTestId('sweep-builder');
  await expect(builder.locator('[data-row][data-param="hidden_units"]')).toHaveCount(1);
  await expect(builder.getByLabel('Which built-in example')).toHaveCount(0);
  // The template starts with a gentle Bandit policy (the tiny sweeps below turn it off).
  await expect(builder.getByLabel('policy')).toHaveValue('bandit');
  await views(page, '3-penguins-preview', step);

  // Choices: leave a column out, drop rows with missing values.
  await columns.locator('input[data-use-column="Island"]').uncheck();
  await page.getByTestId('data-missing').selectOption('drop-rows');
  await expect(page.getByTestId('spec-json')).toBeAttached();
  // One run at a time, so the reload below lands while runs are still to come.
  await tinySweep(page, { runs: 6, epochs: 3, backend: 'wasm', concurrent: 1 });
  // The filled-in template's search space (the whole builder is three screens long).
  await views(page, '4-template-filled', builder.getByRole('group', { name: 'Search space' }));

  // Start, reload while it runs (the worker cache is gone: the page reads the stored dataset again), continue.
  await page.getByTestId('start-sweep').click();
  await expect(page).toHaveURL(/#\/sweep\/HD_/);
  await expect(page.getByTestId('sweep-dataset')).toContainText('penguins.csv');
  const completed = page.getByTestId('run-table').locator('tbody tr[data-status="Completed"]');
  await expect.poll(() => completed.count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('sweep-status')).not.toHaveText('Completed');
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  const continueButton = page.getByRole('button', { name: /^Continue/ }).first();
  await expect(continueButton).toBeVisible({ timeout: 30_000 });
  await continueButton.click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 240_000 });
  await expect(page.getByTestId('run-table').locator('tbody tr[data-status="Failed"]')).toHaveCount(0);

  // Try it: the best model with its preparation answers with a class and its probabilities.
  const tryIt = page.getByTestId('try-it');
  await expect(tryIt).toBeVisible({ timeout: 30_000 });
  await expect(tryIt.locator('select[data-try-column="Sex"]')).toBeVisible();
  await expect(tryIt.locator('[data-try-column="Island"]')).toHaveCount(0);
  await tryIt.locator('input[data-try-column="Beak Length (mm)"]').fill('47');
  await tryIt.getByRole('button', { name: 'Predict' }).click();
  await expect(tryIt.getByTestId('try-class')).toHaveText(/^(Adelie|Chinstrap|Gentoo)$/);
  await expect(tryIt.locator('ul.bars li')).toHaveCount(3);
  await views(page, '5-try-it-class', tryIt);

  // The Sweeps page lists the dataset and the sweep names it.
  await page.goto(page.url().replace(/#.*$/, '#/history'));
  const datasets = page.getByTestId('datasets');
  await expect(datasets.locator('tr[data-dataset-id]')).toHaveCount(1);
  await expect(datasets.locator('tr[data-dataset-id]')).toContainText('penguins.csv');
  await expect(datasets.locator('tr[data-dataset-id]')).toContainText('344 × 7');
  await expect(page.getByTestId('history').getByTestId('sweep-dataset')).toContainText('penguins.csv');
  await views(page, '6-datasets-list', datasets);
  // Delete after confirming: the list is empty and the store has nothing left.
  await datasets.getByRole('button', { name: 'Delete dataset penguins.csv' }).click();
  await page.locator('[data-action="confirm-delete-dataset"]').click();
  await expect(datasets.locator('tr[data-dataset-id]')).toHaveCount(0);
  expect(await page.evaluate(() => window.studioSession?.workspace.datasets.list())).toEqual([]);
  expect(errors).toEqual([]);
});

test('privacy: picking cars (JSON, regression), sweeping and exporting the model makes no request off the origin', async ({
  page,
  context,
}, testInfo) => {
  testInfo.setTimeout(300_000);
  const requests = recordRequests(context);
  const errors = await openStudio(page, `data-cars-${Date.now()}`);
  const origin = new URL(page.url()).origin;

  await page.getByTestId('data-file').setInputFiles(join(DATA, 'cars.json'));
  await expect(page.getByTestId('data-summary')).toContainText('cars.json: 406 rows × 9 columns');
  await page.getByTestId('data-target').selectOption('Miles_per_Gallon');
  await expect(page.getByTestId('data-task')).toHaveValue('regression');
  await expect(page.getByTestId('target-histogram')).toBeVisible();
  await views(page, '7-cars-regression', page.getByTestId('data-step'));
  await tinySweep(page, { runs: 2, epochs: 3, backend: 'wasm' });
  await startAndFinish(page, 180_000);

  const tryIt = page.getByTestId('try-it');
  await tryIt.getByRole('button', { name: 'Predict' }).click();
  await expect(tryIt.getByTestId('try-value')).toHaveText(/^-?\d/);
  await views(page, '8-try-it-value', tryIt);

  // Export the model (model.json, weights and preparation.json as downloads).
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  await page.getByTestId('best-run').locator('[data-action="download-model"]').click();
  await expect(page.getByTestId('best-run').locator('.export-status')).toContainText('done', { timeout: 60_000 });
  await expect.poll(() => downloads.some((name) => name.endsWith('.preparation.json'))).toBe(true);
  expect(downloads.some((name) => name.endsWith('.weights.bin'))).toBe(true);

  // The workers' own resource entries too (a request made by a worker shows there even if no
  // event reached the context).
  const workerEntries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  const all = [...requests, ...workerEntries];
  expect(all.length).toBeGreaterThan(5);
  const away = all.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== origin;
  });
  expect(away, `requests that left ${origin}`).toEqual([]);
  expect(errors).toEqual([]);
});

test('a generated image folder (2 classes of PNGs): pick the folder, sweep image-cnn to Completed, Try it on an image', async ({
  page,
}, testInfo) => {
  testInfo.setTimeout(360_000);
  const errors = await openStudio(page, `data-images-${Date.now()}`);
  // Two classes a small CNN tells apart: a bright disc and a dark bar, drawn by the page's canvas.
  const pngs = await page.evaluate(() => {
    const make = (kind: 'disc' | 'bar', i: number): string => {
      const canvas = document.createElement('canvas');
      canvas.width = 20;
      canvas.height = 20;
      const g = canvas.getContext('2d');
      if (g === null) throw new Error('no 2d context');
      g.fillStyle = `rgb(${20 + i * 3}, ${20 + i * 2}, 40)`;
      g.fillRect(0, 0, 20, 20);
      g.fillStyle = kind === 'disc' ? '#f4e04d' : '#3a7bd5';
      if (kind === 'disc') {
        g.beginPath();
        g.arc(6 + (i % 8), 6 + ((i * 3) % 8), 5, 0, Math.PI * 2);
        g.fill();
      } else g.fillRect(2 + (i % 12), 1, 4, 18);
      return canvas.toDataURL('image/png').split(',')[1] ?? '';
    };
    const out: { path: string; base64: string }[] = [];
    for (let i = 0; i < 24; i++) {
      out.push({ path: `disc/d${i}.png`, base64: make('disc', i) });
      out.push({ path: `bar/b${i}.png`, base64: make('bar', i) });
    }
    return out;
  });
  const folder = join(mkdtempSync(join(tmpdir(), 'od-images-')), 'shapes');
  for (const { path, base64 } of pngs) {
    mkdirSync(join(folder, path.split('/')[0] ?? ''), { recursive: true });
    writeFileSync(join(folder, path), Buffer.from(base64, 'base64'));
  }
  await page.getByTestId('data-folder').setInputFiles(folder);
  await expect(page.getByTestId('data-summary')).toContainText('shapes: 48 images in 2 classes');
  await expect(page.getByTestId('class-balance').locator('li')).toHaveCount(2);
  await page.getByTestId('data-image-size').selectOption('16');
  await views(page, '9-image-folder', page.getByTestId('data-step'));
  await tinySweep(page, { runs: 2, epochs: 2, backend: 'cpu' });
  await startAndFinish(page, 240_000);

  const tryIt = page.getByTestId('try-it');
  await expect(tryIt).toBeVisible({ timeout: 30_000 });
  await tryIt.getByTestId('try-image').setInputFiles(join(folder, 'disc', 'd3.png'));
  await expect(tryIt.getByTestId('try-class')).toHaveText(/^(disc|bar)$/);
  await views(page, '10-try-it-image', tryIt);
  expect(errors).toEqual([]);
});
