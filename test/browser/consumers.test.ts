import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { cp, mkdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { expect, type Page, test } from '@playwright/test';

// Overdrive as a user's app gets it: `npm pack` once (which builds lib/ through `prepack`),
// the tarball unpacked into each consumer's node_modules/overdrive, and the README's examples
// (test/consumers/, quoted verbatim by the README: test/unit/readme-consumers.test.ts) built by
// Vite, by webpack 5 and by nothing at all (an import map), each running a 4-trial sweep in
// Chromium to Completed. The consumers sit under the test results folder, inside the
// repository, so that the package's dependencies resolve from its node_modules as they would
// from a consumer's own.

const root = resolve(import.meta.dirname, '../..');
const work = resolve(root, process.env['OVERDRIVE_TEST_RESULTS'] ?? 'test-results', 'consumers');
const fixtures = resolve(root, 'test/consumers');
const SWEEP_MS = 240_000;

test.describe.configure({ mode: 'serial' });

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
let tarball = '';
let packedFiles: readonly PackedFile[] = [];
let unpackedSize = 0;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  // npm prints the prepack script's output before the JSON document.
  const [pack] = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as [
    { filename: string; files: PackedFile[]; unpackedSize: number },
  ];
  tarball = resolve(work, pack.filename);
  packedFiles = pack.files;
  unpackedSize = pack.unpackedSize;
});

