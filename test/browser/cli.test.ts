import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, test } from '@playwright/test';
import type { SweepReport } from '../../src/report/index.js';
import type { BackendSummary } from '../../src/app/headless-api.js';
import { spiralSplit } from '../../src/datasets/spiral.js';

// The real CLI as a user runs it: a subprocess driving its own headless Chromium. The suite
// already built dist/, so --no-build keeps most tests quick; one test takes the build path a
// fresh clone takes.
function sweepCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return runCli([...args, '--no-build']);
}

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['tsx', 'scripts/sweep.ts', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the README example, examples/digits-mlp.json, builds the app and prints the documented JSON', async () => {
  // No --no-build: the path `npm run sweep -- examples/digits-mlp.json --json` takes from a fresh
  // clone (it builds into dist/). The whole example: 12 runs of 8 epochs take well under a minute.
  const example = JSON.parse(await readFile('examples/digits-mlp.json', 'utf8')) as {
    search_space: Record<string, { type: string; min_value?: number; max_value?: number; values?: unknown[] } | number>;
  };
  const { status, stdout, stderr } = runCli(['examples/digits-mlp.json', '--json']);
  expect(status, stderr).toBe(0);
  expect(stderr).toContain('building the app...');
  const report = JSON.parse(stdout) as SweepReport & { backend: BackendSummary };
  expect(Object.keys(report).sort()).toEqual(['backend', 'best', 'counts', 'objective', 'runs', 'sweep']);
  expect(report.sweep).toMatchObject({
    experiment: 'digits-mlp',
    status: 'Completed',
    endReason: { kind: 'max-total-runs', runs: 12 },
    error: null,
    warnings: [],
    concurrency: 2,
  });
  expect(report.objective).toEqual({ primaryMetric: 'val_accuracy', goal: 'MAXIMIZE' });
  expect(report.runs).toHaveLength(12);
  expect(report.runs.map((r) => r.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));

  const space = example.search_space;
  const range = (name: string): [number, number] => {
    const p = space[name];
    if (typeof p !== 'object' || p.min_value === undefined || p.max_value === undefined)
      throw new Error(`${name} is not a range`);
    return [p.min_value, p.max_value];
  };
  const values = (name: string): unknown[] => {
    const p = space[name];
    if (typeof p !== 'object' || p.values === undefined) throw new Error(`${name} is not a choice`);
    return p.values;
  };
  const [lrLow, lrHigh] = range('learning_rate');
  const [dropLow, dropHigh] = range('dropout');
  for (const run of report.runs) {
    expect(run.id).toBe(`${report.sweep.id}_${run.index}`);
    expect(run.backend).toBe('wasm');
    expect(run.attempt).toBe(1);
    expect(run.error).toBeNull();
    const h = run.hyperparameters;
    expect(Object.keys(h).sort()).toEqual(Object.keys(space).sort());
    // loguniform bounds are exponents.
    expect(Math.log(h['learning_rate'] as number)).toBeGreaterThanOrEqual(lrLow);
    expect(Math.log(h['learning_rate'] as number)).toBeLessThanOrEqual(lrHigh);
    expect(h['dropout']).toBeGreaterThanOrEqual(dropLow);
    expect(h['dropout']).toBeLessThanOrEqual(dropHigh);
    for (const name of ['hidden_layers', 'hidden_units', 'batch_size', 'optimizer'])
      expect(values(name)).toContain(h[name]);
    expect(h['epochs']).toBe(8);
    expect(run.bestPrimaryMetric).toBeGreaterThan(0);
    if (run.status === 'Completed') {
      expect(run.intervals).toBe(8);
      expect(run.terminationReason).toBeNull();
    } else {
      // Only Bandit stops runs, and not before its delay of 3 epochs.
      expect(run.status).toBe('Canceled');
      expect(run.termination).toMatchObject({ kind: 'policy', decision: { policy: 'bandit' } });
      expect(run.terminationReason).toMatch(/^stopped at interval \d+: .*\(Bandit, slack factor 0\.15\)$/);
      expect(run.intervals).toBeGreaterThanOrEqual(3);
      expect(run.intervals).toBeLessThan(8);
      // Exact decisions: the built-in example awaits each report, so nothing follows the stop.
      const decided = (run.termination as { decision: { interval: number } }).decision.interval;
      expect(run.intervals).toBe(decided);
      expect(run.afterDecision).toBeNull();
      expect(run.statusText).toBe(`Stopped early (Bandit, interval ${decided})`);
    }
  }
  const count = (s: string): number => report.runs.filter((r) => r.status === s).length;
  expect(report.counts).toEqual({
    Queued: 0,
    Running: 0,
    Completed: count('Completed'),
    Canceled: count('Canceled'),
    Failed: 0,
  });
  expect(count('Completed') + count('Canceled')).toBe(12);

  const top = [...report.runs].sort(
    (a, b) => (b.bestPrimaryMetric ?? -Infinity) - (a.bestPrimaryMetric ?? -Infinity),
  )[0];
  expect(report.best?.runId).toBe(top?.id);
  expect(report.best?.hyperparameters).toEqual(top?.hyperparameters);
  // Eight epochs of the best of 12 dense networks on the digits: far above chance (0.1).
  expect(report.best?.bestPrimaryMetric).toBeGreaterThan(0.8);
  expect(report.backend.requested).toBe('wasm');
  expect(report.backend.used).toEqual(['wasm']);
});

