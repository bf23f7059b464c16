import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';

// The data templates on real data, end to end in Chromium: the file stored in this origin
// (DatasetStore, real IndexedDB), prepared once per sweep by the real data worker, handed to
// real trial workers over the pool's protocol (env.datasets.user), trained with real TF.js
// (wasm for the dense network; cpu for the CNN, which wasm cannot train), then the best model
// exported with its preparation and used on raw records as the "Try it" panel does.

const FIXTURES = resolve(import.meta.dirname, '../fixtures/data');

async function open(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/data-run.html');
  await page.waitForFunction(() => window.dataRun !== undefined);
}

test('tabular-mlp learns penguins (classification) clearly above the majority class, and the exported model with preparation.json predicts raw records as the trial model does', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const text = await readFile(resolve(FIXTURES, 'penguins.json'), 'utf8');
  const result = await page.evaluate(async (text) => {
    const r = window.dataRun;
    const name = `penguins-${Date.now()}`;
    const store = await r.DatasetStore.open(name);
    const { summary } = await store.put(
      'penguins.json',
      new File([text], 'penguins.json', { type: 'application/json' }),
    );
    const ws = await r.BrowserWorkspace.open({ name });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({
        learning_rate: r.choice(0.01, 0.003),
        hidden_units: 16,
        hidden_layers: 1,
        dropout: 0,
        epochs: 25,
        batch_size: 16,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'tabular-mlp' },
      data: {
        dataset: summary.id,
        name: 'penguins.json',
        preparation: r.parsePreparationSpec({ target: 'Species', task: 'classification' }),
      },
    });
    const { sweep } = await ws.submit('penguins', config, { backend: 'wasm' });
    const record = await sweep.waitForCompletion();
    const metrics = sweep.getMetrics();
    const runs = sweep.getChildren().map((run) => ({
      id: run.id,
      status: run.status,
      error: run.error?.message ?? null,
      valAccuracy: metrics[run.id]?.['val_accuracy'],
      names: Object.keys(metrics[run.id] ?? {}).sort(),
    }));
    const best = sweep.getBestRunByPrimaryMetric();
    if (best === null) throw new Error(`no best run: ${JSON.stringify({ status: record.status, runs })}`);

    // The majority class's share: what always answering "Adelie" would score.
    const records = JSON.parse(text) as Record<string, string | number | null>[];
    const counts = new Map<string, number>();
    for (const row of records) counts.set(String(row['Species']), (counts.get(String(row['Species'])) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / records.length;

    // Exported as any TF.js user gets it, plus the preparation beside it.
    await ws.exportModel({ bestOf: sweep.id }, `indexeddb://${name}-best`);
    const files = await ws.modelFiles({ bestOf: sweep.id });
    // The trial's own model: straight from its checkpoint, through the Try-it path.
    const trialModel = await ws.tryModel({ bestOf: sweep.id });
    window.currentExport = { ws, sweepId: sweep.id, name };
    store.close();
    return {
      status: record.status,
      runs,
      best: best.id,
      majority,
      preparation: files.preparation,
      trialPredictions: await Promise.all(
        records
          .filter((_, i) => i % 6 === 0)
          .map(async (row) => {
            const { Species: _target, ...features } = row;
            const prediction = await trialModel.predictRecord(features);
            return prediction.task === 'classification' ? prediction.label : null;
          }),
      ),
      columns: trialModel.columns,
    };
  }, text);

  expect(result.status).toBe('Completed');
  for (const run of result.runs) {
    expect(run.status, run.error ?? '').toBe('Completed');
    expect(run.names).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  }
  const best = result.runs.find((run) => run.id === result.best);
  const accuracy = Array.isArray(best?.valAccuracy) ? best.valAccuracy.at(-1) : best?.valAccuracy;
  // 44% of the penguins are Adelie; the species are nearly separable by beak and flipper.
  expect(result.majority).toBeCloseTo(152 / 344, 2);
  expect(accuracy).toBeGreaterThan(result.majority + 0.35);
  expect(result.preparation).not.toBeNull();
  expect(result.preparation?.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  expect(result.columns).not.toContain('Species');

  // Reload the exported model in the page as a TF.js user would, apply encodeRecord from the
  // preparation.json the export wrote, and get the trial model's predictions.
  const fromExport = await page.evaluate(
    async ({ text, preparationJson }) => {
      const r = window.dataRun;
      const { name } = window.currentExport!;
      const tf = await r.loadTf();
      await tf.setBackend('cpu');
      const model = await tf.loadLayersModel(`indexeddb://${name}-best`);
      const preparation = JSON.parse(preparationJson);
      const records = (JSON.parse(text) as Record<string, string | number | null>[]).filter((_, i) => i % 6 === 0);
      const labels: string[] = [];
      for (const row of records) {
        const { Species: _target, ...features } = row;
        const x = r.encodeRecord(preparation, features);
        const probabilities = (
          model.predict(tf.tensor2d(x, [1, x.length])) as import('@tensorflow/tfjs').Tensor
        ).dataSync();
        let bestIndex = 0;
        for (let i = 1; i < probabilities.length; i++)
          if ((probabilities[i] ?? 0) > (probabilities[bestIndex] ?? 0)) bestIndex = i;
        labels.push(preparation.classes[bestIndex]);
      }
      // The same model loaded through the Try-it loader with the metadata model.json carries.
      const tried = await r.loadTryModel(`indexeddb://${name}-best`);
      const first = records[0] ?? {};
      const { Species: _t, ...firstFeatures } = first;
      const viaMetadata = await tried.predictRecord(firstFeatures);
      tried.dispose();
      return {
        labels,
        truth: records.map((row) => row['Species']),
        viaMetadata: viaMetadata.task === 'classification' ? viaMetadata.label : null,
      };
    },
    { text, preparationJson: JSON.stringify(result.preparation) },
  );
  expect(fromExport.labels).toEqual(result.trialPredictions);
  expect(fromExport.viaMetadata).toBe(result.trialPredictions[0]);
  const correct = fromExport.labels.filter((label, i) => label === fromExport.truth[i]).length;
  expect(correct / fromExport.labels.length).toBeGreaterThan(0.8);

  // As a download: model.json, its weights and NAME.preparation.json beside them.
  const downloads: { name: string; path: string }[] = [];
  page.on('download', (download) => {
    void download.path().then((path) => downloads.push({ name: download.suggestedFilename(), path }));
  });
  await page.evaluate(async () => {
    const { ws, sweepId } = window.currentExport!;
    await ws.exportModel({ bestOf: sweepId }, 'downloads://penguins');
  });
  await expect
    .poll(() => downloads.map((d) => d.name).sort(), { timeout: 20_000 })
    .toEqual(['penguins.json', 'penguins.preparation.json', 'penguins.weights.bin']);
  const written = JSON.parse(
    await readFile(downloads.find((d) => d.name === 'penguins.preparation.json')!.path, 'utf8'),
  ) as unknown;
  expect(written).toEqual(result.preparation);
  const modelJson = JSON.parse(await readFile(downloads.find((d) => d.name === 'penguins.json')!.path, 'utf8')) as {
    userDefinedMetadata?: Record<string, unknown>;
  };
  expect(modelJson.userDefinedMetadata?.['overdrivePreparation']).toEqual(result.preparation);
});

test('tabular-mlp learns cars (regression): val_rmse and val_mae in miles per gallon, val_rmse below the target std', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const text = await readFile(resolve(FIXTURES, 'cars.json'), 'utf8');
  const result = await page.evaluate(async (text) => {
    const r = window.dataRun;
    const name = `cars-${Date.now()}`;
    const store = await r.DatasetStore.open(name);
    const { summary } = await store.put('cars.json', new File([text], 'cars.json', { type: 'application/json' }));
    store.close();
    const ws = await r.BrowserWorkspace.open({ name });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({
        learning_rate: 0.01,
        hidden_units: 32,
        hidden_layers: 2,
        dropout: 0,
        epochs: 40,
        batch_size: 16,
      }),
      primaryMetricName: 'val_rmse',
      primaryMetricGoal: r.PrimaryMetricGoal.MINIMIZE,
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      trial: { kind: 'builtin', name: 'tabular-mlp' },
      data: {
        dataset: summary.id,
        name: 'cars.json',
        preparation: r.parsePreparationSpec({
          target: 'Miles_per_Gallon',
          task: 'regression',
          drop: ['Name'],
          missing: 'drop-rows',
        }),
      },
    });
    const { sweep } = await ws.submit('cars', config, { backend: 'wasm' });
    const record = await sweep.waitForCompletion();
    const run = sweep.getChildren()[0];
    const metrics = run === undefined ? {} : (sweep.getMetrics()[run.id] ?? {});
    const mpg = (JSON.parse(text) as Record<string, number | null>[])
      .map((row) => row['Miles_per_Gallon'])
      .filter((v): v is number => typeof v === 'number');
    const mean = mpg.reduce((a, b) => a + b, 0) / mpg.length;
    const std = Math.sqrt(mpg.reduce((a, b) => a + (b - mean) ** 2, 0) / mpg.length);
    const tried = await ws.tryModel({ bestOf: sweep.id });
    const first = (JSON.parse(text) as Record<string, string | number | null>[])[0] ?? {};
    const { Miles_per_Gallon: actual, ...features } = first;
    const prediction = await tried.predictRecord(features);
    tried.dispose();
    await ws.close();
    return {
      status: record.status,
      runStatus: run?.status,
      error: run?.error?.message ?? null,
      names: Object.keys(metrics).sort(),
      rmse: metrics['val_rmse'],
      mae: metrics['val_mae'],
      std,
      actual,
      predicted: prediction.task === 'regression' ? prediction.value : null,
    };
  }, text);

  expect(result.status).toBe('Completed');
  expect(result.runStatus, result.error ?? '').toBe('Completed');
  expect(result.names).toEqual(['loss', 'val_loss', 'val_mae', 'val_rmse']);
  const last = (value: unknown): number => (Array.isArray(value) ? Number(value.at(-1)) : Number(value));
  // The standard deviation of miles per gallon is about 7.8: a model that learned anything is
  // far below it, and the figures are in miles per gallon (not standardised units, ~0.3).
  expect(result.std).toBeGreaterThan(7);
  expect(last(result.rmse)).toBeLessThan(result.std * 0.6);
  expect(last(result.rmse)).toBeGreaterThan(0.5);
  expect(last(result.mae)).toBeLessThanOrEqual(last(result.rmse));
  // Try it on the first car (18 mpg): a prediction in miles per gallon, near the truth.
  expect(result.predicted).not.toBeNull();
  expect(Math.abs((result.predicted ?? 0) - Number(result.actual))).toBeLessThan(result.std);
});

