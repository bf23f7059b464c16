import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS } from '../../scripts/chromium-flags.js';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';
import { parseSweepFile } from '../../src/sweep-file/index.js';
import { encodeShareLink } from '../../src/sweep-file/share-link.js';

// Issue 13, item 1: trial code runs in an opaque-origin sandbox frame. Each attack below runs
// against the built app served by a plain static host with no security headers at all (so no
// Content-Security-Policy header helps), with the attacker's module from test/browser/fixtures.

const DIST = resolve(import.meta.dirname, '../..', process.env['OVERDRIVE_TEST_DIST'] ?? 'dist');
const FIXTURES = resolve(import.meta.dirname, 'fixtures');

let server: StaticServer;

test.beforeAll(async () => {
  server = await startStaticServer(
    DIST,
    {
      '/fixtures/attacker.js': resolve(FIXTURES, 'attacker-module.js'),
      '/fixtures/heap-filler.js': resolve(FIXTURES, 'heap-filler-module.js'),
      '/fixtures/framer.html': resolve(FIXTURES, 'framer.html'),
      '/fixtures/benign.js': resolve(FIXTURES, 'benign-module.js'),
    },
    0,
    'none',
  );
});

test.afterAll(async () => {
  await server.close();
});

async function openHarness(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message} ${error.stack ?? ''}`));
  const response = await page.goto(`${server.url}/test/browser/pages/pool.html`);
  // The premise: this host sends no policy header.
  expect(response?.headers()['content-security-policy']).toBeUndefined();
  await page.waitForFunction(() => window.poolHarness !== undefined);
  return errors;
}

test('a same-origin module cannot read or rewrite IndexedDB, Cache or OPFS, hold a sweep’s Web Lock, post to the Studio’s channel or reach the page; its run goes on', async ({
  page,
}) => {
  // Errors of the page itself (Playwright's pageerror also reports what the attacker's own code
  // throws inside the sandbox frame, which is the attack failing, not the page).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __pageErrors: string[] }).__pageErrors = seen;
    window.addEventListener('error', (event) => seen.push(String(event.message)));
    window.addEventListener('unhandledrejection', (event) => seen.push(String(event.reason)));
  });
  await openHarness(page);
  const result = await page.evaluate(async (moduleUrl) => {
    const h = window.poolHarness;
    // The victim: another sweep's stored runs, and a Studio tab listening on its channel.
    const db = await new Promise<IDBDatabase>((resolveOpen, reject) => {
      const open = indexedDB.open('overdrive-victim', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('runs', { keyPath: 'id' });
      open.onsuccess = () => resolveOpen(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((done, reject) => {
      const tx = db.transaction('runs', 'readwrite');
      tx.objectStore('runs').put({ id: 'run-1', best: 0.5 });
      tx.oncomplete = () => done();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    const heard: unknown[] = [];
    const channel = new BroadcastChannel('overdrive:victim');
    channel.onmessage = (event) => heard.push(event.data);

    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    const summary = await h.runSweep(pool, {
      name: 'attack',
      sampling: new h.GridParameterSampling({ x: h.choice(0) }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      trial: { kind: 'module', url: moduleUrl },
    });
    await new Promise((r) => setTimeout(r, 500));
    channel.close();

    const lockFree = await navigator.locks.request(
      'overdrive-victim-lock',
      { ifAvailable: true },
      (lock) => lock !== null,
    );
    const stored = await new Promise<unknown>((resolveRead, reject) => {
      const open = indexedDB.open('overdrive-victim');
      open.onsuccess = () => {
        const read = open.result.transaction('runs').objectStore('runs').get('run-1');
        read.onsuccess = () => {
          resolveRead(read.result);
          open.result.close();
        };
        read.onerror = () => reject(read.error);
      };
      open.onerror = () => reject(open.error);
    });
    const frames = [...document.querySelectorAll('iframe')].map((f) => f.getAttribute('sandbox'));
    await pool.dispose();
    return { run: summary.runs[0], heard, lockFree, stored, frames };
  }, `${server.url}/fixtures/attacker.js`);

  // The run went on and completed: every attempt was refused, none crashed it.
  expect(result.run?.status).toBe('Completed');
  // One value per name is stored as a number, a series as an array.
  const metrics = result.run?.metrics as Record<string, number | readonly number[]>;
  expect(metrics).toMatchObject({
    reached_indexeddb: 0,
    reached_databases: 0,
    reached_cache: 0,
    reached_opfs: 0,
    reached_lock: 0,
    reached_parent: 0,
    reached_page_origin_fetch: 0,
    accuracy: [0.1, 0.2, expect.closeTo(0.3)],
  });
  // Posting on a channel always "works" locally: what counts is that no Studio tab hears it (below).
  expect(metrics['reached_broadcast']).toBe(1);
  // And from the page: the data is untouched, the lock is free, no tab heard the spoofed message.
  expect(result.stored).toEqual({ id: 'run-1', best: 0.5 });
  expect(result.lockFree).toBe(true);
  expect(result.heard).toEqual([]);
  // The worker lived in an opaque-origin frame: scripts only, no same-origin.
  expect(result.frames).toContain('allow-scripts');
  expect(await page.evaluate(() => (window as unknown as { __pageErrors: string[] }).__pageErrors)).toEqual([]);
});

// Chromium gives each sandboxed frame a process of its own only when it groups isolated sandboxed
// frames per document; by default (per site) it puts all of one site's sandboxed frames in one
// process, and a heap-filler then takes down every trial of the page's sandboxes with it (the
// next test: the pool's quarantine re-runs those). This test runs Chromium with per-document
// grouping, where a frame per worker (src/pool/sandbox/sandbox-host.ts) keeps the run beside the
// heap-filler training: the filler, not yet known to be the one, is re-run alone and then fails.
const PER_DOCUMENT_SANDBOX_PROCESSES = '--enable-features=IsolateSandboxedIframes:grouping/per-document';

test('a module that fills the heap fails its run only: the run training beside it completes, the tab survives, the pool replaces the worker, the sweep goes on', async () => {
  test.setTimeout(240_000);
  const browser = await chromium.launch({
    executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, PER_DOCUMENT_SANDBOX_PROCESSES],
  });
  test.info().annotations.push({ type: 'chromium', description: PER_DOCUMENT_SANDBOX_PROCESSES });
  const page = await browser.newPage();
  try {
    await checkHeapFill(page);
  } finally {
    await browser.close();
  }
});

test('on Chromium’s default (one process for the site’s sandboxes), a heap-filler beside two training runs at concurrency 3 fails alone: the two others are re-run and complete, the Studio lives, the sweep ends Completed', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // Three trials at once on a 2-core machine: the Studio sizes its pool by the core count.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
  const module = `${server.url}/fixtures/heap-filler.js`;
  const { spec } = parseSweepFile(
    {
      experiment_name: 'heap-default',
      trial: { module },
      // Grid order: the three start together, two training for 20 s and the filler.
      search_space: { mode: { type: 'choice', values: ['beside-a', 'fill', 'beside-b'] } },
      sampling_algorithm: 'grid',
      objective: { primary_metric: 'accuracy', goal: 'maximize' },
      limits: { max_total_trials: 3, max_concurrent_trials: 3 },
      backend: 'cpu',
    },
    { builtinTrials: ['spiral'] },
  );
  await page.goto(await encodeShareLink(spec, `${server.url}/?workspace=heap-${Date.now()}`));
  await page.getByTestId('linked-module-confirm').check();
  await page.getByTestId('start-sweep').click();
  await page.waitForURL(/#\/sweep\//);
  // Playwright marks the page "crashed" when the sandbox's process dies (a target of the page);
  // the Studio lives on, and is read over its own CDP session from then on.
  const cdp = await page.context().newCDPSession(page);
  let frameCrashed = false;
  page.on('crash', () => {
    frameCrashed = true;
  });
  interface Seen {
    readonly status: string | null;
    readonly studio: boolean;
    readonly runs: readonly {
      mode: string;
      status: string;
      attempt: number;
      error: string | null;
      intervals: number;
      resumed: boolean;
    }[];
  }
  let seen: Seen = { status: null, studio: false, runs: [] };
  const deadline = Date.now() + 270_000;
  while (seen.status !== 'Completed' && seen.status !== 'Failed' && seen.status !== 'Canceled') {
    if (Date.now() > deadline) throw new Error(`the sweep did not end: ${JSON.stringify(seen)}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
    const evaluation = await cdp.send('Runtime.evaluate', {
      awaitPromise: true,
      returnByValue: true,
      expression: `(async () => {
        const id = decodeURIComponent(/#\\/sweep\\/([^/?]+)/.exec(location.hash)?.[1] ?? '');
        const runs = id === '' ? [] : await window.studioSession.workspace.listRuns(id);
        return {
          status: document.querySelector('[data-testid="sweep-status"]')?.textContent ?? null,
          studio: window.studio !== undefined && document.getElementById('app') !== null,
          runs: runs.map((r) => ({
            mode: r.params.mode, status: r.status, attempt: r.attempt, error: r.error?.message ?? null,
            intervals: r.intervals, resumed: r.resumedFrom !== null,
          })),
        };
      })()`,
    });
    seen = evaluation.result.value as Seen;
  }
  expect(frameCrashed).toBe(true);
  expect(seen.status).toBe('Completed');
  expect(seen.studio).toBe(true);
  const byMode = new Map(seen.runs.map((r) => [r.mode, r]));
  expect(seen.runs).toHaveLength(3);
  // The filler: re-run alone (attempt 2), it ended its process again and alone fails, saying so.
  expect(byMode.get('fill')).toMatchObject({ status: 'Failed', attempt: 2 });
  expect(byMode.get('fill')?.error).toMatch(
    /^TrialProcessCrashedError: run \S+ ended its sandbox process while it ran alone there: it ran out of memory or crashed it/,
  );
  // The two that died with it were re-run (attempt 2) from their latest checkpoints and completed:
  // the whole curve, the history up to the checkpoint carried over (1 + 60 epochs).
  for (const mode of ['beside-a', 'beside-b']) {
    expect(byMode.get(mode), mode).toEqual({
      mode,
      status: 'Completed',
      attempt: 2,
      error: null,
      intervals: 61,
      resumed: true,
    });
  }
});

