import { expect, test, type Page } from '@playwright/test';

/**
 * The worker pool in real Chromium: real dedicated workers, real TF.js on wasm, WebGPU (on
 * SwiftShader where there is no GPU), WebGL and cpu. Everything is kept tiny (few epochs, a
 * subset of the digits) because a CI machine may have two cores and no GPU.
 */

async function openHarness(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/test/browser/pages/pool.html');
  await page.waitForFunction(() => window.poolHarness !== undefined);
  return errors;
}

const EPOCH_METRICS = ['accuracy', 'loss', 'val_accuracy', 'val_loss'];

test('a sweep on 2 wasm workers trains digits-mlp for real, logging every metric each epoch', async ({ page }) => {
  const errors = await openHarness(page);
  const datasetFetches: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/datasets/digits.csv')) datasetFetches.push(request.url());
  });

  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 2, backend: 'wasm' });
    const summary = await h.runSweep(pool, {
      name: 'pool-wasm',
      sampling: new h.RandomParameterSampling(
        {
          learning_rate: h.loguniform(Math.log(1e-3), Math.log(3e-2)),
          hidden_units: h.choice(16, 32),
          optimizer: h.choice('adam', 'rmsprop', 'sgd', 'adagrad'),
          keep_probability: h.uniform(0.7, 1),
          epochs: h.choice(3),
          train_samples: h.choice(300),
        },
        { seed: 7 },
      ),
      primaryMetricName: 'val_accuracy',
      maxTotalRuns: 6,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const workers = await pool.inspect();
    const info = pool.workers();
    const stats = pool.stats();
    await pool.dispose();
    return { summary, workers, info, stats };
  });

  const { summary } = result;
  expect(summary.record.status).toBe('Completed');
  expect(summary.record.endReason).toEqual({ kind: 'max-total-runs', runs: 6 });
  expect(summary.concurrency).toBe(2);
  expect(summary.maxParallel).toBe(2);
  expect(summary.runs).toHaveLength(6);
  for (const run of summary.runs) {
    expect(run.status).toBe('Completed');
    expect(run.backend).toBe('wasm');
    expect(run.intervals).toBe(3);
    expect(Object.keys(run.metrics).sort()).toEqual(EPOCH_METRICS);
    for (const name of EPOCH_METRICS) expect(run.metrics[name]).toHaveLength(3);
    const accuracy = run.metrics['val_accuracy'] as number[];
    for (const value of accuracy) expect(value).toBeGreaterThanOrEqual(0);
    expect(run.bestMetric).toBe(Math.max(...accuracy));
  }
  // Trained for real: the best of six configurations clearly beats chance (0.1) on 10 digits.
  expect(Math.max(...summary.runs.map((r) => r.bestMetric ?? 0))).toBeGreaterThan(0.5);
  // Two workers, reused for all six runs; each loaded the dataset once.
  expect(result.stats).toMatchObject({ spawned: 2, live: 2 });
  expect(result.workers).toHaveLength(2);
  expect(result.info.map((w) => w.trials).reduce((a, b) => a + b, 0)).toBe(6);
  for (const worker of result.workers) {
    expect(worker.backend).toBe('wasm');
    expect(worker.datasets.some((d) => d.startsWith('digits-split:'))).toBe(true);
    // Tensor hygiene: back to the baseline, with nothing left for the worker to clean up.
    expect(worker.memory?.numTensors).toBe(0);
  }
  for (const worker of result.info) {
    expect(worker.lastHygiene).toMatchObject({ strayTensorsDisposed: 0, strayVariablesDisposed: 0 });
    expect(worker.lastHygiene?.tensorsAfterCleanup).toBe(worker.lastHygiene?.baselineTensors);
  }
  // Each worker fetched the digits once (cached for its later trials), never once per run.
  expect(datasetFetches.length).toBeGreaterThanOrEqual(1);
  expect(datasetFetches.length).toBeLessThanOrEqual(2);
  expect(errors).toEqual([]);
});