test('image-cnn learns a generated 2-class image folder, and Try it classifies a new image', async ({ page }) => {
  test.setTimeout(300_000);
  await open(page);
  const result = await page.evaluate(async () => {
    const r = window.dataRun;
    const name = `shapes-${Date.now()}`;
    // A folder of PNGs, one sub-folder per class: warm (reddish) and cool (bluish) noisy squares.
    const draw = async (warm: boolean, seed: number): Promise<Blob> => {
      const canvas = new OffscreenCanvas(24, 24);
      const context = canvas.getContext('2d')!;
      let s = seed;
      const random = (): number => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648;
      };
      for (let y = 0; y < 24; y += 4)
        for (let x = 0; x < 24; x += 4) {
          const a = Math.floor(120 + random() * 120);
          const b = Math.floor(random() * 90);
          context.fillStyle = warm ? `rgb(${a}, ${b}, ${b})` : `rgb(${b}, ${b}, ${a})`;
          context.fillRect(x, y, 4, 4);
        }
      return canvas.convertToBlob({ type: 'image/png' });
    };
    const files: { path: string; file: Blob }[] = [];
    for (let i = 0; i < 24; i++) {
      files.push({ path: `shapes/warm/w${i}.png`, file: await draw(true, i + 1) });
      files.push({ path: `shapes/cool/c${i}.png`, file: await draw(false, i + 101) });
    }
    const store = await r.DatasetStore.open(name);
    const { summary } = await store.put('shapes', files);
    store.close();
    const ws = await r.BrowserWorkspace.open({ name });
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({
        conv_layers: 1,
        filters: 4,
        kernel_size: 3,
        hidden_layers: 0,
        learning_rate: 0.01,
        epochs: 4,
        batch_size: 8,
      }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      trial: { kind: 'builtin', name: 'image-cnn' },
      data: {
        dataset: summary.id,
        name: 'shapes',
        preparation: r.parseImagePreparationSpec({ kind: 'images', size: [12, 12] }),
      },
    });
    // wasm has no conv2d gradients: the CNN trains on cpu here (WebGPU where there is a GPU).
    const { sweep } = await ws.submit('shapes', config, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    const run = sweep.getChildren()[0];
    const metrics = run === undefined ? {} : (sweep.getMetrics()[run.id] ?? {});
    const tried = await ws.tryModel({ bestOf: sweep.id });
    const warm = await tried.predictImage(await createImageBitmap(await draw(true, 999)));
    const cool = await tried.predictImage(await createImageBitmap(await draw(false, 998)));
    const files2 = await ws.modelFiles({ bestOf: sweep.id });
    tried.dispose();
    await ws.close();
    return {
      status: record.status,
      runStatus: run?.status,
      error: run?.error?.message ?? null,
      names: Object.keys(metrics).sort(),
      valAccuracy: metrics['val_accuracy'],
      warm: warm.task === 'classification' ? warm.label : null,
      cool: cool.task === 'classification' ? cool.label : null,
      preparation: files2.preparation,
      input: tried.input,
    };
  });
  expect(result.status).toBe('Completed');
  expect(result.runStatus, result.error ?? '').toBe('Completed');
  expect(result.names).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  const accuracy = Array.isArray(result.valAccuracy) ? result.valAccuracy.at(-1) : result.valAccuracy;
  expect(accuracy).toBeGreaterThanOrEqual(0.9);
  expect(result.preparation).toMatchObject({ kind: 'images', size: [12, 12] });
  expect([...(result.preparation as unknown as { classes: string[] }).classes].sort()).toEqual(['cool', 'warm']);
  expect(result.input).toBe('images');
  expect(result.warm).toBe('warm');
  expect(result.cool).toBe('cool');
});

