import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';

// The best run's model leaves the sweep for real: trained in a worker, checkpointed into
// IndexedDB, exported through TF.js's own handlers, then loaded back and evaluated.

test('the best run of a real digits sweep exports to indexeddb:// and as a download, and predicts what it scored', async ({
  page,
}) => {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);

  const trained = await page.evaluate(async () => {
    const r = window.runtime;
    const ws = await r.BrowserWorkspace.open({ name: `export-${Date.now()}` });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({
        learning_rate: r.choice(0.02, 0.0005),
        hidden_units: 24,
        epochs: 3,
        train_samples: 400,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'digits-mlp' },
    });
    const { sweep } = await ws.submit('export', config, { backend: 'wasm' });
    await sweep.waitForCompletion();
    const best = sweep.getBestRunByPrimaryMetric();
    if (best === null) throw new Error('no best run');
    const exported = await ws.exportModel({ bestOf: sweep.id }, 'indexeddb://overdrive-best-digits');

    // Load it back as any TF.js user would, and score it on the same validation rows.
    const tf = await r.loadTf();
    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel('indexeddb://overdrive-best-digits');
    const { validation } = await r.loadDigitsSplit();
    const xs = tf.tensor2d(validation.features, [validation.size, 64]);
    const predicted = Array.from(await tf.argMax(model.predict(xs) as import('@tensorflow/tfjs').Tensor, 1).data());
    const correct = predicted.filter((label, i) => label === validation.labels[i]).length;
    const valAccuracy = sweep.getMetrics()[best.id]?.['val_accuracy'];
    window.currentWorkspace = ws;
    return {
      bestId: best.id,
      exported,
      checkpoint: best.checkpoint,
      accuracy: correct / validation.size,
      lastValAccuracy: Array.isArray(valAccuracy) ? valAccuracy.at(-1) : valAccuracy,
      layers: model.layers.length,
      params: model.countParams(),
      runs: sweep.getChildren().map((run) => run.checkpoint?.model),
    };
  });

  expect(trained.exported.runId).toBe(trained.bestId);
  expect(trained.runs).toEqual([true, true]);
  expect(trained.checkpoint).toMatchObject({ sequence: 1, intervals: 3, model: true });
  // 64 → 24 → 10 dense layers.
  expect(trained.params).toBe(64 * 24 + 24 + 24 * 10 + 10);
  expect(trained.exported.parameters).toBe(trained.params);
  expect(trained.exported.weightBytes).toBe(trained.params * 4);
  // The final checkpoint is the final epoch's weights: they score exactly what the run logged.
  expect(trained.accuracy).toBeCloseTo(trained.lastValAccuracy ?? Number.NaN, 6);
  expect(trained.accuracy).toBeGreaterThan(0.5);

  // As a download: TF.js's downloads:// handler saves model.json and the weights file.
  const downloads: { name: string; path: string }[] = [];
  page.on('download', (download) => {
    void download.path().then((path) => downloads.push({ name: download.suggestedFilename(), path }));
  });
  await page.evaluate(async (runId) => {
    await window.currentWorkspace!.exportModel({ runId }, 'downloads://digits-best');
  }, trained.bestId);
  await expect.poll(() => downloads.length, { timeout: 15_000 }).toBe(2);
  const json = downloads.find((d) => d.name === 'digits-best.json');
  const weights = downloads.find((d) => d.name === 'digits-best.weights.bin');
  expect(json, JSON.stringify(downloads)).toBeDefined();
  expect(weights, JSON.stringify(downloads)).toBeDefined();
  const manifest = JSON.parse(await readFile(json!.path, 'utf8')) as {
    format: string;
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  };
  expect(manifest.format).toBe('layers-model');
  expect(manifest.weightsManifest[0]?.paths).toEqual(['./digits-best.weights.bin']);
  expect(
    manifest.weightsManifest[0]?.weights.every(
      (w) => !('group' in w) || (w as { group?: string }).group !== 'optimizer',
    ),
  ).toBe(true);
  expect((await readFile(weights!.path)).byteLength).toBe(trained.params * 4);
});

test('exporting a run that saved no model says why', async ({ page }) => {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
  const message = await page.evaluate(async () => {
    const r = window.runtime;
    const ws = await r.BrowserWorkspace.open({ name: `export-none-${Date.now()}` });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({ quality: r.choice(0.5), intervals: 2, delay_ms: 1 }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      trial: { kind: 'module', url: window.scriptedTrialUrl },
    });
    const { sweep } = await ws.submit('export', config, { backend: 'cpu' });
    await sweep.waitForCompletion();
    try {
      await ws.exportModel({ bestOf: sweep.id }, 'indexeddb://nothing');
      return 'exported';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await ws.close();
    }
  });
  expect(message).toMatch(
    /^the best run \S+ saved no model: its training function never called run\.checkpoint\(model\)$/,
  );
});