test('a sweep on 2 WebGPU workers (SwiftShader here) trains the spiral, and a lost device fails its run and heals the pool', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    // WebGPU is offered only to workers of the page's origin (a sandboxed, opaque-origin worker
    // is no secure context): the module below that destroys the device needs one too.
    const pool = await h.WorkerPool.create({ size: 2, backend: 'webgpu', isolation: 'page' });
    const summary = await h.runSweep(pool, {
      name: 'pool-webgpu',
      sampling: new h.GridParameterSampling({ hidden_units: h.choice(4, 8), epochs: h.choice(2) }),
      primaryMetricName: 'val_accuracy',
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'spiral' },
    });
    const workers = pool.workers();
    const status = await pool.inspect();

    // Destroying the device is how a test makes it "lost" (as a driver reset or GPU crash would).
    const loseDevice = h.moduleUrl(`
      export default async function train(params, run, env) {
        run.log('accuracy', 0.5);
        env.tf.backend().device.destroy();
        await new Promise((resolve) => setTimeout(resolve, 30000));
      }`);
    const lost = await pool.start(
      { sweepId: 's', runId: 'lost', params: {}, trial: { kind: 'module', url: loseDevice } },
      () => {},
    ).outcome;
    const stats = pool.stats();
    const after = await pool.start(
      {
        sweepId: 's',
        runId: 'after',
        params: { epochs: 1, hidden_units: 4 },
        trial: { kind: 'builtin', name: 'spiral' },
      },
      () => {},
    ).outcome;
    await pool.dispose();
    return { summary, workers, status, lost, stats, after, page: await h.webgpuAdapterInPage() };
  });

  console.log(
    `WebGPU adapter: ${JSON.stringify(result.page)}; spiral sweep on webgpu took ${result.summary.seconds.toFixed(1)} s`,
  );
  expect(result.summary.record.status).toBe('Completed');
  expect(result.summary.maxParallel).toBe(2);
  for (const run of result.summary.runs) {
    expect(run.status).toBe('Completed');
    expect(run.backend).toBe('webgpu');
    expect(run.intervals).toBe(2);
    expect(Object.keys(run.metrics).sort()).toEqual(EPOCH_METRICS);
  }
  // Really WebGPU: the worker's adapter, and on this GPU-less machine it is SwiftShader's.
  for (const worker of result.workers) {
    expect(worker.backend).toBe('webgpu');
    expect(worker.adapter?.architecture).toBe(result.page?.architecture);
    expect(worker.adapter?.architecture).toBeTruthy();
  }
  for (const worker of result.status) {
    expect(worker.memory?.numTensors).toBe(0);
    expect(worker.memory?.gpuBytes).toBeGreaterThan(0);
  }
  expect(result.lost).toMatchObject({
    kind: 'failed',
    error: { message: expect.stringContaining('WebGPU device lost (reason destroyed)') },
  });
  expect(result.stats.retired.unhealthy).toBe(1);
  expect(result.after).toEqual({ kind: 'completed' });
  expect(errors).toEqual([]);
});