async function checkHeapFill(page: Page): Promise<void> {
  await openHarness(page);
  // Playwright marks the whole page "crashed" when the sandbox frame's process dies (it is a
  // target of the page); the page itself lives on, so it is driven over its own CDP session.
  const cdp = await page.context().newCDPSession(page);
  let frameCrashed = false;
  page.on('crash', () => {
    frameCrashed = true;
  });
  const evaluation = await cdp.send('Runtime.evaluate', {
    awaitPromise: true,
    returnByValue: true,
    expression: `(async () => {
      const h = window.poolHarness;
      const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu' });
      // Grid order: 'beside' (15 s) and 'fill' start together on two workers, each in its own frame.
      const summary = await h.runSweep(pool, {
        name: 'heap',
        sampling: new h.GridParameterSampling({ mode: h.choice('beside', 'fill', 'after') }),
        primaryMetricName: 'accuracy',
        maxTotalRuns: 3,
        maxConcurrentRuns: 2,
        trial: { kind: 'module', url: ${JSON.stringify(`${server.url}/fixtures/heap-filler.js`)} },
      });
      const stats = pool.stats();
      await pool.dispose();
      return {
        status: summary.record.status,
        runs: summary.runs.map((r) => ({ mode: r.params.mode, status: r.status, error: r.error?.message ?? null })),
        spawned: stats.spawned,
        title: document.title,
      };
    })()`,
  });
  const result = evaluation.result.value as {
    status: string;
    runs: { mode: string; status: string; error: string | null }[];
    spawned: number;
    title: string;
  };
  expect(result.status).toBe('Completed');
  const byMode = new Map(result.runs.map((r) => [r.mode, r]));
  expect(byMode.get('fill')?.status).toBe('Failed');
  expect(byMode.get('fill')?.error).toMatch(
    /^TrialProcessCrashedError: run \S+ ended its sandbox process while it ran alone there: it ran out of memory or crashed it \(worker \d+ stopped \(the trial sandbox's process ended/,
  );
  // The run training beside the filler lived in another frame (another process) and was not hit.
  expect(byMode.get('beside')).toEqual({ mode: 'beside', status: 'Completed', error: null });
  expect(byMode.get('after')?.status).toBe('Completed');
  expect(result.spawned).toBeGreaterThanOrEqual(3);
  expect(frameCrashed).toBe(true);
}

test('another origin cannot frame the Studio, even without the header: it refuses to start and opens no storage', async ({
  page,
}) => {
  // localhost and 127.0.0.1 are two origins: the framing page is "another site".
  const attacker = server.url.replace('127.0.0.1', 'localhost');
  const target = `${server.url}/?workspace=framed-${Date.now()}#/`;
  await page.goto(`${attacker}/fixtures/framer.html?target=${encodeURIComponent(target)}`);
  const frame = page.frameLocator('#victim');
  await expect(frame.getByTestId('framed-refusal')).toBeVisible();
  await expect(frame.getByTestId('framed-refusal')).toContainText('does not run inside another site');
  const studio = page.frames().find((f) => f.url().startsWith(server.url));
  expect(studio).toBeDefined();
  expect(
    await studio?.evaluate(() => window.studioSession === undefined && document.getElementById('app') === null),
  ).toBe(true);
  // The same Studio opened directly runs normally: what stopped it above was the framing.
  await page.goto(target);
  await page.waitForFunction(() => window.studioSession !== undefined);
});

test('the Studio says, calmly, when its host sent no policy header, and says nothing when it did', async ({ page }) => {
  await page.goto(`${server.url}/?workspace=noheader-${Date.now()}#/`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  const notice = page.getByTestId('csp-header-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toContainText('served without security headers');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);

  const withHeaders = await startStaticServer(DIST, {}, 0, 'csp');
  try {
    await page.goto(`${withHeaders.url}/?workspace=header-${Date.now()}#/`);
    await page.waitForFunction(() => window.studioSession !== undefined);
    await page.waitForTimeout(1_000);
    await expect(page.getByTestId('csp-header-notice')).toHaveCount(0);
  } finally {
    await withHeaders.close();
  }
});

interface AttackLinks {
  readonly data: string;
  readonly crossOrigin: string;
  readonly sameOrigin: string;
  readonly spec: Record<string, unknown>;
}

/** A share link to the Studio on `server` whose spec names `module`. */
async function linkNaming(which: 'data' | 'crossOrigin' | 'sameOrigin'): Promise<{ link: string; module: string }> {
  const fixtures = JSON.parse(readFileSync(resolve(FIXTURES, 'attack-links.json'), 'utf8')) as AttackLinks;
  const module = fixtures[which]
    .replace('OTHER_ORIGIN', server.url.replace('127.0.0.1', 'localhost'))
    .replace('ORIGIN', server.url);
  const input = JSON.parse(JSON.stringify(fixtures.spec).replace('MODULE', module.replaceAll('"', '\\"'))) as Record<
    string,
    unknown
  >;
  const { spec } = parseSweepFile(input, { builtinTrials: ['spiral'] });
  return { link: await encodeShareLink(spec, `${server.url}/?workspace=links-${Date.now()}`), module };
}

for (const [which, rule] of [
  ['data', 'data: URLs are refused'],
  ['crossOrigin', 'modules from other origins'],
] as const) {
  test(`a share link naming a ${which === 'data' ? 'data:' : 'cross-origin'} module is refused with a message, and the module never loads or runs`, async ({
    page,
  }) => {
    const { link, module } = await linkNaming(which);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(link);
    await expect(page.getByTestId('shared-sweep')).toBeVisible();
    const refused = page.getByTestId('linked-module-refused');
    await expect(refused).toBeVisible();
    await expect(refused).toContainText('trial.module');
    await expect(refused).toContainText(rule);
    await expect(refused).toContainText(module.slice(0, 40));
    await expect(page.getByTestId('builder-error')).toContainText('trial.module');
    await expect(page.getByTestId('start-sweep')).toBeDisabled();
    // Even forced, the form starts nothing.
    await page.getByTestId('start-sweep').dispatchEvent('click');
    await page.waitForTimeout(1_500);
    expect(page.url()).not.toContain('#/sweep/');
    expect(requested.filter((url) => url.includes('attacker'))).toEqual([]);
  });
}

test('a share link naming a module of this site shows its full URL and origin and runs it only after the person confirms', async ({
  page,
}) => {
  const { link, module } = await linkNaming('sameOrigin');
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(link);
  const notice = page.getByTestId('linked-module');
  await expect(notice).toBeVisible();
  await expect(page.getByTestId('linked-module-url')).toHaveText(module);
  await expect(page.getByTestId('linked-module-origin')).toHaveText(`Origin: ${server.url}`);
  await expect(page.getByTestId('start-sweep')).toBeDisabled();
  await expect(page.getByTestId('builder-error')).toContainText('confirm that you trust');
  expect(requested.filter((url) => url.endsWith('/fixtures/benign.js'))).toEqual([]);

  await page.getByTestId('linked-module-confirm').check();
  await expect(page.getByTestId('start-sweep')).toBeEnabled();
  await page.getByTestId('start-sweep').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed', { timeout: 60_000 });
});
