import { expect, test, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../src/security/content-security-policy.js';
import { SHOTS, exportedSweep, importThroughUi, openStudio } from './studio-fixtures.js';

// The Studio with a large sweep brought in through its import control (a 1000-run document the
// project's own exporter wrote), at phone to wide-screen sizes in both schemes; the embed snippet
// pasted into another page; and "Copy config" reaching the real clipboard.

const ROWS = 'tbody tr[data-run-id]';

const CHARTS = ['metric-chart', 'parallel-coordinates', 'scatter-2d', 'scatter-3d', 'best-so-far'] as const;

/** A PNG's width in pixels, from its IHDR chunk. */
function pngWidth(png: Buffer): number {
  return png.readUInt32BE(16);
}

/** Parses an opaque `rgb(r, g, b)` into its mean channel, 0 (black) to 255 (white). */
function brightness(colour: string): number {
  const channels = (/^rgb\((\d+), (\d+), (\d+)\)$/.exec(colour) ?? []).slice(1).map(Number);
  if (channels.length !== 3) throw new Error(`not an opaque rgb colour: ${colour}`);
  return channels.reduce((a, b) => a + b, 0) / 3;
}

/** The page's background (the root element paints it) and text colour, as brightness. */
async function pageColours(page: Page): Promise<{ bg: number; fg: number }> {
  const colours = await page.evaluate(() => ({
    bg: getComputedStyle(document.documentElement).backgroundColor,
    fg: getComputedStyle(document.body).color,
  }));
  return { bg: brightness(colours.bg), fg: brightness(colours.fg) };
}

test('a 1000-run sweep imported from its JSON export: the table stays virtualised, scrolls to the last run and sorts by the metric', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const sweep = await exportedSweep(1000);
  const workspace = `scale-table-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await importThroughUi(page, workspace, sweep);
  const runId = (index: number): string => `${id}_${index}`;
  const table = page.getByTestId('run-table');
  const rows = table.locator(ROWS);
  const scroller = table.locator('.table-scroller');
  await expect(table.locator('.table-summary')).toHaveText('1000 runs');
  await expect(rows.first()).toHaveAttribute('data-run-id', runId(0));

  // Only the rows in view (and a few either side) are in the DOM.
  const rendered = async (): Promise<number> => rows.count();
  expect(await rendered()).toBeGreaterThan(5);
  expect(await rendered()).toBeLessThan(80);

  // Scrolled to the bottom, the last run is in view and the first is no longer rendered.
  await scroller.scrollIntoViewIfNeeded();
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(table.locator(`tr[data-run-id="${runId(999)}"]`)).toBeInViewport();
  await expect(table.locator(`tr[data-run-id="${runId(999)}"] td.num`).first()).toHaveText('1000');
  await expect(table.locator(`tr[data-run-id="${runId(0)}"]`)).toHaveCount(0);
  expect(await rendered()).toBeLessThan(80);

  // Sorting by the metric (descending: the goal is maximize) puts the best run on top.
  const metricHeader = table.locator('thead th', { has: page.getByRole('button', { name: /^best val_accuracy/ }) });
  await metricHeader.getByRole('button').click();
  await expect(metricHeader).toHaveAttribute('aria-sort', 'descending');
  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(rows.first()).toHaveAttribute('data-run-id', runId(sweep.bestIndex));
  await expect(rows.first()).toBeInViewport();
  // And the worst one at the bottom.
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(rows.last()).toHaveAttribute('data-run-id', runId(sweep.worstIndex));
  expect(await rendered()).toBeLessThan(80);
  await page.screenshot({ path: `${SHOTS}/scale-1000-sorted.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('the sweep page and history fit from 360 px to 1600 px, in light and dark', async ({ page }) => {
  test.setTimeout(240_000);
  const sweep = await exportedSweep(1000);
  const workspace = `scale-layout-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await importThroughUi(page, workspace, sweep);
  const pages = [
    ['sweep', `#/sweep/${encodeURIComponent(id)}`],
    ['history', '#/history'],
  ] as const;
  const colours = new Map<string, { bg: number; fg: number }>();
  for (const scheme of ['light', 'dark'] as const) {
    for (const [name, hash] of pages) {
      // Dark comes once from the Studio's own theme selector (over a light system scheme) and
      // once from the system scheme, with the selector left on "System colours".
      const viaSelector = scheme === 'dark' && name === 'sweep';
      await page.emulateMedia({ colorScheme: viaSelector ? 'light' : scheme });
      await page.getByTestId('theme').selectOption(viaSelector ? 'dark' : 'system');
      await page.goto(`/?workspace=${encodeURIComponent(workspace)}${hash}`);
      await page.waitForFunction(() => window.studioSession !== undefined);
      if (name === 'sweep') {
        await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
        for (const chart of CHARTS)
          await expect(page.getByTestId(chart), `${chart} drew`).toHaveAttribute('data-version', /\d+/);
        await expect(page.getByTestId('run-table').locator(ROWS).first()).toBeVisible();
      } else {
        await expect(page.getByTestId('history').locator(`tr[data-sweep-id="${id}"]`)).toBeVisible();
      }
      await expect(page.getByTestId('theme')).toHaveValue(viaSelector ? 'dark' : 'system');
      colours.set(`${name}-${scheme}`, await pageColours(page));
      for (const width of [360, 768, 1600]) {
        await page.setViewportSize({ width, height: 900 });
        // Charts follow their container through a ResizeObserver: allow them to re-lay out.
        await expect
          .poll(
            () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
            { message: `${name} ${scheme} ${width}px overflows horizontally`, timeout: 10_000 },
          )
          .toBeLessThanOrEqual(0);
        await page.waitForTimeout(600);
        const shot = await page.screenshot({ path: `${SHOTS}/${name}-${scheme}-${width}.png`, fullPage: true });
        // The saved picture is what a person checks: it is as wide as the viewport (a full-page
        // shot widens to the document), and nothing grew wider meanwhile.
        expect(pngWidth(shot), `${name} ${scheme} ${width}px screenshot width`).toBe(width);
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
          `${name} ${scheme} ${width}px after the screenshot`,
        ).toBeLessThanOrEqual(0);
      }
    }
  }
  // Dark text on a light page, light text on a dark one.
  for (const [name] of pages) {
    const light = colours.get(`${name}-light`);
    const dark = colours.get(`${name}-dark`);
    expect(light?.bg, `${name} light background`).toBeGreaterThan(180);
    expect(light?.fg, `${name} light text`).toBeLessThan(90);
    expect(dark?.bg, `${name} dark background`).toBeLessThan(80);
    expect(dark?.fg, `${name} dark text`).toBeGreaterThan(180);
  }
  expect(errors).toEqual([]);
});