test("backend 'auto' measures each backend and picks the fastest that can train the model; never wasm for the CNN", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 2, backend: 'auto' });
    const sweep = (name: string, model: string) =>
      h.runSweep(pool, {
        name,
        sampling: new h.GridParameterSampling({
          filters: h.choice(4, 8),
          epochs: h.choice(1),
          train_samples: h.choice(200),
        }),
        primaryMetricName: 'val_accuracy',
        maxTotalRuns: 2,
        maxConcurrentRuns: 2,
        trial: { kind: 'builtin', name: model },
      });
    const cnn = await sweep('auto-cnn', 'digits-cnn');
    const mlp = await sweep('auto-mlp', 'digits-mlp');
    // A module without a `calibration` export is measured on a representative network.
    const url = h.moduleUrl(
      `export default async function train(params, run, env) { run.log('backend_is_' + env.backend, 1); }`,
    );
    const custom = await pool.start(
      { sweepId: 's', runId: 'custom', params: {}, trial: { kind: 'module', url } },
      () => {},
    ).outcome;
    const calibrations = pool.calibrations();
    await pool.dispose();
    return { cnn, mlp, custom, calibrations };
  });

  for (const report of result.calibrations) {
    const figures = report.candidates
      .map(
        (c) =>
          `${c.backend}: ${c.canTrain ? `${c.stepMs?.toFixed(1)} ms/step (warm-up ${c.warmupMs?.toFixed(0)} ms)` : `cannot (${c.error})`}`,
      )
      .join('; ');
    console.log(`calibration ${report.trial} → ${report.chosen} in ${report.totalMs.toFixed(0)} ms. ${figures}`);
  }
  expect(result.calibrations.map((c) => c.trial.replace(/^module:blob:.*$/, 'module:blob'))).toEqual([
    'builtin:digits-cnn',
    'builtin:digits-mlp',
    'module:blob',
  ]);
  expect(result.calibrations[2]?.workload).toBe('a representative dense network (64-64-10, batch 32)');
  expect(result.custom).toEqual({ kind: 'completed' });
  for (const report of result.calibrations) {
    expect(report.failure).toBeNull();
    expect(report.candidates.map((c) => c.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const trainable = report.candidates.filter((c) => c.canTrain);
    expect(trainable.length).toBeGreaterThan(0);
    for (const c of trainable) expect(c.stepMs).toBeGreaterThan(0);
    const fastest = trainable.reduce((a, b) => ((a.stepMs ?? Infinity) <= (b.stepMs ?? Infinity) ? a : b));
    expect(report.chosen).toBe(fastest.backend);
    expect(report.reason).toContain(`${fastest.backend} trained`);
  }
  const [cnnReport, mlpReport] = result.calibrations;
  // wasm has no conv2d gradient kernels: found by trying, reported, and never chosen.
  const wasmOnCnn = cnnReport?.candidates.find((c) => c.backend === 'wasm');
  expect(wasmOnCnn).toMatchObject({
    available: true,
    canTrain: false,
    error: expect.stringContaining('Conv2DBackpropFilter'),
  });
  expect(cnnReport?.chosen).not.toBe('wasm');
  expect(cnnReport?.reason).toContain('wasm cannot train it');
  expect(mlpReport?.candidates.find((c) => c.backend === 'wasm')?.canTrain).toBe(true);

  for (const [summary, report] of [
    [result.cnn, cnnReport],
    [result.mlp, mlpReport],
  ] as const) {
    expect(summary.record.status).toBe('Completed');
    for (const run of summary.runs) {
      expect(run.status).toBe('Completed');
      expect(run.backend).toBe(report?.chosen);
      expect(run.intervals).toBe(1);
    }
  }
  expect(errors).toEqual([]);
});

/** A deterministic trial: `accuracy` climbs to `q` over three epochs; it honours cancellation. */
const CLIMBING_TRIAL = `
  export default async function train(params, run) {
    for (let epoch = 1; epoch <= 10; epoch++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      run.log('accuracy', (params.q * Math.min(epoch, 3)) / 3);
    }
  }`;

test('cancellation by each policy reaches the worker: runs stop early and cooperatively', async ({ page }) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async (source) => {
    const h = window.poolHarness;
    const url = h.moduleUrl(source);
    const policies = {
      bandit: new h.BanditPolicy({ slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 3 }),
      median: new h.MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 3 }),
      truncation: new h.TruncationSelectionPolicy({
        truncationPercentage: 50,
        evaluationInterval: 1,
        delayEvaluation: 3,
      }),
    };
    const out = [];
    for (const [name, policy] of Object.entries(policies)) {
      const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu' });
      const summary = await h.runSweep(pool, {
        name: `policy-${name}`,
        sampling: new h.GridParameterSampling({ q: h.choice(0.9, 0.3, 0.85, 0.2) }),
        primaryMetricName: 'accuracy',
        maxTotalRuns: 4,
        maxConcurrentRuns: 2,
        trial: { kind: 'module', url },
        policy,
      });
      out.push({ name, summary, stats: pool.stats() });
      await pool.dispose();
    }
    return out;
  }, CLIMBING_TRIAL);

  for (const { name, summary, stats } of result) {
    expect(summary.record.status, name).toBe('Completed');
    const canceled = summary.runs.filter((r) => r.status === 'Canceled');
    expect(canceled.length, name).toBeGreaterThan(0);
    for (const run of canceled) {
      expect(run.intervals, name).toBeLessThan(10);
      expect(run.termination?.kind, name).toBe('policy');
    }
    for (const run of summary.runs.filter((r) => r.status === 'Completed')) expect(run.intervals).toBe(10);
    // Stopped by the worker's own signal: no worker had to be terminated or replaced.
    expect(stats.retired['cancel-timeout'], name).toBe(0);
    expect(stats.spawned, name).toBe(2);
  }
  expect(errors).toEqual([]);
});

