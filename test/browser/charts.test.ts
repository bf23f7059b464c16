import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';

// The Studio charts (src/studio/charts) in real Chromium, through test/browser/pages/charts-page.ts,
// which mounts them on synthetic ChartData: 40 runs (with HTML in a parameter name, a metric
// name, category values and reasons) or 1000 runs x 100 intervals.

const KINDS = ['metric', 'parallel', 'scatter-2d', 'scatter-3d', 'best-so-far'] as const;
type Kind = (typeof KINDS)[number];
const TEST_ID: Readonly<Record<Kind, string>> = {
  metric: 'metric-chart',
  parallel: 'parallel-coordinates',
  'scatter-2d': 'scatter-2d',
  'scatter-3d': 'scatter-3d',
  'best-so-far': 'best-so-far',
};
const XSS_PARAM = '<img src=x onerror=alert(1)>';
const XSS_METRIC = '<script>alert(3)</script>';

async function openHarness(page: Page, scheme: 'light' | 'dark' = 'light'): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/test/browser/pages/charts.html');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  return dialogs;
}

function chartRoot(page: Page, kind: Kind): Locator {
  return page.locator(`#${kind} > [data-testid="${TEST_ID[kind]}"]`);
}

async function webglAvailable(page: Page): Promise<boolean> {
  return page.evaluate(() => (window.chartsHarness.chart('scatter-3d') as { webgl?: boolean }).webgl === true);
}

/** Waits until the chart has painted a good share of its canvases. */
async function expectDrawn(page: Page, kind: Kind, minInked = 2000): Promise<void> {
  await expect
    .poll(async () => (await page.evaluate((slot) => window.chartsHarness.ink(slot), kind)).inked, {
      message: `${kind} draws`,
      timeout: 15_000,
    })
    .toBeGreaterThan(minInked);
}

/** Moves the pointer over the plot until a tooltip shows; returns it (or null). */
async function hoverUntilTooltip(page: Page, kind: Kind): Promise<Locator | null> {
  const root = chartRoot(page, kind);
  await root.scrollIntoViewIfNeeded();
  const box = await root.locator('.odc-plot').boundingBox();
  if (box === null) return null;
  const tip = root.locator('.odc-tip').first();
  for (let fy = 0.12; fy < 0.92; fy += 0.055) {
    for (let fx = 0.08; fx < 0.92; fx += 0.025) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      if (await tip.isVisible()) return tip;
    }
  }
  return null;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/**
 * The longest top-level task on the page's main thread in a Chromium trace (ms, thread time and
 * wall clock), and how many tasks the trace holds (none would mean nothing was measured).
 */
function longestRendererTask(trace: Buffer): { thread: number; wall: number; tasks: number } {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  let thread = 0;
  let wall = 0;
  let tasks = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !main.has(`${e.pid}:${e.tid}`)) continue;
    tasks += 1;
    if ((e.tdur ?? 0) > thread) {
      thread = e.tdur ?? 0;
      wall = e.dur ?? 0;
    }
  }
  return { thread: Math.round(thread / 1000), wall: Math.round(wall / 1000), tasks };
}

/** Issue 4: no chart redraw may block the main thread for more than this while a sweep streams metrics. */
const MAIN_THREAD_BUDGET_MS = 50;