test('the embed snippet the sweep page shows works pasted into another page of the site', async ({ page, context }) => {
  const sweep = await exportedSweep(30);
  const workspace = `scale-embed-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  const id = await importThroughUi(page, workspace, sweep);
  const snippet = await page.getByTestId('embed').locator('textarea').inputValue();
  expect(snippet).toContain('<script type="module" src="/overdrive-run-details.js"></script>');
  expect(snippet).toContain(`<overdrive-run-details sweep="${id}" workspace="${workspace}">`);

  // Another page of the same site, served with the site's Content-Security-Policy, holding the
  // snippet exactly as copied.
  const host = await context.newPage();
  const hostErrors: string[] = [];
  host.on('pageerror', (error) => hostErrors.push(error.message));
  await host.route('**/blog/embedded-sweep.html', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My sweep</title></head><body><h1>Results</h1>\n${snippet}\n</body></html>`,
    }),
  );
  const script = host.waitForResponse((response) => new URL(response.url()).pathname === '/overdrive-run-details.js');
  await host.goto('/blog/embedded-sweep.html');
  expect((await script).status()).toBe(200);
  const details = host.locator('overdrive-run-details');
  await expect(details.getByTestId('run-details')).toContainText(id);
  await expect(details.getByTestId('run-table').locator('.table-summary')).toHaveText('30 runs');
  await expect(details.getByTestId('run-table').locator(ROWS).first()).toHaveAttribute('data-run-id', `${id}_0`);
  await expect(details.getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
  await host.screenshot({ path: `${SHOTS}/embed-snippet.png`, fullPage: true });
  expect(hostErrors).toEqual([]);
  expect(errors).toEqual([]);
});

test('"Copy config" on the best-run panel puts the best run’s hyperparameters on the clipboard', async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL ?? '' });
  const sweep = await exportedSweep(30);
  const workspace = `scale-copy-${Date.now()}`;
  const errors = await openStudio(page, workspace, '#/history');
  await importThroughUi(page, workspace, sweep);
  const best = page.getByTestId('best-run');
  await expect(best).toContainText(`Run ${sweep.bestIndex + 1}`);
  // Something else is on the clipboard first, so a stale value cannot pass.
  await page.evaluate(() => navigator.clipboard.writeText('nothing copied yet'));
  await best.getByRole('button', { name: 'Copy config' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('nothing copied yet');
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as unknown;
  const expected = sweep.document.runs.find((r) => r.index === sweep.bestIndex)?.params;
  expect(expected).toBeDefined();
  expect(copied).toEqual(expected);
  // The same JSON is shown for copying by hand.
  expect(JSON.parse(await best.getByLabel('Best run hyperparameters as JSON').inputValue())).toEqual(expected);
  expect(errors).toEqual([]);
});
