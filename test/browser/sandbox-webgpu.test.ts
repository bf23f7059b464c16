import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';

// Issue 13, item 1: a training module in the sandbox gets WebGPU. The sandbox frame starts each
// trial worker from a data: URL bootstrap (src/pool/sandbox/frame.html), which Chromium makes a
// secure context with navigator.gpu, where a worker of the frame's blob: URLs was not one. On a
// machine without a GPU the adapter is SwiftShader's (--enable-unsafe-webgpu, scripts/chromium-flags.ts).
// The built app is served by a plain static host with no security headers.

const DIST = resolve(import.meta.dirname, '../..', process.env['OVERDRIVE_TEST_DIST'] ?? 'dist');
const FIXTURES = resolve(import.meta.dirname, 'fixtures');

let server: StaticServer;

test.beforeAll(async () => {
  server = await startStaticServer(DIST, { '/fixtures/webgpu.js': resolve(FIXTURES, 'webgpu-module.js') }, 0, 'none');
});

test.afterAll(async () => {
  await server.close();
});

test('a sandboxed module runs in a secure context with navigator.gpu and trains a real TF.js model on WebGPU', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(`${server.url}/test/browser/pages/pool.html`);
  await page.waitForFunction(() => window.poolHarness !== undefined);
  const result = await page.evaluate(async (moduleUrl) => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 1, backend: 'webgpu' });
    const summary = await h.runSweep(pool, {
      name: 'sandboxed-webgpu',
      sampling: new h.GridParameterSampling({ rounds: h.choice(3) }),
      primaryMetricName: 'loss',
      goal: 'minimize',
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      trial: { kind: 'module', url: moduleUrl },
    });
    const workers = pool.workers();
    const frames = [...document.querySelectorAll('iframe')].map((f) => f.getAttribute('sandbox'));
    await pool.dispose();
    const run = summary.runs[0];
    return {
      status: run?.status,
      error: run?.error?.message ?? null,
      backend: run?.backend ?? null,
      metrics: run?.metrics ?? {},
      adapter: workers[0]?.adapter ?? null,
      frames,
    };
  }, `${server.url}/fixtures/webgpu.js`);

  expect(result.error).toBeNull();
  expect(result.status).toBe('Completed');
  expect(result.frames).toEqual(['allow-scripts']);
  expect(result.metrics).toMatchObject({
    secure_context: 1,
    navigator_gpu: 1,
    opaque_origin: 1,
    trained_on_webgpu: 1,
  });
  // The pool's record agrees: the trial started on WebGPU with a real adapter.
  expect(result.backend).toBe('webgpu');
  expect(result.adapter).not.toBeNull();
  // It trained: the loss of y = 2x + 1 fell from round to round.
  const loss = result.metrics['loss'] as number[];
  expect(loss).toHaveLength(3);
  expect(loss[2]).toBeLessThan(loss[0] as number);
});
