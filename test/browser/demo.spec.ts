import { expect, test } from '@playwright/test';

test('the demo page trains real TF.js models in a sweep and prints the run table', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/?runs=4&concurrency=2&epochs=8&backend=cpu');
  await expect(page.getByTestId('demo-status')).toHaveText('Completed', { timeout: 150_000 });

  const rows = page.locator('[data-testid="run-table"] tbody tr');
  await expect(rows).toHaveCount(4);
  const result = await page.evaluate(() => window.demoResult);
  expect(result?.status).toBe('Completed');
  expect(result?.endReason).toEqual({ kind: 'max-total-runs', runs: 4 });

  for (let i = 0; i < 4; i++) {
    const row = rows.nth(i);
    const status = await row.getAttribute('data-status');
    expect(['Completed', 'Canceled']).toContain(status);
    const cells = await row.locator('td').allTextContents();
    // Columns: run, status, 4 hyperparameters, best val_accuracy, intervals, duration, reason.
    const best = Number(cells[6]);
    expect(best).toBeGreaterThanOrEqual(0);
    expect(best).toBeLessThanOrEqual(1);
    const intervals = Number(cells[7]);
    if (status === 'Completed') expect(intervals).toBe(8);
    else expect(cells[9]).toContain('Bandit');
  }
  await expect(page.getByTestId('best-run')).toContainText('Best: run');
  expect(errors).toEqual([]);
  await page.screenshot({ path: 'test-results/demo-page.png', fullPage: true });
});
