import { readFile, writeFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from '../../src/security/content-security-policy.js';

// The app's security promises, checked in real Chromium: a strict Content-Security-Policy in
// every page and on every response, no request to any host but the app's own, training code
// only in workers, and imported data that is never run.

const BASE = `http://127.0.0.1:${process.env['OVERDRIVE_TEST_PORT'] ?? 4173}`;

/** Records every CSP violation the page (or its workers) reports. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __violations: string[] }).__violations.push(
        `${event.violatedDirective} ${event.blockedURI}${event.blockedURI === 'eval' ? ` at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : ''}`,
      );
    });
  });
}

test('the built app ships a strict Content-Security-Policy that blocks injected scripts and breaks nothing it needs', async ({
  page,
}) => {
  await watchViolations(page);
  const headers = new Map<string, string | undefined>();
  page.on('response', (response) =>
    headers.set(new URL(response.url()).pathname, response.headers()['content-security-policy']),
  );
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`/?workspace=csp-${Date.now()}#/`);
  await page.waitForFunction(() => window.studioSession !== undefined);

  // Exactly the policy in src/security, in the page and on the response: nothing added on the way.
  const metas = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(metas).toHaveCount(1);
  expect(await metas.getAttribute('content')).toBe(CONTENT_SECURITY_POLICY);
  expect(headers.get('/')).toBe(CONTENT_SECURITY_POLICY_HEADER);
  // And that policy is the strict one: no eval, no inline script or style.
  expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
  expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
  expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  // 'self': the Studio frames its own trial sandbox; other origins may not frame it.
  expect(CONTENT_SECURITY_POLICY_HEADER).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`);

  // A real sweep with every chart drawn, then the policy must have refused nothing.
  const id = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.05, 0.1),
        hidden_units: od.choice(4, 8),
        epochs: 3,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'spiral' },
    });
    const live = await window.studioSession!.submit('csp', config, { backend: 'wasm' });
    return live.sweep.id;
  });
  await page.goto(
    `/?workspace=${encodeURIComponent(await page.evaluate(() => window.studioSession!.name))}#/sweep/${encodeURIComponent(id)}`,
  );
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 120_000 });
  await expect(page.getByTestId('scatter-3d')).toBeVisible();
  await page.waitForTimeout(1_000);
  const workerScripts = [...headers].filter(([path]) => /worker/i.test(path));
  expect(workerScripts.length).toBeGreaterThan(0);
  for (const [path, csp] of workerScripts) expect(csp, path).toBe(CONTENT_SECURITY_POLICY_HEADER);
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);

  // What an injection would do is refused.
  const injected = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__inline = true';
    document.head.append(script);
    const handler = document.createElement('img');
    handler.setAttribute('onerror', 'window.__handler = true');
    handler.src = 'data:,';
    document.body.append(handler);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const w = window as unknown as { __inline?: boolean; __handler?: boolean; __violations: string[] };
    return { inline: w.__inline ?? false, handler: w.__handler ?? false, violations: w.__violations };
  });
  expect(injected.inline).toBe(false);
  expect(injected.handler).toBe(false);
  expect(injected.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(errors).toEqual([]);
});

test('no request leaves the app’s origin at run time, from the page or from its workers', async ({ page, context }) => {
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await page.goto(`/?workspace=net-${Date.now()}#/`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  const id = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.01, 0.03),
        hidden_units: 16,
        epochs: 2,
        train_samples: 300,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    // 'auto' measures every backend, so WebGPU, WebGL, wasm and cpu all load what they need.
    const live = await window.studioSession!.submit('net', config, { backend: 'auto' });
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  });
  await page.goto(
    `/?workspace=${encodeURIComponent(await page.evaluate(() => window.studioSession!.name))}#/sweep/${encodeURIComponent(id)}`,
  );
  await expect(page.getByTestId('parallel-coordinates')).toBeVisible();
  await page.waitForTimeout(1_000);
  const foreign = requests.filter(
    (url) => !url.startsWith(`${BASE}/`) && !url.startsWith('blob:') && !url.startsWith('data:'),
  );
  expect(foreign).toEqual([]);
  // The data set and the WebAssembly binaries did come, from here.
  expect(requests.some((url) => url.endsWith('/datasets/digits.csv'))).toBe(true);
  expect(requests.some((url) => /\.wasm$/.test(url))).toBe(true);
});

test('training modules run in workers, never on the page’s thread', async ({ page }) => {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
  const metrics = await page.evaluate(async () => {
    const r = window.runtime;
    const url = URL.createObjectURL(
      new Blob(
        [
          `export default async function train(params, run) {
            run.log('window', typeof window === 'undefined' ? 0 : 1);
            run.log('document', typeof document === 'undefined' ? 0 : 1);
            run.log('worker_scope', typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope ? 1 : 0);
            run.log('accuracy', 1);
          }`,
        ],
        { type: 'text/javascript' },
      ),
    );
    const ws = await r.BrowserWorkspace.open({ name: `where-${Date.now()}` });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({ x: r.choice(1) }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      trial: { kind: 'module', url },
    });
    const { sweep, pool } = await ws.submit('where', config, { backend: 'cpu' });
    await sweep.waitForCompletion();
    const values = Object.values(sweep.getMetrics())[0];
    await ws.close();
    return { values, pooled: pool !== null };
  });
  expect(metrics.pooled).toBe(true);
  expect(metrics.values).toMatchObject({ window: 0, document: 0, worker_scope: 1, accuracy: 1 });
});

test('an imported sweep is data: its trial module is never loaded, its strings never run', async ({
  page,
  context,
}, testInfo) => {
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const workspace = `import-${Date.now()}`;
  await page.goto(`/?workspace=${workspace}#/history`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  // A genuine export, edited the way an attacker would: a module URL to run and HTML everywhere.
  const exportedId = await page.evaluate(async () => {
    const od = window.overdrive;
    const live = await window.studioSession!.submit(
      'exported',
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({
          learning_rate: od.choice(0.05, 0.1),
          hidden_units: 4,
          epochs: 1,
        }),
        primaryMetricName: 'val_accuracy',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        trial: { kind: 'builtin', name: 'spiral' },
      }),
      { backend: 'cpu' },
    );
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await page.goto(`/?workspace=${workspace}#/sweep/${encodeURIComponent(exportedId)}`);
      await page.getByRole('button', { name: 'Export JSON' }).click();
    })(),
  ]);
  const original = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    sweep: { experiment: string; config: { trial: unknown } };
    runs: { error: unknown }[];
  };
  original.sweep.experiment = '<img src=x onerror=alert(1)>';
  original.sweep.config.trial = { kind: 'module', url: `${BASE}/evil-module.js` };
  const edited = testInfo.outputPath('edited.sweep.json');
  await writeFile(edited, JSON.stringify(original));
  const before = requests.length;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sweeps', exact: true }).click();
  await page.getByTestId('import-sweep').setInputFiles(edited);
  await expect(page).toHaveURL(/#\/sweep\//);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  await expect(page.locator('h2')).toContainText('<img src=x onerror=alert(1)>');
  await page.waitForTimeout(500);
  expect(requests.slice(before).filter((url) => url.includes('evil-module'))).toEqual([]);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(errors).toEqual([]);
});