function screenshotPath(name: string): string {
  const dir = join(test.info().project.outputDir, 'chart-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

test.describe('Studio charts', () => {
  test('each chart mounts a root with its data-testid inside the container and draws', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    for (const kind of KINDS) {
      await expect(chartRoot(page, kind)).toBeVisible();
      // The root records the data version it drew.
      await expect(chartRoot(page, kind)).toHaveAttribute('data-version', /\d+/);
      if (kind === 'scatter-3d' && !(await webglAvailable(page))) {
        await expect(page.getByTestId('scatter-3d-empty')).toContainText('WebGL');
        continue;
      }
      await expect(chartRoot(page, kind).locator('canvas').first()).toBeAttached();
      await expectDrawn(page, kind);
    }
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  });

  test('the metric chart switches metric from its own select and from setMetric', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    const root = chartRoot(page, 'metric');
    const select = root.getByTestId('metric-select');
    await expect(root.getByLabel('Metric', { exact: true })).toHaveValue('val_accuracy');
    await expect(select.locator('option')).toHaveText(['val_accuracy', XSS_METRIC, 'loss', 'val_loss']);
    await select.selectOption('loss');
    await expect(root.locator('.odc-plot')).toHaveAttribute('aria-label', /^Metric curves: loss against report number/);
    expect(await page.evaluate(() => (window.chartsHarness.chart('metric') as { metric: string }).metric)).toBe('loss');
    await page.evaluate(() =>
      (window.chartsHarness.chart('metric') as unknown as { setMetric(name: string): void }).setMetric('val_loss'),
    );
    await expect(select).toHaveValue('val_loss');
    await expectDrawn(page, 'metric');
    // The legend names the statuses, with counts, and toggles them.
    const stopped = root.getByRole('button', { name: /Stopped early \(\d+\)/ });
    await expect(stopped).toHaveAttribute('aria-pressed', 'true');
    await stopped.click();
    await expect(stopped).toHaveAttribute('aria-pressed', 'false');
  });

  test('the scatter selects pick the axes, and picking the other axis’s parameter swaps them', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    const root = chartRoot(page, 'scatter-2d');
    const axes = (): Promise<unknown> =>
      page.evaluate(() => (window.chartsHarness.chart('scatter-2d') as unknown as { getAxes(): unknown }).getAxes());
    expect(await axes()).toEqual({ x: 'learning_rate', y: 'hidden_units' });
    await root.getByLabel('X axis', { exact: true }).selectOption('dropout');
    expect(await axes()).toEqual({ x: 'dropout', y: 'hidden_units' });
    await root.getByLabel('Y axis', { exact: true }).selectOption('dropout');
    expect(await axes()).toEqual({ x: 'hidden_units', y: 'dropout' });
    await root.getByLabel('X axis', { exact: true }).selectOption(XSS_PARAM);
    await expectDrawn(page, 'scatter-2d');
    if (await webglAvailable(page)) {
      const root3d = chartRoot(page, 'scatter-3d');
      await root3d.getByLabel('Z axis', { exact: true }).selectOption('optimizer');
      const axes3d = await page.evaluate(() =>
        (window.chartsHarness.chart('scatter-3d') as unknown as { getAxes(): unknown }).getAxes(),
      );
      expect(axes3d).toEqual({ x: 'learning_rate', y: 'hidden_units', z: 'optimizer' });
      await expectDrawn(page, 'scatter-3d', 500);
    }
  });

  test('the 3-D scatter rotates by dragging: the view angle changes, survives new data, and Reset view restores it', async ({
    page,
  }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mount('scatter-3d', 'scatter-3d', window.chartsHarness.small()));
    test.skip(
      !(await webglAvailable(page)),
      'WebGL is unavailable in this Chromium: the 3-D scatter shows its message instead (see "without WebGL ...")',
    );
    await expectDrawn(page, 'scatter-3d', 500);
    // The camera the chart keeps for its redraws (a private field: ECharts-GL reports the angle only through its event).
    const camera = (): Promise<{ alpha: number; beta: number }> =>
      page.evaluate(() => {
        const view = (
          window.chartsHarness.chart('scatter-3d') as unknown as { camera: { alpha: number; beta: number } }
        ).camera;
        return { alpha: view.alpha, beta: view.beta };
      });
    const initial = await camera();
    const plot = chartRoot(page, 'scatter-3d').locator('.odc-plot');
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    if (box === null) throw new Error('no plot box');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    const before = await plot.screenshot();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.35, { steps: 12 });
    await page.mouse.up();
    await expect
      .poll(async () => (await camera()).beta, { message: 'dragging sideways turns the view' })
      .not.toBe(initial.beta);
    // The view coasts a little after the release (damping): wait until it is still for a whole
    // second (four equal readings), since on a busy machine frames, and so the coasting, can
    // pause for longer than one reading's interval.
    let rotated = await camera();
    let still = 0;
    await expect
      .poll(
        async () => {
          const previous = rotated;
          rotated = await camera();
          still = rotated.alpha === previous.alpha && rotated.beta === previous.beta ? still + 1 : 0;
          return still >= 3;
        },
        { message: 'the view comes to rest', intervals: [350], timeout: 30_000 },
      )
      .toBe(true);
    expect(rotated).not.toEqual(initial);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(800);
    expect((await plot.screenshot()).equals(before), 'the drawing changed with the view').toBe(false);
    // New data rebuilds the chart's options; the view stays where the person turned it.
    await page.evaluate(() => window.chartsHarness.update('scatter-3d', window.chartsHarness.small({ seed: 5 })));
    await expect(chartRoot(page, 'scatter-3d')).toHaveAttribute('data-version', /\d+/);
    await page.waitForTimeout(1500);
    expect(await camera()).toEqual(rotated);
    await chartRoot(page, 'scatter-3d').getByTestId('scatter3d-reset').click();
    expect(await camera()).toEqual(initial);
  });

  test('parallel coordinates: a brushed range reports the runs in it, programmatically and by dragging', async ({
    page,
  }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    await expectDrawn(page, 'parallel');
    type Brushable = {
      brushAxis(c: string, r: [number, number] | null): void;
      clearBrush(): void;
      getSelection(): Set<string> | null;
    };

    // Programmatic brush: the runs whose dropout is in [0, 0.2].
    const programmatic = await page.evaluate(() => {
      const h = window.chartsHarness;
      (h.chart('parallel') as unknown as Brushable).brushAxis('dropout', [0, 0.2]);
      const data = h.data('parallel');
      const expected = (data?.runs ?? [])
        .filter((r) => (r.params['dropout'] as number) <= 0.2)
        .map((r) => r.id)
        .sort();
      return { expected, log: h.selectionLog('parallel') };
    });
    expect(programmatic.expected.length).toBeGreaterThan(0);
    expect(programmatic.log.at(-1)).toEqual({ kind: 'runs', runIds: programmatic.expected });

    // A second axis narrows the selection (brushes intersect); a category axis brushes by position.
    const narrowed = await page.evaluate(() => {
      const h = window.chartsHarness;
      (h.chart('parallel') as unknown as Brushable).brushAxis('optimizer', [1, 1]);
      const data = h.data('parallel');
      const expected = (data?.runs ?? [])
        .filter((r) => (r.params['dropout'] as number) <= 0.2 && r.params['optimizer'] === 'sgd')
        .map((r) => r.id)
        .sort();
      return { expected, log: h.selectionLog('parallel') };
    });
    expect(narrowed.log.at(-1)).toEqual({ kind: 'runs', runIds: narrowed.expected });

    await page.evaluate(() => (window.chartsHarness.chart('parallel') as unknown as Brushable).clearBrush());
    expect((await page.evaluate(() => window.chartsHarness.selectionLog('parallel'))).at(-1)).toEqual({
      kind: 'clear',
    });

    // By dragging along the dropout axis (extent 0 .. 0.5, bottom to top) from 90% to 40% of its height.
    const layout = await page.evaluate(() =>
      (
        window.chartsHarness.chart('parallel') as unknown as {
          axisLayout(c: string): { x: number; top: number; bottom: number } | null;
        }
      ).axisLayout('dropout'),
    );
    expect(layout).not.toBeNull();
    if (layout === null) return;
    const box = await chartRoot(page, 'parallel').locator('.odc-plot').boundingBox();
    if (box === null) throw new Error('no plot box');
    const yAt = (fraction: number): number => box.y + layout.top + (layout.bottom - layout.top) * fraction;
    await page.mouse.move(box.x + layout.x, yAt(0.1));
    await page.mouse.down();
    await page.mouse.move(box.x + layout.x, yAt(0.6), { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => (await page.evaluate(() => window.chartsHarness.selectionLog('parallel'))).at(-1)?.kind)
      .toBe('runs');
    const dragged = await page.evaluate(() => {
      const h = window.chartsHarness;
      const last = h.selectionLog('parallel').at(-1);
      const chosen = new Set(last?.runIds ?? []);
      const values = (h.data('parallel')?.runs ?? [])
        .filter((r) => chosen.has(r.id))
        .map((r) => r.params['dropout'] as number);
      const current = (h.chart('parallel') as unknown as Brushable).getSelection();
      return {
        count: chosen.size,
        min: Math.min(...values),
        max: Math.max(...values),
        same: current !== null && [...current].sort().join() === [...chosen].sort().join(),
      };
    });
    // 10% and 60% down a 0 .. 0.5 axis are 0.45 and 0.2.
    expect(dragged.count).toBeGreaterThan(0);
    expect(dragged.min).toBeGreaterThanOrEqual(0.2 - 0.02);
    expect(dragged.max).toBeLessThanOrEqual(0.45 + 0.02);
    expect(dragged.same).toBe(true);
  });

  test('parallel coordinates: axes reorder by keyboard and by drag and keep their order across updates', async ({
    page,
  }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    const root = chartRoot(page, 'parallel');
    const order = (): Promise<readonly string[]> =>
      page.evaluate(() =>
        (window.chartsHarness.chart('parallel') as unknown as { getAxisOrder(): string[] }).getAxisOrder(),
      );
    const initial = [
      'learning_rate',
      'hidden_units',
      'dropout',
      'optimizer',
      'optimizer.momentum',
      'use_bias',
      XSS_PARAM,
      'val_accuracy',
    ];
    expect(await order()).toEqual(initial);
    const chips = root.getByTestId('axis-chip');
    await expect(chips).toHaveText(initial);

    // Keyboard: ← moves the focused chip left, Alt+→ right, Home / End to the ends; focus follows, and it is announced.
    const dropout = root.getByRole('button', { name: /^dropout, axis/ });
    await dropout.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await order()).toEqual([
      'learning_rate',
      'dropout',
      'hidden_units',
      'optimizer',
      'optimizer.momentum',
      'use_bias',
      XSS_PARAM,
      'val_accuracy',
    ]);
    await expect(root.getByRole('button', { name: /^dropout, axis 2 of 8/ })).toBeFocused();
    await expect(root.locator('[aria-live=polite]')).toHaveText('dropout moved to position 2 of 8.');
    await page.keyboard.press('Alt+ArrowRight');
    expect(await order()).toEqual(initial);
    await page.keyboard.press('Home');
    expect((await order())[0]).toBe('dropout');
    await page.keyboard.press('End');
    expect((await order()).at(-1)).toBe('dropout');

    // Drag and drop: use_bias onto the left half of learning_rate puts it first.
    await root
      .getByRole('button', { name: /^use_bias, axis/ })
      .dragTo(root.getByRole('button', { name: /^learning_rate, axis/ }), { targetPosition: { x: 4, y: 6 } });
    expect((await order())[0]).toBe('use_bias');
    const reordered = await order();
    await expect(chips).toHaveText([...reordered]);

    // New data does not undo the order.
    await page.evaluate(() =>
      window.chartsHarness.update('parallel', window.chartsHarness.small({ seed: 99, runs: 60 })),
    );
    await expect(root).toHaveAttribute('data-version', /\d+/);
    await page.waitForTimeout(400);
    expect(await order()).toEqual(reordered);
    await expectDrawn(page, 'parallel');
  });

  test('user-provided names render as text, never as HTML', async ({ page }) => {
    const dialogs = await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    for (const kind of KINDS) {
      if (kind === 'scatter-3d' && !(await webglAvailable(page))) continue;
      await expectDrawn(page, kind, 500);
      if (kind === 'scatter-2d')
        await chartRoot(page, kind).getByLabel('Y axis', { exact: true }).selectOption(XSS_PARAM);
      const tip = await hoverUntilTooltip(page, kind);
      expect(tip, `${kind} shows a tooltip`).not.toBeNull();
      if (tip === null) continue;
      // The parameter name appears literally, as text (every tooltip lists the run's parameters).
      await expect(tip).toContainText(XSS_PARAM);
      await page.mouse.move(0, 0);
    }
    // The metric name and the axis chip too.
    await chartRoot(page, 'metric').getByTestId('metric-select').selectOption(XSS_METRIC);
    await expect(chartRoot(page, 'metric').locator('.odc-plot')).toHaveAttribute(
      'aria-label',
      new RegExp(`^Metric curves: ${XSS_METRIC.replace(/[()]/g, '\\$&')}`),
    );
    await expect(chartRoot(page, 'parallel').getByTestId('axis-chip').filter({ hasText: XSS_PARAM })).toHaveCount(1);
    // Nothing was parsed as markup: no element from any name, no script ran.
    expect(await page.locator('img, script:not([type=module]), b').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    // And the strict Content-Security-Policy of the harness (no eval, no inline script or style) held.
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  });

  test('light and dark schemes: the charts follow the scheme live, screenshots of each', async ({ page }) => {
    await openHarness(page, 'light');
    for (const size of ['small', 'large'] as const) {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.evaluate((s) => window.chartsHarness.mountAll(s), size);
      for (const kind of KINDS) await expectDrawn(page, kind, kind === 'scatter-3d' ? 0 : 2000);
      await page.waitForTimeout(1200);
      const light = new Map<Kind, Buffer>();
      for (const kind of KINDS)
        light.set(kind, await chartRoot(page, kind).screenshot({ path: screenshotPath(`${kind}-${size}-light`) }));
      // Switching the OS scheme re-themes mounted charts without a reload.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForTimeout(1500);
      for (const kind of KINDS) {
        const dark = await chartRoot(page, kind).screenshot({ path: screenshotPath(`${kind}-${size}-dark`) });
        expect(dark.equals(light.get(kind) ?? Buffer.alloc(0)), `${kind} changed with the scheme`).toBe(false);
      }
    }
  });

  test('empty states say what is missing', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(async () => {
      const h = window.chartsHarness;
      for (const kind of ['metric', 'parallel', 'scatter-2d', 'best-so-far'] as const)
        await h.mount(kind, kind, h.emptyData('no-runs'));
    });
    for (const kind of ['metric', 'parallel', 'scatter-2d', 'best-so-far'] as const) {
      await expect(page.getByTestId(`${TEST_ID[kind]}-empty`)).toContainText('No runs yet');
    }
    await page.evaluate(async () => {
      const h = window.chartsHarness;
      await h.mount('metric', 'metric', h.emptyData('no-metric'));
      await h.mount('best-so-far', 'best-so-far', h.emptyData('no-metric'));
      await h.mount('scatter-2d', 'scatter-2d', h.emptyData('one-param'));
      await h.mount('scatter-3d', 'scatter-3d', h.emptyData('one-param'));
    });
    await expect(page.getByTestId('metric-chart-empty')).toHaveText('No run has logged “val_accuracy” yet.');
    await expect(page.getByTestId('best-so-far-empty')).toHaveText('No run has reported “val_accuracy” yet.');
    await expect(page.getByTestId('scatter-2d-empty')).toContainText('needs at least two hyperparameters');
    await expect(page.getByTestId('scatter-3d-empty')).toContainText(/needs at least three hyperparameters|WebGL/);
    // Data arriving later replaces the empty state.
    await page.evaluate(() => window.chartsHarness.update('metric', window.chartsHarness.small()));
    await expect(page.getByTestId('metric-chart-empty')).toBeHidden();
    await expectDrawn(page, 'metric');
  });

  test('without WebGL the 3-D scatter shows a message instead of throwing', async ({ page }) => {
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      // @ts-expect-error -- narrowing the overloads is not the point here
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        if (type === 'webgl' || type === 'webgl2' || type === 'experimental-webgl') return null;
        return (original as (this: HTMLCanvasElement, t: string, ...r: unknown[]) => unknown).call(this, type, ...rest);
      };
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mount('scatter-3d', 'scatter-3d', window.chartsHarness.small()));
    await expect(page.getByTestId('scatter-3d-empty')).toContainText('needs WebGL');
    expect(await webglAvailable(page)).toBe(false);
    await page.evaluate(() => window.chartsHarness.update('scatter-3d', window.chartsHarness.small({ seed: 3 })));
    await page.waitForTimeout(300);
    expect(errors).toEqual([]);
  });

  test('a chart a screen or more from the view skips live data until it comes near, then draws the latest', async ({
    page,
  }) => {
    await openHarness(page);
    await page.evaluate(async () => {
      const h = window.chartsHarness;
      const sweep = new h.SyntheticSweep({ runs: 40, intervals: 20, running: 4 });
      (window as unknown as { farSweep: typeof sweep }).farSweep = sweep;
      await h.mount('metric', 'metric', sweep.data());
    });
    await expectDrawn(page, 'metric');
    const version = async (): Promise<number> => Number(await chartRoot(page, 'metric').getAttribute('data-version'));
    const first = await version();
    // Far below the chart: two screens of page, scrolled to the end.
    await page.evaluate(() => {
      const spacer = document.createElement('div');
      spacer.id = 'far-spacer';
      spacer.style.height = '4000px';
      document.body.append(spacer);
      window.scrollTo(0, document.body.scrollHeight);
    });
    await page.waitForTimeout(300);
    const step = (times: number): Promise<number> =>
      page.evaluate((n) => {
        const sweep = (window as unknown as { farSweep: InstanceType<typeof window.chartsHarness.SyntheticSweep> })
          .farSweep;
        let version = 0;
        for (let i = 0; i < n; i++) {
          sweep.step();
          const data = sweep.data();
          window.chartsHarness.update('metric', data);
          version = data.version;
        }
        return version;
      }, times);
    const latest = await step(5);
    await page.waitForTimeout(1200);
    expect(await version(), 'no redraw while far from the view').toBe(first);
    await chartRoot(page, 'metric').scrollIntoViewIfNeeded();
    await expect.poll(version, { message: 'the latest data is drawn once near' }).toBe(latest);
    await expectDrawn(page, 'metric');
    // Near the view, live data draws again as it comes.
    const next = await step(1);
    await expect.poll(version).toBe(next);
  });

  test('clicking a point or a curve selects its run; a highlight is drawn', async ({ page }) => {
    await openHarness(page);
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    for (const kind of ['scatter-2d', 'best-so-far', 'metric'] as const) {
      await expectDrawn(page, kind);
      const tip = await hoverUntilTooltip(page, kind);
      expect(tip, `${kind} shows a tooltip`).not.toBeNull();
      await page.mouse.down();
      await page.mouse.up();
      const last = (await page.evaluate((slot) => window.chartsHarness.selectionLog(slot), kind)).at(-1);
      expect(last?.kind, `${kind} reports a selection`).toBe('runs');
      expect(last?.runIds).toHaveLength(1);
      const before = await page.evaluate((slot) => window.chartsHarness.ink(slot).inked, kind);
      await page.evaluate(([slot, id]) => window.chartsHarness.chart(slot).highlight(new Set([id])), [
        kind,
        last?.runIds?.[0] ?? '',
      ] as const);
      await expect.poll(() => page.evaluate((slot) => window.chartsHarness.ink(slot).inked, kind)).not.toBe(before);
      await page.mouse.move(0, 0);
    }
  });

  test('charts fit a 320 px wide container and follow it when it grows', async ({ page }) => {
    await openHarness(page);
    await page.setViewportSize({ width: 360, height: 900 });
    await page.evaluate(() => {
      for (const slot of document.querySelectorAll<HTMLElement>('.slot')) slot.style.width = '320px';
    });
    await page.evaluate(() => window.chartsHarness.mountAll('small'));
    for (const kind of KINDS) {
      const root = chartRoot(page, kind);
      await expect(root).toBeVisible();
      const width = await root.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(width.scroll, `${kind} does not overflow`).toBeLessThanOrEqual(322);
      if (kind !== 'scatter-3d' || (await webglAvailable(page))) await expectDrawn(page, kind, 500);
      await root.screenshot({ path: screenshotPath(`${kind}-320px`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => {
      for (const slot of document.querySelectorAll<HTMLElement>('.slot')) slot.style.width = '';
    });
    await expect
      .poll(() => page.evaluate(() => document.querySelector('#metric canvas')?.getBoundingClientRect().width ?? 0))
      .toBeGreaterThan(600);
  });

  test('1000 runs x 100 intervals: longest main-thread task during a burst of updates, per chart', async ({
    page,
    browser,
  }) => {
    test.setTimeout(300_000);
    await openHarness(page);
    const results: string[] = [];
    for (const kind of KINDS) {
      const mounting = await page.evaluate(async (slot) => {
        const h = window.chartsHarness;
        const data = new h.SyntheticSweep({ runs: 1000, intervals: 100, running: 12 }).data();
        await h.sleep(300);
        let longest = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
        });
        observer.observe({ type: 'longtask' });
        await h.mount(slot, slot, data);
        await h.sleep(1500);
        observer.disconnect();
        return Math.round(longest);
      }, kind);
      await page.evaluate((slot) => window.chartsHarness.prepareBurst(slot, 40), kind);
      const versionBefore = Number(await chartRoot(page, kind).getAttribute('data-version'));
      // Besides the 'longtask' observer (wall clock), a trace gives each task's thread time:
      // on a loaded machine the wall clock also counts the time other processes had the CPU.
      await browser.startTracing(page, { categories: ['toplevel'] });
      const burst = await page.evaluate((slot) => window.chartsHarness.runBurst(slot, 30), kind);
      const versionAfter = Number(await chartRoot(page, kind).getAttribute('data-version'));
      const cpu = longestRendererTask(await browser.stopTracing());
      expect(burst.supported).toBe(true);
      // Printed against the 50 ms budget, not asserted: timings are the benchmark's to judge
      // (npm run bench, "Studio at scale"), and a busy CI machine stretches even thread time.
      const verdict = cpu.thread <= MAIN_THREAD_BUDGET_MS ? 'within' : 'OVER';
      const line =
        `${kind}: longest task during the burst ${burst.longest === 0 ? 'none over 50' : burst.longest} ms wall clock ` +
        `(${burst.count} long tasks), ${cpu.thread} ms thread time, ${verdict} the ${MAIN_THREAD_BUDGET_MS} ms budget (${cpu.wall} ms wall in the trace); first draw ${mounting === 0 ? 'none over 50' : mounting} ms`;
      results.push(line);
      console.log(`[1000x100] ${line}`);
      // The trace saw the page's main thread, and the chart redrew newer data while it was on:
      // the redraws are among the measured tasks.
      expect(cpu.tasks, `${kind}: main-thread tasks in the trace`).toBeGreaterThan(0);
      expect(versionAfter, `${kind} drew the burst's updates while traced`).toBeGreaterThan(versionBefore);
    }
    test.info().annotations.push({ type: 'longest tasks at 1000 x 100', description: results.join('; ') });
  });
});