test('the app is rebuilt only when its sources changed since the last build', () => {
  // --rebuild builds and records the sources it built from; the next run finds nothing changed.
  const first = runCli(['test/browser/fixtures/tiny-spiral.json', '--rebuild']);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toContain('building the app...');
  const second = runCli(['test/browser/fixtures/tiny-spiral.json']);
  expect(second.status, second.stderr).toBe(0);
  expect(second.stderr).toContain('the app in dist/ is up to date with its sources');
  expect(second.stderr).not.toContain('building the app...');
});

test('npm run sweep --json runs a built-in example on wasm, prints the documented JSON and exports the best model', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'overdrive-model-'));
  const { status, stdout, stderr } = sweepCli(
    'test/browser/fixtures/tiny-spiral.json',
    '--json',
    '--export-model',
    dir,
  );
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport & { backend: BackendSummary };
  expect(report.sweep.status).toBe('Completed');
  expect(report.sweep.experiment).toBe('cli-test');
  expect(report.objective).toEqual({ primaryMetric: 'val_accuracy', goal: 'MAXIMIZE' });
  expect(report.runs).toHaveLength(2);
  for (const run of report.runs) {
    expect(run.status).toBe('Completed');
    expect(run.intervals).toBe(3);
    expect(run.backend).toBe('wasm');
    expect(run.bestPrimaryMetric).toBeGreaterThan(0);
    expect(Object.keys(run.hyperparameters).sort()).toEqual(['epochs', 'hidden_units', 'learning_rate']);
  }
  expect(report.backend.used).toEqual(['wasm']);
  // Training is real and unseeded, so which learning rate wins a 3-epoch spiral is up to chance
  // (a lucky initialisation at 1e-4 can beat 0.05): the best is whichever run scored highest.
  const top = [...report.runs].sort(
    (a, b) => (b.bestPrimaryMetric ?? -Infinity) - (a.bestPrimaryMetric ?? -Infinity),
  )[0];
  expect(report.best?.runId).toBe(top?.id);
  expect(report.best?.bestPrimaryMetric).toBe(top?.bestPrimaryMetric);
  expect(report.best?.hyperparameters).toEqual(top?.hyperparameters);
  // Progress went to stderr, leaving stdout pure JSON.
  expect(stderr).toMatch(/Completed: 2\/4 runs/);

  // The exported files are a TF.js layers model that loads and predicts in Node.
  expect(stderr).toContain(`exported the best run's model (${report.best?.runId}) to ${dir}/model.json`);
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const entry = manifest.weightsManifest[0];
  expect(entry?.paths).toEqual([`./${report.best?.runId}.weights.bin`]);
  const weights = await readFile(join(dir, entry?.paths[0] ?? ''));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: entry?.weights ?? [],
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const { validation } = spiralSplit();
  const scores = Array.from(
    await (model.predict(tf.tensor2d(validation.features, [validation.size, 2])) as tf.Tensor).data(),
  );
  const accuracy = scores.filter((p, i) => (p >= 0.5 ? 1 : 0) === validation.labels[i]).length / validation.size;
  // The final epoch's weights: at most the run's best epoch, and far from a constant guess.
  expect(accuracy).toBeLessThanOrEqual((report.best?.bestPrimaryMetric ?? 0) + 1e-6);
  expect(new Set(scores.map((p) => p >= 0.5)).size).toBe(2);
});