test('max duration cancels the running trials in their workers and ends the sweep', async ({ page }) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run) {
        for (let epoch = 1; epoch <= 50; epoch++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          run.log('accuracy', params.q);
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu' });
    // Start both workers first, so the time limit measures training, not loading TF.js.
    const warmUrl = h.moduleUrl(`export default async function train(params, run) { run.log('accuracy', params.q); }`);
    await h.runSweep(pool, {
      name: 'max-duration-warm-up',
      sampling: new h.GridParameterSampling({ q: h.choice(0.1, 0.2) }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url: warmUrl },
    });
    const summary = await h.runSweep(pool, {
      name: 'max-duration',
      sampling: new h.GridParameterSampling({ q: h.choice(0.1, 0.2, 0.3, 0.4) }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
      // 1.5 s: long enough for each worker to start and log a few epochs.
      maxDurationMinutes: 0.025,
    });
    const stats = pool.stats();
    await pool.dispose();
    return { summary, stats };
  });

  expect(result.summary.record.endReason).toEqual({ kind: 'max-duration', minutes: 0.025 });
  expect(result.summary.runs).toHaveLength(2);
  for (const run of result.summary.runs) {
    expect(run.status).toBe('Canceled');
    expect(run.termination).toEqual({ kind: 'max-duration', minutes: 0.025 });
    expect(run.intervals).toBeGreaterThan(0);
    expect(run.intervals).toBeLessThan(50);
  }
  expect(result.summary.seconds).toBeLessThan(10);
  expect(result.stats.retired['cancel-timeout']).toBe(0);
  expect(errors).toEqual([]);
});

