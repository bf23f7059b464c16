import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';

// Issue 15, item 5: a training module may import its own relative files (several files or a
// folder), through a served folder (the CLI's case) and through the Studio, where picked files
// are stored in this origin so that a reload can continue the sweep; and a module that imports
// or fetches a file that is not there gets an error naming the URL and the status, not the host's
// index page. Everything runs in the sandboxed trial workers of the built app, served by a plain
// static host with no security headers.

const DIST = resolve(import.meta.dirname, '../..', process.env['OVERDRIVE_TEST_DIST'] ?? 'dist');
const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const MODULE_FOLDER = resolve(FIXTURES, 'module-files');

let server: StaticServer;

test.beforeAll(async () => {
  server = await startStaticServer(
    DIST,
    {
      '/fixtures/module-files/': MODULE_FOLDER,
      '/fixtures/broken/main.js': resolve(FIXTURES, 'module-broken-import.js'),
      '/fixtures/fetching/main.js': resolve(FIXTURES, 'module-fetch-missing.js'),
      // A single-page-app host answers an unknown path with its index page: status 200, text/html.
      '/fixtures/fetching/mine.csv': resolve(DIST, 'index.html'),
      '/fixtures/spa/main.js': resolve(FIXTURES, 'module-broken-import.js'),
      '/fixtures/spa/helpres.js': resolve(DIST, 'index.html'),
    },
    0,
    'none',
  );
});

test.afterAll(async () => {
  await server.close();
});

interface RunOutcome {
  readonly status: string;
  readonly error: string | null;
  readonly scores: readonly number[];
}

/** Runs `url` as a one-run sweep (x = 2) in the pool harness's sandboxed workers. */
async function runModule(page: Page, url: string): Promise<RunOutcome> {
  await page.goto(`${server.url}/test/browser/pages/pool.html`);
  await page.waitForFunction(() => window.poolHarness !== undefined);
  return page.evaluate(async (moduleUrl) => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    try {
      const summary = await h.runSweep(pool, {
        name: `module-files-${Date.now()}`,
        sampling: new h.GridParameterSampling({ x: h.choice(2) }),
        primaryMetricName: 'score',
        maxTotalRuns: 1,
        maxConcurrentRuns: 1,
        trial: { kind: 'module', url: moduleUrl },
      });
      const run = summary.runs[0];
      const score = run?.metrics['score'];
      return {
        status: run?.status ?? 'none',
        error: run?.error?.message ?? null,
        scores: score === undefined ? [] : Array.isArray(score) ? score : [score],
      };
    } finally {
      await pool.dispose();
    }
  }, url);
}

test('a served module imports its helpers (and a sub-folder) and reads a JSON file beside it', async ({ page }) => {
  const outcome = await runModule(page, `${server.url}/fixtures/module-files/main.js`);
  // score = x * factor (parts/factor.js) + bias (weights.json) + epoch
  expect(outcome).toEqual({ status: 'Completed', error: null, scores: [20.5 + 1, 20.5 + 2, 20.5 + 3] });
});

test('an import of a missing file names the file, the module importing it and the status', async ({ page }) => {
  const outcome = await runModule(page, `${server.url}/fixtures/broken/main.js`);
  expect(outcome.status).toBe('Failed');
  expect(outcome.error).toContain(
    `${server.url}/fixtures/broken/helpres.js (imported by ${server.url}/fixtures/broken/main.js) could not be loaded: HTTP 404 (no such file)`,
  );
});

test("an import answered with the host's index page says so", async ({ page }) => {
  const outcome = await runModule(page, `${server.url}/fixtures/spa/main.js`);
  expect(outcome.status).toBe('Failed');
  expect(outcome.error).toContain(
    `${server.url}/fixtures/spa/helpres.js (imported by ${server.url}/fixtures/spa/main.js) could not be loaded: the server answered with an HTML page (HTTP 200, text/html`,
  );
});

test("a fetch of a data file answered with the host's index page fails naming the URL and status", async ({ page }) => {
  const outcome = await runModule(page, `${server.url}/fixtures/fetching/main.js`);
  expect(outcome.status).toBe('Failed');
  expect(outcome.error).toContain(
    `fetch ${server.url}/fixtures/fetching/mine.csv: the server answered with an HTML page (HTTP 200, text/html; charset=utf-8) instead of the file`,
  );
  expect(outcome.scores).toEqual([]);
});

/** A spec for the picked module: x in {1, 2, 3, 4}, one run at a time, each about a second long. */
const SPEC = {
  experiment_name: 'picked-module',
  trial: 'spiral',
  search_space: { x: { type: 'choice', values: [1, 2, 3, 4] }, pause: 350 },
  sampling_algorithm: 'grid',
  objective: { primary_metric: 'score', goal: 'maximize' },
  limits: { max_total_trials: 4, max_concurrent_trials: 1 },
  backend: 'cpu',
};

