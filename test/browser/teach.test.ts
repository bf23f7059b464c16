import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SHOTS, openStudio } from './studio-fixtures.js';

// The teaching layer, as a person uses it in real Chromium with real workers, TF.js and
// IndexedDB: the builder's explanations, a stop decision opened with its numbers and its interval
// marked on the metric curves, the charts' help, naming a sweep, and comparing two sweeps of the
// same grid, one with Bandit and one without. Screenshots go to test-results (or, with
// TEACH_SHOTS set, to the folder given: docs/screenshots/teach for the README).

const TEACH_SHOTS = process.env['TEACH_SHOTS'] ?? join(SHOTS, 'teach');

async function shoot(page: Page, name: string, target?: ReturnType<Page['locator']>): Promise<void> {
  // No focus ring on whatever was typed in last; a tall viewport for an element, so the builder's
  // sticky Start bar sits below it rather than over it.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: target === undefined ? (width === 360 ? 780 : 900) : 2400 });
    // Two frames: resize observers (the comparison chart redraws at the new width) have run.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const path = `${TEACH_SHOTS}/${name}-${width}.png`;
    if (target === undefined) await page.screenshot({ path, fullPage: true });
    else {
      await target.scrollIntoViewIfNeeded();
      await target.screenshot({ path });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A small spiral sweep through the form: 4 runs of the grid, `epochs` each, 2 at a time, on wasm. */
async function startSpiral(page: Page, policy: 'bandit' | 'none'): Promise<string> {
  await page.goto(page.url().replace(/#.*$/, '#/'));
  const builder = page.getByTestId('sweep-builder');
  await builder.getByLabel('Which built-in example').selectOption('spiral');
  await builder.getByTestId('use-example').click();
  await builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]').fill('8');
  await builder.getByLabel('max total runs (1–1000)').fill('4');
  await builder.getByLabel('max concurrent runs (1–100)').fill('2');
  await builder.getByLabel('TF.js backend in the workers').selectOption('wasm');
  await builder.getByLabel('policy').selectOption(policy);
  if (policy === 'bandit') {
    // A tight slack from interval 2: the worse runs of the grid are stopped.
    await builder.locator('[data-field="early_termination.slack_factor"]').fill('0.01');
    await builder.locator('[data-field="early_termination.delay_evaluation"]').fill('2');
  }
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  await page.getByTestId('start-sweep').click();
  await expect(page).toHaveURL(/#\/sweep\/HD_/);
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 150_000 });
  return id;
}

test('the builder explains each policy and sampling method, and the demo says what its form holds', async ({
  page,
}) => {
  const errors = await openStudio(page, `teach-builder-${Date.now()}`);
  const builder = page.getByTestId('sweep-builder');
  // The demo form: 6 epochs, 4 at a time, and a description that says so.
  await expect(builder.locator('[data-row][data-param="epochs"] [data-subfield="value"]')).toHaveValue('6');
  await expect(builder.getByLabel('max concurrent runs (1–100)')).toHaveValue('4');
  await expect(builder.getByTestId('form-description')).toContainText('4 at a time, 6 epochs each');
  await builder.getByLabel('max concurrent runs (1–100)').fill('3');
  await expect(builder.getByTestId('form-description')).toContainText('3 at a time, 6 epochs each');

  const policy = builder.getByTestId('explain-policy');
  await expect(policy).toContainText('How Bandit works');
  await expect(builder.getByTestId('formula-policy')).toContainText('best_all(N) / (1 + slack_factor)');
  for (const [type, text] of [
    ['median_stopping', 'median_i( avg_i(1..N) )'],
    ['truncation_selection', 'rank(N) > n − ⌊n · p / 100⌋'],
    ['asha', 'stop if rank > ⌊n / η⌋'],
    ['hyperband', 'bracket s'],
    ['none', 'never stop'],
  ] as const) {
    await builder.getByLabel('policy').selectOption(type);
    await expect(builder.getByTestId('formula-policy')).toContainText(text);
  }
  await builder.getByLabel('policy').selectOption('bandit');
  await expect(builder.getByTestId('explain-sampling')).toContainText('How Random sampling works');
  await builder.getByLabel('method').selectOption('grid');
  await expect(builder.getByTestId('formula-sampling')).toContainText('V_1 × V_2');
  await builder.getByLabel('method').selectOption('random');
  // The formula is text, not markup.
  expect(await builder.getByTestId('formula-policy').evaluate((el) => el.children.length)).toBe(0);
  await shoot(page, 'explanation-panel', builder.locator('.builder-grid'));
  expect(errors).toEqual([]);
});

test('open a stop decision, read the charts’ help, name a sweep and compare it with a same-grid sweep', async ({
  page,
}, testInfo) => {
  testInfo.setTimeout(420_000);
  const errors = await openStudio(page, `teach-${Date.now()}`);
  const stoppedId = await startSpiral(page, 'bandit');

  // The decisions panel lists every stop; opening one shows the rule with that moment's numbers.
  const decisions = page.getByTestId('decisions');
  await expect(decisions).toBeVisible();
  const first = decisions.locator('[data-action="open-decision"]').first();
  const label = (await first.textContent()) ?? '';
  const interval = /interval (\d+)/.exec(label)?.[1];
  expect(interval).toBeDefined();
  await first.click();
  await expect(first).toHaveAttribute('aria-expanded', 'true');
  const detail = page.getByTestId('decision-detail');
  await expect(detail).toContainText('Rule:');
  await expect(detail).toContainText(/cut-off = [-\d.e]+ \/ \(1 \+ 0\.01\) = [-\d.e]+/);
  await expect(detail).toContainText(`→ stopped at interval ${interval}`);
  for (const name of ['best run’s value', 'slack', 'cut-off', 'this run’s value', 'interval']) {
    await expect(detail.locator('dt', { hasText: name }).first()).toBeVisible();
  }
  await expect(detail.locator('dd', { hasText: 'slack factor 0.01' })).toBeVisible();
  // The curves at that interval: highlighted in the table and marked on the metric chart.
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-marked-interval', interval ?? '');
  await expect(page.getByTestId('run-table').locator('tbody tr.selected').first()).toBeVisible();
  await shoot(page, 'decision-opened', decisions);
  await shoot(page, 'decision-chart', page.locator('section.panel.chart', { has: page.getByTestId('metric-chart') }));
  // Closing it takes the mark away.
  await first.click();
  await expect(page.getByTestId('metric-chart')).not.toHaveAttribute('data-marked-interval', /.*/);
  await first.click();

  // Each chart says how to read it; the help opens from the keyboard and Escape closes it.
  const help = page.locator('[data-action="chart-help"]');
  await expect(help).toHaveCount(5);
  const metricHelp = page.getByRole('button', { name: 'How to read the Metric curves chart' });
  await metricHelp.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('chart-help-metric')).toBeVisible();
  await expect(page.getByTestId('chart-help-metric')).toContainText('One line per run');
  await expect(metricHelp).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('chart-help-metric')).toBeHidden();
  await expect(metricHelp).toBeFocused();

  const baselineId = await startSpiral(page, 'none');

  // The list tells the two sweeps of one experiment apart by sampling and policy.
  await page.goto(page.url().replace(/#.*$/, '#/history'));
  const row = (id: string) => page.locator(`tr[data-sweep-id="${id}"]`);
  await expect(row(stoppedId).getByTestId('sweep-method')).toHaveText('grid · bandit');
  await expect(row(baselineId).getByTestId('sweep-method')).toHaveText('grid · no-termination');

  // Naming: too long is refused with the rule; a good name is stored and survives a reload.
  await row(stoppedId).locator('[data-action="rename-sweep"]').click();
  const input = row(stoppedId).getByTestId('sweep-name-input');
  await input.fill('x'.repeat(81));
  await row(stoppedId).locator('[data-action="save-name"]').click();
  await expect(row(stoppedId).getByRole('alert')).toContainText('name: must be 1 to 80 characters');
  // A name is text, never markup.
  await input.fill('  <b>Spiral</b>  ');
  await input.press('Enter');
  await expect(row(stoppedId).getByTestId('sweep-name')).toHaveText('<b>Spiral</b>');
  await expect(page.locator('b', { hasText: 'Spiral' })).toHaveCount(0);
  await row(stoppedId).locator('[data-action="rename-sweep"]').click();
  await row(stoppedId).getByTestId('sweep-name-input').fill('Spiral with Bandit');
  await row(stoppedId).getByTestId('sweep-name-input').press('Enter');
  await expect(row(stoppedId).getByTestId('sweep-name')).toHaveText('Spiral with Bandit');
  await row(baselineId).locator('[data-action="rename-sweep"]').click();
  await row(baselineId).getByTestId('sweep-name-input').fill('Spiral, no policy');
  await row(baselineId).getByTestId('sweep-name-input').press('Enter');
  await expect(row(baselineId).getByTestId('sweep-name')).toHaveText('Spiral, no policy');
  // Stored in IndexedDB: the names survive a reload.
  await page.reload();
  await expect(row(stoppedId).getByTestId('sweep-name')).toHaveText('Spiral with Bandit');
  await expect(row(baselineId).getByTestId('sweep-name')).toHaveText('Spiral, no policy');
  await shoot(page, 'sweeps-list', page.getByTestId('history'));

  // Compare the two: side by side, the no-policy sweep of the same grid is the baseline.
  const compare = page.getByTestId('compare-sweeps');
  await expect(compare).toBeDisabled();
  await row(stoppedId).locator('[data-action="select-sweep"]').check();
  await row(baselineId).locator('[data-action="select-sweep"]').check();
  await expect(compare).toHaveText('Compare selected (2)');
  await compare.click();
  await expect(page).toHaveURL(/#\/compare\//);
  const table = page.getByTestId('compare-sweeps-table');
  await expect(table.locator('thead th[data-sweep-id]')).toHaveText(['Spiral with Bandit', 'Spiral, no policy']);
  const cells = (name: string) => table.locator(`tr[data-row="${name}"] td`);
  await expect(cells('saved').nth(1)).toHaveText('baseline');
  await expect(cells('saved').nth(0)).toHaveText(/^\d+(\.\d)? %$/);
  await expect(cells('stopped').nth(0)).toHaveText(/^[1-4] of 4$/);
  await expect(cells('stopped').nth(1)).toHaveText('0 of 4');
  await expect(cells('compute').nth(1)).toHaveText('32');
  await expect(page.getByTestId('compare-chart').locator('path[data-sweep-id]')).toHaveCount(2);
  await expect(page.getByTestId('compare-winners')).toBeVisible();
  await expect(page.getByTestId('compare-winners')).not.toContainText('share a seed');
  // The chart's help, here too.
  await page.getByRole('button', { name: 'How to read the Best so far against compute chart' }).click();
  await expect(page.getByTestId('chart-help-compare-sweeps')).toBeVisible();
  await page.getByRole('button', { name: 'How to read the Best so far against compute chart' }).click();
  await shoot(page, 'compare-page');
  expect(errors).toEqual([]);
});