/** A consumer folder: the fixture's files, app.js, and the tarball as node_modules/overdrive. */
async function consumer(name: string): Promise<string> {
  const dir = resolve(work, name);
  await rm(dir, { recursive: true, force: true });
  await cp(resolve(fixtures, name), dir, { recursive: true });
  await cp(resolve(fixtures, 'app.js'), resolve(dir, 'app.js'));
  await writeFile(resolve(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${name}`, type: 'module' })}\n`);
  const modules = resolve(dir, 'node_modules');
  await mkdir(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', modules]);
  await rename(resolve(modules, 'package'), resolve(modules, 'overdrive'));
  return dir;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.wasm': 'application/wasm',
};

/**
 * A plain static host with no security headers, answering a missing file with index.html (what
 * many hosts and dev servers do), so a wrong asset URL shows up as HTML where data was expected.
 */
async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      let file = resolve(dir, `.${normalize(path)}`);
      if (file !== dir && !file.startsWith(dir + sep)) {
        response.writeHead(403).end();
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        await stat(file);
      } catch {
        file = join(dir, 'index.html');
      }
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(response);
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Opens the consumer's page and waits for app.js to report its sweep Completed with 4 runs. */
async function expectCompletedSweep(page: Page, url: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  const status = page.locator('#status');
  await expect(status).toHaveText(/^(Completed|Failed|Canceled)/, { timeout: SWEEP_MS });
  expect(await status.textContent(), errors.join('\n')).toMatch(/^Completed: 4 runs, best val_accuracy 0\.\d+/);
}

test('the tarball holds the entry points, types, worker, binaries, data set, app and CLI, and nothing else', () => {
  const paths = packedFiles.map((f) => f.path);
  for (const required of [
    'package.json',
    'lib/index.js',
    'lib/browser.js',
    'lib/spec.js',
    'lib/element.js',
    'lib/types/src/index.d.ts',
    'lib/types/src/index.d.ts.map',
    'lib/types/src/browser/index.d.ts',
    'lib/types/src/spec.d.ts',
    'lib/types/src/studio/run-details/element.d.ts',
    'lib/workers/trial-worker.js',
    'lib/workers/sampler-worker.js',
    'lib/workers/data-worker.js',
    'lib/workers/analysis-worker.js',
    'lib/workers/wasm/tfjs-backend-wasm.wasm',
    'lib/workers/wasm/tfjs-backend-wasm-simd.wasm',
    'lib/workers/wasm/tfjs-backend-wasm-threaded-simd.wasm',
    'lib/datasets/digits.csv',
    'lib/app/index.html',
    'lib/app/src/app/headless.html',
    'lib/cli/overdrive.js',
    'src/index.ts',
  ]) {
    expect(paths, required).toContain(required);
  }
  // What runs, the TypeScript the declaration maps point into, and the package's own docs.
  const allowed = /^(lib\/|src\/|workers\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/;
  expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
  expect(paths.filter((p) => /(^|\/)(test|bench|docs|scripts)\/|harness-|\.test\.ts$/.test(p))).toEqual([]);
  // No Vite-only syntax or source paths survive into the JavaScript a consumer's bundler reads.
  const library = paths.filter((p) =>
    /^lib\/[^/]+\.js$|^lib\/workers\/(trial|sampler|data|analysis)-worker\.js$/.test(p),
  );
  for (const path of library) {
    const text = readFileSync(resolve(root, path), 'utf8');
    // In string literals only: esbuild's path comments name the sources.
    expect(text, path).not.toMatch(/['"][^'"\n]*(\?url|\?inline|\.ts)['"]/);
  }
  process.stdout.write(`tarball: ${paths.length} files, ${(unpackedSize / 1e6).toFixed(2)} MB unpacked\n`);

  // `npm publish --dry-run` has nothing to correct or complain about (lib/ was built by the pack
  // above); being logged out of the registry is the one warning a dry run here always gives.
  const publish = spawnSync('npm', ['publish', '--dry-run', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  expect(publish.status, publish.stderr).toBe(0);
  const warnings = publish.stderr.split('\n').filter((line) => /^npm (warn|error)/i.test(line));
  expect(warnings.filter((line) => !/requires you to be logged in/.test(line))).toEqual([]);
});

test('a Vite app built from the tarball runs a 4-trial sweep to Completed', async ({ page }) => {
  test.setTimeout(SWEEP_MS + 180_000);
  const dir = await consumer('vite');
  const { build } = await import('vite');
  await build({ root: dir, logLevel: 'error', build: { outDir: resolve(dir, 'dist') } });
  const server = await serve(resolve(dir, 'dist'));
  try {
    await expectCompletedSweep(page, server.url);
  } finally {
    await server.close();
  }
});

test('the same Vite app under `vite dev` runs its sweep to Completed', async ({ page }) => {
  test.setTimeout(SWEEP_MS + 120_000);
  const dir = resolve(work, 'vite');
  const { createServer: createViteServer } = await import('vite');
  const server = await createViteServer({
    root: dir,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  try {
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    await expectCompletedSweep(page, url as string);
  } finally {
    await server.close();
  }
});

test('a webpack 5 app built from the tarball runs a 4-trial sweep to Completed', async ({ page }) => {
  test.setTimeout(SWEEP_MS + 300_000);
  const dir = await consumer('webpack');
  const { default: webpack } = await import('webpack');
  const { default: config } = (await import(resolve(dir, 'webpack.config.js'))) as {
    default: import('webpack').Configuration;
  };
  const stats = await new Promise<import('webpack').Stats>((done, fail) => {
    // Minifying TF.js twice (app and worker) is webpack's own work, minutes on two busy cores and
    // no part of what this checks; the fixture itself keeps production mode's defaults.
    const options: import('webpack').Configuration = {
      ...config,
      context: dir,
      performance: { hints: false },
      optimization: { minimize: false },
    };
    webpack(options, (error, result) => {
      if (error !== null || result === undefined) fail(error ?? new Error('webpack: no result'));
      else done(result);
    });
  });
  expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
  const server = await serve(dir);
  try {
    await expectCompletedSweep(page, server.url);
  } finally {
    await server.close();
  }
});

test('a page with no bundler (an import map) runs a 4-trial sweep to Completed', async ({ page }) => {
  test.setTimeout(SWEEP_MS + 60_000);
  const dir = await consumer('importmap');
  // The page's import map points at these three, as a site serving its node_modules would.
  for (const name of ['comlink', 'idb', 'yaml']) {
    await symlink(resolve(root, 'node_modules', name), resolve(dir, 'node_modules', name));
  }
  const server = await serve(dir);
  try {
    await expectCompletedSweep(page, server.url);
  } finally {
    await server.close();
  }
});

test('a strict TypeScript consumer type-checks against every entry point', async () => {
  test.setTimeout(180_000);
  const dir = await consumer('typecheck');
  const result = spawnSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
    encoding: 'utf8',
  });
  expect(`${result.stdout}${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
});

test('the installed CLI: --version, --help, a sweep from the shipped app, and a missing browser in one line', async () => {
  test.setTimeout(2 * SWEEP_MS);
  const dir = resolve(work, 'typecheck');
  const cli = resolve(dir, 'node_modules/overdrive/lib/cli/overdrive.js');
  const run = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env, timeout: SWEEP_MS });
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
  expect(run(['--version']).stdout.trim()).toBe(pkg.version);
  expect(run(['--help']).stdout).toContain('npx overdrive sweep <spec.json|job.yml>');

  await writeFile(
    resolve(dir, 'spec.json'),
    JSON.stringify({
      trial: 'spiral',
      search_space: { learning_rate: { type: 'loguniform', min_value: -5, max_value: -2 }, epochs: 2 },
      sampling_algorithm: { type: 'random', seed: 3 },
      objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
      limits: { max_total_trials: 4, max_concurrent_trials: 2 },
    }),
  );
  // backend auto, twice: the second run reuses the first one's calibration (its own cache folder).
  const env = { ...process.env, XDG_CACHE_HOME: resolve(dir, 'cache') };
  const reasons: string[] = [];
  for (let i = 0; i < 2; i++) {
    const sweep = run(['sweep', 'spec.json', '--json', '--backend', 'auto'], env);
    expect(sweep.status, sweep.stderr).toBe(0);
    expect(sweep.stderr).not.toContain('building the app');
    const report = JSON.parse(sweep.stdout) as {
      sweep: { status: string };
      runs: unknown[];
      backend: { details: { calibrations: { reason: string }[] } };
    };
    expect(report.sweep.status).toBe('Completed');
    expect(report.runs).toHaveLength(4);
    reasons.push(report.backend.details.calibrations.map((c) => c.reason).join('; '));
  }
  expect(reasons[0]).not.toContain('reused');
  expect(reasons[1]).toBe(`${reasons[0]} (measured before in this browser: reused)`);

  const missing = run(['sweep', 'spec.json'], { ...process.env, CHROME_PATH: resolve(dir, 'no-such-chromium') });
  expect(missing.status).toBe(2);
  expect(missing.stderr.trim().split('\n')).toEqual([
    `error: no Chromium at ${resolve(dir, 'no-such-chromium')}: install Debian's (sudo apt-get install -y chromium) or set CHROME_PATH to a Chrome or Chromium binary`,
  ]);
});