test('a trial that ignores cancellation is terminated after the grace period and its worker replaced', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    // Low-q runs swallow the cancellation error and keep going forever.
    const url = h.moduleUrl(`
      export default async function train(params, run) {
        for (let epoch = 1; params.q < 0.5 || epoch <= 6; epoch++) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          try { run.log('accuracy', params.q); } catch { /* ignores cancellation */ }
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu', cancelGraceMs: 1_000 });
    const summary = await h.runSweep(pool, {
      name: 'stubborn',
      sampling: new h.GridParameterSampling({ q: h.choice(0.9, 0.2, 0.85) }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 3,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
      policy: new h.BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 2 }),
    });
    const stats = pool.stats();
    const diagnostics = pool.diagnostics();
    await pool.dispose();
    return { summary, stats, diagnostics };
  });

  const [polite, stubborn, later] = result.summary.runs;
  expect(result.summary.record.status).toBe('Completed');
  expect(polite?.status).toBe('Completed');
  expect(stubborn?.status).toBe('Canceled');
  expect(stubborn?.termination?.kind).toBe('policy');
  expect((stubborn?.endedAt ?? 0) - (stubborn?.startedAt ?? 0)).toBeGreaterThanOrEqual(1_000);
  expect(later?.status).toBe('Completed');
  expect(result.stats.retired['cancel-timeout']).toBe(1);
  expect(result.stats.spawned).toBe(3);
  expect(
    result.diagnostics.some((d) => d.kind === 'retired' && /ignored cancellation for 1000 ms/.test(d.message)),
  ).toBe(true);
  expect(errors).toEqual([]);
});

test('a training function that throws fails its run with message and stack; a worker that dies mid-trial fails its run and the pool heals', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      export default async function train(params, run) {
        run.log('accuracy', 0.1);
        if (params.mode === 'throw') throw new RangeError('exploded at epoch 1');
        if (params.mode === 'die') {
          // Long enough for the logged metric to be flushed: a dying worker loses what it
          // buffered in the last flush interval.
          await sleep(250);
          self.close();
          await sleep(60000);
        }
        for (let epoch = 2; epoch <= 3; epoch++) {
          await sleep(20);
          run.log('accuracy', 0.1 * epoch);
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu' });
    const summary = await h.runSweep(pool, {
      name: 'crashes',
      sampling: new h.GridParameterSampling({ mode: h.choice('throw', 'die', 'ok', 'fine', 'good') }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 5,
      maxConcurrentRuns: 2,
      trial: { kind: 'module', url },
    });
    const stats = pool.stats();
    await pool.dispose();
    return { summary, stats };
  });

  const byMode = new Map(result.summary.runs.map((r) => [r.params['mode'], r]));
  expect(result.summary.record.status).toBe('Completed');
  expect(byMode.get('throw')).toMatchObject({
    status: 'Failed',
    intervals: 1,
    error: { message: 'RangeError: exploded at epoch 1', stack: expect.stringContaining('train') },
  });
  expect(byMode.get('die')).toMatchObject({
    status: 'Failed',
    intervals: 1,
    error: { message: expect.stringMatching(/^WorkerCrashedError: worker \d+ stopped/) },
  });
  for (const mode of ['ok', 'fine', 'good'])
    expect(byMode.get(mode)).toMatchObject({ status: 'Completed', intervals: 3 });
  expect(result.stats.retired.crashed).toBe(1);
  expect(result.stats.spawned).toBe(3);
  expect(errors).toEqual([]);
});

test('tensor hygiene: what a trial leaves behind is disposed and reported, and the worker is back to its baseline', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run, env) {
        const { tf } = env;
        const kept = [];
        for (let i = 0; i < 10; i++) kept.push(tf.ones([100]).mul(i));
        tf.variable(tf.zeros([4]));
        run.log('accuracy', kept.length / 10);
      }`);
    const pool = await h.WorkerPool.create({ size: 1, backend: 'wasm' });
    const before = await pool.start(
      {
        sweepId: 's',
        runId: 'clean',
        params: { epochs: 1, train_samples: 100 },
        trial: { kind: 'builtin', name: 'digits-mlp' },
      },
      () => {},
    ).outcome;
    const baseline = (await pool.inspect())[0]?.memory?.numTensors;
    const leaky = await pool.start(
      { sweepId: 's', runId: 'leaky', params: {}, trial: { kind: 'module', url } },
      () => {},
    ).outcome;
    const hygiene = pool.workers()[0]?.lastHygiene;
    const after = (await pool.inspect())[0]?.memory?.numTensors;
    const warnings = pool
      .diagnostics()
      .filter((d) => d.kind === 'warning')
      .map((d) => d.message);
    const stats = pool.stats();
    await pool.dispose();
    return { before, baseline, leaky, hygiene, after, warnings, stats };
  });

  expect(result.before).toEqual({ kind: 'completed' });
  expect(result.leaky).toEqual({ kind: 'completed' });
  expect(result.baseline).toBe(0);
  expect(result.hygiene).toMatchObject({ baselineTensors: 0, strayVariablesDisposed: 1, tensorsAfterCleanup: 0 });
  expect(result.hygiene?.strayTensorsDisposed).toBeGreaterThanOrEqual(10);
  expect(result.after).toBe(0);
  expect(result.warnings).toEqual([
    expect.stringMatching(/^run leaky left \d+ tensor\(s\) and 1 variable\(s\) undisposed; the worker disposed them$/),
  ]);
  // Cleaned up, so the worker stays in service.
  expect(result.stats.retired.memory).toBe(0);
  expect(errors).toEqual([]);
});

