import { expect, test, type Page } from '@playwright/test';

// The XSS corpus: every payload goes through every place a user string is shown — the
// experiment name (the sweep's title), a parameter name and its string choice values, metric
// names, the error message of a failing run, the charts (tooltips and axes), the
// <overdrive-run-details> embed and the history page. Nowhere may it become markup: no dialog,
// no element or attribute from the payload in the DOM (shadow roots included), and the text
// itself shown as text.

interface Payload {
  readonly name: string;
  readonly text: string;
  /** Matches what the payload adds to the DOM when it reaches its sink. */
  readonly marker: string;
  /**
   * The careless rendering it is built to break out of: markup (innerHTML), a quoted attribute,
   * or markup made from text that was decoded once already.
   */
  readonly sink: 'html' | 'double-quoted attribute' | 'single-quoted attribute' | 'decoded html';
}

const PAYLOADS: readonly Payload[] = [
  { name: 'img onerror', text: '<img src=x id=xss1 onerror=alert(1)>', marker: '#xss1', sink: 'html' },
  { name: 'svg onload', text: '<svg id=xss2 onload=alert(2)>', marker: '#xss2', sink: 'html' },
  { name: 'script tag', text: '<script id=xss3>alert(3)</script>', marker: '#xss3', sink: 'html' },
  {
    name: 'javascript: URL',
    text: '<a id=xss4 href="javascript:alert(4)">javascript:alert(4)</a>',
    marker: '#xss4',
    sink: 'html',
  },
  {
    name: 'double-quote attribute breaker',
    text: '"><img src=x id=xss5 onerror=alert(5)>',
    marker: '#xss5',
    sink: 'double-quoted attribute',
  },
  {
    name: 'single-quote attribute breaker',
    text: `' onmouseover='alert(6)' data-xss6='`,
    marker: '[data-xss6]',
    sink: 'single-quoted attribute',
  },
  {
    name: 'entity-encoded',
    text: '&lt;img src=x id=xss7 onerror=alert(7)&gt; &#60;b id=xss7b&#62;x&#60;/b&#62;',
    marker: '#xss7, #xss7b',
    sink: 'decoded html',
  },
  { name: 'unicode RTL override', text: '\u202E<b id=xss8>gnp.exe</b>\u202C', marker: '#xss8', sink: 'html' },
  {
    name: 'iframe with a javascript: source',
    text: '<iframe id=xss9 src="javascript:alert(9)"></iframe>',
    marker: '#xss9',
    sink: 'html',
  },
  { name: 'style tag', text: '<style id=xss10>body{display:none}</style>', marker: '#xss10', sink: 'html' },
  // Names are capped at 255 characters; with " (2)" and " loss" appended it stays under that.
  { name: 'very long string', text: `<i id=xss11>${'W'.repeat(220)}</i>`, marker: '#xss11', sink: 'html' },
];

/** What the page holds that a payload could have injected, looking into open shadow roots too. */
async function injected(page: Page, marker: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot): void => {
      if (root.querySelector(selector) !== null) found.push(`an element matching ${selector}`);
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          if (/^on/i.test(attribute.name)) found.push(`${element.tagName} with ${attribute.name}`);
          if (
            /^\s*javascript:/i.test(attribute.value) &&
            /^(href|src|action|formaction|xlink:href)$/i.test(attribute.name)
          ) {
            found.push(`${element.tagName} with ${attribute.name}=${attribute.value}`);
          }
        }
        if (element.tagName === 'SCRIPT' && (element.textContent ?? '').includes('alert('))
          found.push('an inline script');
        if (element.shadowRoot !== null) visit(element.shadowRoot);
      }
    };
    visit(document);
    return found;
  }, marker);
}