test('a sandboxed module reads the dataset through env.datasets.user(); a sweep whose dataset is not stored is refused before it starts', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await open(page);
  const text = await readFile(resolve(FIXTURES, 'penguins.json'), 'utf8');
  const result = await page.evaluate(async (text) => {
    const r = window.dataRun;
    const name = `module-${Date.now()}`;
    const store = await r.DatasetStore.open(name);
    const { summary } = await store.put(
      'penguins.json',
      new File([text], 'penguins.json', { type: 'application/json' }),
    );
    const ws = await r.BrowserWorkspace.open({ name });
    const binding = {
      dataset: summary.id,
      name: 'penguins.json',
      preparation: r.parsePreparationSpec({ target: 'Species', task: 'classification', validationFraction: 0.25 }),
    };
    const config = (data: typeof binding, runs: number, extra: Record<string, unknown> = {}) =>
      new r.HyperDriveConfig({
        hyperparameterSampling: new r.GridParameterSampling({
          seed: r.choice(...Array.from({ length: runs }, (_, i) => i)),
          ...extra,
        }),
        primaryMetricName: 'done',
        primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: runs,
        maxConcurrentRuns: 1,
        trial: { kind: 'module', url: window.userDataTrialUrl },
        data,
      });
    const { sweep } = await ws.submit('module', config(binding, 3), { backend: 'cpu' });
    await sweep.waitForCompletion();
    const metrics = sweep.getMetrics();
    const runs = sweep.getChildren().map((run) => ({
      status: run.status,
      error: run.error?.message ?? null,
      metrics: Object.fromEntries(
        Object.entries(metrics[run.id] ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]),
      ),
    }));

    // Another id than the binding's, not stored here: that trial fails naming it.
    const missingId = `sha256-${'0'.repeat(64)}`;
    const { sweep: other } = await ws.submit('module', config(binding, 1, { other: missingId }), { backend: 'cpu' });
    await other.waitForCompletion();
    const otherError = other.getChildren()[0]?.error?.message ?? null;

    // The binding's dataset deleted: the sweep is refused before anything is stored or run.
    await store.delete(summary.id);
    const before = (await ws.store.listSweeps(name)).length;
    let refusal = 'started';
    try {
      await ws.submit('module', config(binding, 1), { backend: 'cpu' });
    } catch (error) {
      refusal = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const after = (await ws.store.listSweeps(name)).length;
    store.close();
    await ws.close();
    return { runs, otherError, refusal, before, after };
  }, text);

  const records = JSON.parse(text) as unknown[];
  for (const run of result.runs) {
    expect(run.status, run.error ?? '').toBe('Completed');
    // Rows without a species are dropped; 25% validation, stratified.
    expect(run.metrics['train_rows']! + run.metrics['validation_rows']!).toBeLessThanOrEqual(records.length);
    expect(run.metrics['validation_rows']).toBeGreaterThan(70);
    expect(run.metrics['classes']).toBe(3);
    expect(run.metrics['same_within_trial']).toBe(1);
  }
  // Every trial got the same arrays (one preparation), and the one worker asked only once.
  expect(new Set(result.runs.map((run) => run.metrics['x_sum'])).size).toBe(1);
  expect(result.runs.map((run) => run.metrics['cached_from_earlier_trial'])).toEqual([0, 1, 1]);
  expect(result.otherError).toMatch(/other dataset: .*sha256-0{64}.* is not stored in this browser: pick the file/);
  expect(result.refusal).toMatch(
    /^ConfigError: data\.dataset: dataset "penguins\.json" \(sha256-[0-9a-f]{64}\) is not stored in this browser: pick the file "penguins\.json" again/,
  );
  expect(result.after).toBe(result.before);
});

declare global {
  interface Window {
    currentExport?: {
      ws: Awaited<ReturnType<Window['dataRun']['BrowserWorkspace']['open']>>;
      sweepId: string;
      name: string;
    };
  }
}