async function openBuilder(page: Page, workspace: string): Promise<void> {
  await page.goto(`${server.url}/?workspace=${encodeURIComponent(workspace)}#/`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  await page.locator('.spec-panel summary').click();
  await page.getByTestId('spec-json').fill(JSON.stringify(SPEC, null, 2));
  await page.getByTestId('apply-spec').click();
  // The spec is read in the Studio's spec worker: wait until the form holds it.
  await expect(page.locator('fieldset.objective input').first()).toHaveValue('score');
  await page.getByLabel('My training module').check();
}

async function scoresOf(page: Page, sweepId: string): Promise<{ status: string; best: number | null }[]> {
  return page.evaluate(async (id) => {
    const runs = await window.studioSession!.workspace.store.listRuns(id);
    return runs.map((r) => ({ status: r.status, best: r.bestMetric }));
  }, sweepId);
}

test('a folder picked in the Studio runs with its own imports, and its sweep continues after a reload', async ({
  page,
}) => {
  const workspace = `module-folder-${Date.now()}`;
  await openBuilder(page, workspace);
  await page.getByTestId('module-folder').setInputFiles(MODULE_FOLDER);
  await expect(page.getByTestId('module-picked')).toContainText('module-files/main.js and 3 more files');
  await expect(page.getByTestId('module-picked')).toContainText('stored in this browser');
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  const sweepId = decodeURIComponent(page.url().split('#/sweep/')[1] ?? '');
  // Reload once the first run has finished and before the last has: the sweep is interrupted.
  await expect
    .poll(async () => (await scoresOf(page, sweepId)).filter((r) => r.status === 'Completed').length, {
      timeout: 60_000,
    })
    .toBeGreaterThanOrEqual(1);
  await page.evaluate(() => window.studioSession!.workspace.store.flush());
  await page.reload();
  await page.waitForFunction(() => window.studioSession !== undefined);
  await expect(page.getByTestId('sweep-status')).toHaveText('Interrupted', { timeout: 30_000 });
  // The module is read again from this origin's storage: no blob: URL survived the reload.
  await page.getByTestId('continue-sweep').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 120_000 });
  const runs = await scoresOf(page, sweepId);
  expect(runs.map((r) => r.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
  // The best score of x is x * 10 + 0.5 + 3: helpers, parts/factor.js and weights.json all loaded.
  expect(runs.map((r) => r.best).sort()).toEqual([13.5, 23.5, 33.5, 43.5]);
});

test('several files picked together run as one module; a picked module that imports a file left out names it', async ({
  page,
}) => {
  const read = (name: string) => readFile(resolve(MODULE_FOLDER, name));
  const file = async (name: string) => ({ name, mimeType: 'text/javascript', buffer: await read(name) });
  const weights = { name: 'weights.json', mimeType: 'application/json', buffer: await read('weights.json') };
  // helpers.js imports parts/factor.js, which a flat pick of files cannot hold: a copy without it.
  const helpers = {
    name: 'helpers.js',
    mimeType: 'text/javascript',
    buffer: Buffer.from('export const EPOCHS = 3;\nexport function scale(x) { return x * 10; }\n'),
  };
  const workspace = `module-files-${Date.now()}`;
  await openBuilder(page, workspace);
  await page.getByTestId('module-files').setInputFiles([await file('main.js'), helpers, weights]);
  await expect(page.getByTestId('module-picked')).toContainText('main.js and 2 more files');
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 120_000 });
  const sweepId = decodeURIComponent(page.url().split('#/sweep/')[1] ?? '');
  expect((await scoresOf(page, sweepId)).map((r) => r.best).sort()).toEqual([13.5, 23.5, 33.5, 43.5]);

  // The original helpers.js imports ./parts/factor.js, which was not picked.
  await openBuilder(page, workspace);
  await page.getByTestId('module-files').setInputFiles([await file('main.js'), await file('helpers.js'), weights]);
  await expect(page.getByTestId('module-picked')).toContainText('main.js and 2 more files');
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  await expect(page.getByTestId('sweep-status')).toHaveText('Failed', { timeout: 120_000 });
  const failed = decodeURIComponent(page.url().split('#/sweep/')[1] ?? '');
  const errors = await page.evaluate(async (id) => {
    const runs = await window.studioSession!.workspace.store.listRuns(id);
    return runs.map((r) => r.error?.message ?? '');
  }, failed);
  expect(errors[0]).toMatch(
    /overdrive-module:\/\/sha256-[0-9a-f]{64}\/parts\/factor\.js \(imported by overdrive-module:\/\/sha256-[0-9a-f]{64}\/helpers\.js\) could not be loaded: HTTP 404 \(no such file\): the picked module has no file "parts\/factor\.js"/,
  );
});