test('metrics reach the main thread in batches, in order, and nothing in a worker waits on animation frames', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const url = h.moduleUrl(`
      export default async function train(params, run, env) {
        for (let i = 0; i < 2000; i++) run.log('step', i);
        // Chrome gives workers a native requestAnimationFrame; the worker replaces it.
        const raf = globalThis.requestAnimationFrame;
        run.log('raf', raf === undefined ? 0 : /native code/.test(String(raf)) ? -1 : 1);
        const t0 = performance.now();
        // tf.nextFrame uses requestAnimationFrame where it exists: it must not stall here.
        for (let i = 0; i < 100; i++) await env.tf.nextFrame();
        run.log('frames_ms', performance.now() - t0);
      }`);
    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    let batches = 0;
    const values: number[] = [];
    let framesMs = Number.NaN;
    let raf = Number.NaN;
    const outcome = await pool.start(
      { sweepId: 's', runId: 'chatty', params: {}, trial: { kind: 'module', url } },
      (events) => {
        batches += 1;
        for (const e of events) {
          if (e.kind === 'metric' && e.name === 'step') values.push(e.value);
          if (e.kind === 'metric' && e.name === 'frames_ms') framesMs = e.value;
          if (e.kind === 'metric' && e.name === 'raf') raf = e.value;
        }
      },
    ).outcome;
    await pool.dispose();
    return { outcome, batches, values, framesMs, raf };
  });

  expect(result.outcome).toEqual({ kind: 'completed' });
  expect(result.values).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  expect(result.batches).toBeLessThanOrEqual(5);
  expect(result.raf).not.toBe(-1);
  expect(result.framesMs).toBeLessThan(1_000);
  console.log(
    `worker requestAnimationFrame: ${result.raf === 1 ? 'replaced' : 'absent'}; 100 tf.nextFrame() took ${result.framesMs.toFixed(1)} ms`,
  );
  expect(errors).toEqual([]);
});

test('a pool larger than the device holds is clamped, and says so', async ({ page }) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 64, backend: 'cpu' });
    const url = h.moduleUrl(`export default async function train(params, run) { run.log('accuracy', params.q); }`);
    const summary = await h.runSweep(pool, {
      name: 'clamped',
      sampling: new h.GridParameterSampling({ q: h.choice(0.1, 0.2, 0.3) }),
      primaryMetricName: 'accuracy',
      maxTotalRuns: 3,
      maxConcurrentRuns: 64,
      trial: { kind: 'module', url },
    });
    const report = pool.sizeReport;
    const capacity = pool.capacity;
    await pool.dispose();
    return { report, capacity, summary, cores: navigator.hardwareConcurrency };
  });

  const expected = Math.min(result.cores, 32);
  expect(result.capacity).toBe(expected);
  expect(result.report).toEqual({
    requested: 64,
    size: expected,
    deviceLimit: expected,
    clampedBecause: expect.stringContaining(`requested 64 workers, this device holds ${expected}`),
  });
  expect(result.summary.record.status).toBe('Completed');
  expect(result.summary.concurrency).toBe(Math.min(expected, 3));
  expect(result.summary.warnings.join('\n')).toContain(`exceeds what this device's pool holds (${expected})`);
  expect(result.summary.warnings.join('\n')).toContain('hardwareConcurrency');
  expect(errors).toEqual([]);
});

test('a worker that answers outside the protocol fails its run with a clear error and is replaced', async ({
  page,
}) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    // A hand-written worker speaking comlink's wire format: it starts fine, then returns a
    // trial result the pool cannot accept. The second worker it makes behaves.
    const source = (bad: boolean) => `
      self.onmessage = (event) => {
        const { id, path } = event.data ?? {};
        if (typeof id !== 'string') return;
        const method = Array.isArray(path) ? path[0] : undefined;
        let value;
        if (method === 'hello') value = { protocol: 2, lockHeld: false, webgpu: false, offscreenCanvas: false };
        else if (method === 'runTrial') value = ${bad} ? { kind: 'completed', hygiene: 'spotless' } : { kind: 'completed', hygiene: null };
        self.postMessage({ id, type: 'RAW', value });
      };`;
    let made = 0;
    const pool = await h.WorkerPool.create({
      size: 1,
      backend: 'cpu',
      workerFactory: () => new Worker(h.moduleUrl(source(made++ === 0)), { type: 'module' }),
    });
    const request = (runId: string) => ({
      sweepId: 's',
      runId,
      params: {},
      trial: { kind: 'builtin', name: 'spiral' } as const,
    });
    const bad = await pool.start(request('bad'), () => {}).outcome;
    const good = await pool.start(request('good'), () => {}).outcome;
    const stats = pool.stats();
    await pool.dispose();
    return { bad, good, stats, made };
  });

  expect(result.bad).toEqual({
    kind: 'failed',
    error: {
      message: 'ProtocolError: worker 1 broke the protocol: trial result.hygiene must be an object (got "spotless")',
      stack: null,
    },
  });
  expect(result.good).toEqual({ kind: 'completed' });
  expect(result.stats.retired.protocol).toBe(1);
  expect(result.made).toBe(2);
  expect(errors).toEqual([]);
});
