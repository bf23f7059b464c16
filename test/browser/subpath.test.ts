import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { expect, test } from '@playwright/test';

// The production build, as `npm run build` makes it, copied to a folder of a plain static host
// (no security headers, no rewrites) and opened at /overdrive/: every page, chunk, worker, wasm
// binary and data file must load from there, the embed snippet must name the script there, and
// the build must not contain the browser tests' harness pages.

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

let dir: string;
let server: Server;
let origin: string;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  dir = await mkdtemp(join(tmpdir(), 'overdrive-subpath-'));
  const outDir = join(dir, 'site', 'overdrive');
  // A separate process without OVERDRIVE_TEST_PAGES (which playwright.config.ts sets for the
  // suite's own build): exactly the build a user gets.
  const env = { ...process.env };
  delete env['OVERDRIVE_TEST_PAGES'];
  const built = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--logLevel', 'error'], {
    encoding: 'utf8',
    env,
    timeout: 540_000,
  });
  expect(built.status, built.stderr).toBe(0);
  const site = resolve(dir, 'site');
  server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      let file = resolve(site, `.${path}`);
      if (!file.startsWith(site + sep)) return void response.writeHead(403).end();
      try {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        await stat(file);
      } catch {
        return void response.writeHead(404).end();
      }
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(response);
    })();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

test('the build ships no test harness page', async () => {
  const built = await files(join(dir, 'site', 'overdrive'));
  // The sandbox frame the trial workers start from (src/pool/sandbox) is a page of the app.
  const sandboxFrame = /^assets[\\/]frame-[\w-]+\.html$/;
  expect(built.filter((f) => sandboxFrame.test(f))).toHaveLength(1);
  const pages = built.filter((f) => f.endsWith('.html') && !sandboxFrame.test(f)).sort();
  expect(pages).toEqual([
    'index.html',
    join('src', 'app', 'headless.html'),
    join('src', 'studio', 'run-details', 'embed.html'),
  ]);
  expect(built.filter((f) => f.includes('harness') || f.startsWith(`test${sep}`))).toEqual([]);
});

test('the built app works from a sub-path of a plain static host: Studio, workers, wasm, data, embed', async ({
  page,
}) => {
  const failed: string[] = [];
  const errors: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  // Aborted loads are chunks still loading when the test moves to the next page: not a miss.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') failed.push(`failed ${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const workspace = `subpath-${Date.now()}`;
  await page.goto(`${origin}/overdrive/?workspace=${workspace}#/history`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  // The digits data set (fetched in the worker), the wasm backend's binary and the worker script
  // all resolve under /overdrive/.
  const sweepId = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({
        learning_rate: od.choice(0.05),
        hidden_units: 8,
        epochs: 1,
        train_samples: 200,
        checkpoint_interval: 0,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const live = await window.studioSession!.submit('subpath', config, { backend: 'wasm' });
    await live.sweep.waitForCompletion();
    return live.sweep.id;
  });
  await page.goto(`${origin}/overdrive/?workspace=${workspace}#/sweep/${encodeURIComponent(sweepId)}`);
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  const runs = await page.evaluate(
    async (id) => (await window.studioSession!.workspace.store.listRuns(id)).map((r) => [r.status, r.backend]),
    sweepId,
  );
  expect(runs).toEqual([['Completed', 'wasm']]);

  // The embed snippet names the script where it is, and the page it goes into shows the sweep.
  const snippet = await page.getByTestId('embed').locator('textarea').inputValue();
  expect(snippet).toContain('<script type="module" src="/overdrive/overdrive-run-details.js"></script>');
  const embedPage = `${origin}/overdrive/src/studio/run-details/embed.html?sweep=${sweepId}&workspace=${workspace}`;
  await page.goto(embedPage);
  await expect(page.locator('#embed-code')).toContainText('src="/overdrive/overdrive-run-details.js"');
  await expect(page.getByTestId('run-details').getByTestId('run-table').locator('tbody tr[data-run-id]')).toHaveCount(
    1,
  );

  // The headless page the CLI drives loads too.
  await page.goto(`${origin}/overdrive/src/app/headless.html`);
  await page.waitForFunction(() => window.overdriveHeadless !== undefined);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