test('a training module given as a file path is served and trained, with a table by default', async () => {
  const { status, stdout, stderr } = sweepCli('test/browser/fixtures/custom-trial.json');
  expect(status, stderr).toBe(0);
  expect(stdout).toMatch(/^run\s+status\s+lr\s+steps\s+best distance\s+intervals\s+backend\s+reason/m);
  expect(stdout).toMatch(/^1\s+Completed\s+0\.3\s+5\s+\S+\s+5\s+cpu/m);
  expect(stdout).toContain('best: run');
  expect(stdout).toContain('lr=0.3');
});

test('the README training-module example trains the digits for real through the CLI', async () => {
  const { status, stdout, stderr } = sweepCli('examples/custom-module.json', '--json');
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport;
  expect(report.sweep.status).toBe('Completed');
  expect(report.runs.map((r) => [r.status, r.intervals, r.backend])).toEqual(
    Array.from({ length: 4 }, () => ['Completed', 3, 'wasm']),
  );
  // Three epochs of a small MLP on the digits beat chance (0.1) by far.
  expect(report.best?.bestPrimaryMetric).toBeGreaterThan(0.8);
});

test('a malformed spec exits non-zero naming the field, the rule and the value', async () => {
  const { status, stderr, stdout } = sweepCli('test/browser/fixtures/bad-spec.json', '--json');
  expect(status).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain(
    'spec error in test/browser/fixtures/bad-spec.json: line 3, column 59: ' +
      'search_space.learning_rate.min_value: must be less than max_value (0.1) (got 0.5)',
  );
});

test('--no-build without a built app, or without Chromium, says what to do in one line and exits 2 at once', () => {
  const noApp = spawnSync('npx', ['tsx', 'scripts/sweep.ts', 'examples/digits-mlp.json', '--no-build'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OVERDRIVE_DIST: 'no-such-dist' },
  });
  expect(noApp.status).toBe(2);
  expect(noApp.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^error: no built app in .*no-such-dist: run `npm run build`, or drop --no-build$/),
  ]);
  const noBrowser = spawnSync('npx', ['tsx', 'scripts/sweep.ts', 'examples/digits-mlp.json', '--no-build'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CHROME_PATH: '/no/such/chromium' },
  });
  expect(noBrowser.status).toBe(2);
  expect(noBrowser.stderr).toContain(
    "error: no Chromium at /no/such/chromium: install Debian's (sudo apt-get install -y chromium) or set CHROME_PATH",
  );
  expect(noBrowser.stderr).not.toContain('TimeoutError');
});

test('bad arguments print usage and exit 2', async () => {
  const { status, stderr } = sweepCli('--backend', 'tpu', 'x.json');
  expect(status).toBe(2);
  expect(stderr).toContain('--backend must be one of auto, webgpu, webgl, wasm, cpu (got "tpu")');
  expect(stderr).toContain('usage: npm run sweep');
});

test('an Azure ML v2 sweep job in YAML runs with --trial naming what to train in the browser', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'overdrive-azure-'));
  const job = join(dir, 'job.yml');
  await writeFile(
    job,
    [
      '$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json',
      'type: sweep',
      'experiment_name: azure-cli',
      'trial:',
      '  command: python train.py --learning_rate ${{search_space.learning_rate}} --epochs ${{search_space.epochs}}',
      '  code: ./src',
      '  environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
      'search_space:',
      '  learning_rate:',
      '    type: choice',
      '    values: [0.05, 0.01]',
      '  epochs:',
      '    type: choice',
      '    values: [3]',
      'sampling_algorithm: grid',
      'objective:',
      '  primary_metric: val_accuracy',
      '  goal: maximize',
      'limits:',
      '  max_total_trials: 2',
      '  max_concurrent_trials: 2',
      '  trial_timeout: 600',
      '',
    ].join('\n'),
  );
  const missing = sweepCli(job, '--json');
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/spec error in .*job\.yml: .*trial/);

  const { status, stdout, stderr } = sweepCli(job, '--json', '--trial', 'spiral', '--backend', 'wasm');
  expect(status, stderr).toBe(0);
  // trial_timeout is enforced here as in Azure (trialTimeoutSeconds), so there is nothing to warn about.
  expect(stderr).not.toContain('limits.trial_timeout');
  const report = JSON.parse(stdout) as SweepReport;
  expect(report.sweep.experiment).toBe('azure-cli');
  expect(report.runs.map((r) => [r.status, r.intervals, r.hyperparameters['learning_rate']])).toEqual([
    ['Completed', 3, 0.05],
    ['Completed', 3, 0.01],
  ]);
});