/** A one-parameter sweep whose every user string is the payload; its second run fails with it. */
async function sweepOf(page: Page, payload: string): Promise<string> {
  return page.evaluate(async (p) => {
    const od = window.overdrive;
    const code = `const P = ${JSON.stringify(p)};
      export default async function train(params, run) {
        if (String(params[P]).endsWith(' (2)')) throw new Error(P);
        for (let i = 1; i <= 3; i++) {
          run.log(P, i / 4);
          run.log(P + ' loss', 1 / i);
        }
      }`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const live = await window.studioSession!.submit(
      p,
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({ [p]: od.choice(p, `${p} (2)`) }),
        primaryMetricName: p,
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        maxConcurrentRuns: 1,
        trial: { kind: 'module', url },
      }),
      { backend: 'cpu' },
    );
    const record = await live.sweep.waitForCompletion();
    await window.studioSession!.workspace.store.flush();
    return record.id;
  }, payload);
}

async function hoverCharts(page: Page): Promise<void> {
  for (const id of ['metric-chart', 'parallel-coordinates']) {
    const canvas = page.getByTestId(id).locator('canvas').first();
    if ((await canvas.count()) === 0) continue;
    const box = await canvas.boundingBox();
    if (box === null) continue;
    for (const [fx, fy] of [
      [0.5, 0.5],
      [0.25, 0.4],
      [0.75, 0.6],
    ] as const)
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  }
}

test('XSS corpus: each payload does inject its marker when it reaches its sink, so the checks below can fail', async ({
  page,
}) => {
  await page.goto('/test/browser/pages/engine.html');
  for (const payload of PAYLOADS) {
    await page.evaluate(({ text, sink }) => {
      const host = document.createElement('div');
      host.id = 'sink';
      document.getElementById('sink')?.remove();
      document.body.append(host);
      const decoded = (): string =>
        new DOMParser().parseFromString(text, 'text/html').documentElement.textContent ?? '';
      const html =
        sink === 'double-quoted attribute'
          ? `<span title="${text}">x</span>`
          : sink === 'single-quoted attribute'
            ? `<span title='${text}'>x</span>`
            : sink === 'decoded html'
              ? decoded()
              : text;
      host.innerHTML = html;
    }, payload);
    expect(await injected(page, payload.marker), payload.name).not.toEqual([]);
  }
});

for (const [i, payload] of PAYLOADS.entries()) {
  test(`XSS corpus: ${payload.name} is text everywhere a user string is shown`, async ({ page }) => {
    const workspace = `xss-${i}-${Date.now()}`;
    const problems: string[] = [];
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const text = payload.text;

    await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/history`);
    await page.waitForFunction(() => window.studioSession !== undefined);
    const id = await sweepOf(page, text);

    // The sweep page: title, run table (parameter name, values, the failed run's error), best
    // run (metric name), then the charts with the pointer over them for their tooltips.
    await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/sweep/${encodeURIComponent(id)}`);
    await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
    await expect(page.locator('h2')).toContainText(text);
    const table = page.getByTestId('run-table');
    await expect(table).toContainText(text);
    await expect(table).toContainText(`${text} (2)`);
    await expect(table).toContainText(`Error: ${text}`);
    await expect(page.getByTestId('best-run')).toContainText(text);
    await expect(page.getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
    await hoverCharts(page);
    expect(await injected(page, payload.marker)).toEqual([]);

    // The embed, in its shadow root.
    await page.goto(
      `/src/studio/run-details/embed.html?sweep=${encodeURIComponent(id)}&workspace=${encodeURIComponent(workspace)}`,
    );
    await expect(page.locator('#details')).toContainText(text);
    await expect(page.locator('#details').getByTestId('metric-chart').locator('canvas').first()).toBeVisible();
    await hoverCharts(page);
    expect(await injected(page, payload.marker)).toEqual([]);

    // The history page lists the experiment by name.
    await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/history`);
    await expect(page.getByTestId('history')).toContainText(text);
    expect(await injected(page, payload.marker)).toEqual([]);
    expect(problems).toEqual([]);
  });
}
