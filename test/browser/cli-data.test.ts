import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { SweepReport } from '../../src/report/index.js';

// The CLI on a sweep file's own data (issue 15 item 6): `"data": { "path": … }` names a file
// beside the spec; the CLI serves only the spec's folder, the page stores the file in its dataset
// store (content hash) and checks it against the preparation before the sweep starts, and bad
// data exits 2 with the data's own message. Real CLI subprocess, real Chromium, real TF.js.
// OVERDRIVE_TEST_DIST (side-by-side runs) is the app these runs serve, as the suite's own build.
const dist = process.env['OVERDRIVE_TEST_DIST'];

function sweepCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['tsx', 'scripts/sweep.ts', ...args, '--no-build'], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...(dist === undefined ? {} : { OVERDRIVE_DIST: dist }) },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A spec folder: the spec as `spec.json` plus the given files; returns the spec's path. */
async function specFolder(spec: object, files: Readonly<Record<string, string>>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'overdrive-cli-data-'));
  for (const [name, from] of Object.entries(files)) {
    await mkdir(join(folder, name, '..'), { recursive: true });
    await copyFile(from, join(folder, name));
  }
  await writeFile(join(folder, 'spec.json'), JSON.stringify(spec, null, 2));
  return join(folder, 'spec.json');
}

const tabularSpec = (data: object): object => ({
  type: 'sweep',
  experiment_name: 'penguins',
  trial: 'tabular-mlp',
  data,
  search_space: {
    learning_rate: { type: 'choice', values: [0.01, 0.03] },
    hidden_units: 16,
    hidden_layers: 1,
    epochs: 3,
  },
  sampling_algorithm: 'grid',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  limits: { max_total_trials: 2, max_concurrent_trials: 2 },
  backend: 'wasm',
});

test('"trial": "tabular-mlp" with "data": { "path": "penguins.csv" } stores the file, trains on it and exports its preparation', async () => {
  test.setTimeout(300_000);
  // The data in a sub-folder of the spec's folder: a relative path inside it is allowed.
  const specPath = await specFolder(
    tabularSpec({ path: 'data/penguins.csv', target: 'Species', task: 'classification' }),
    { 'data/penguins.csv': 'test/fixtures/data/penguins.csv' },
  );
  const exportDir = join(specPath, '..', 'model');
  const { status, stdout, stderr } = sweepCli(specPath, '--json', '--export-model', exportDir);
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport;
  expect(report.sweep).toMatchObject({ experiment: 'penguins', status: 'Completed', error: null });
  expect(report.runs).toHaveLength(2);
  for (const run of report.runs) {
    expect(run.status).toBe('Completed');
    expect(run.intervals).toBe(3);
    // Three species: a model that learned nothing sits near 1/3 (Adelie is 44%).
    expect(run.bestPrimaryMetric).toBeGreaterThan(0.5);
  }
  // The preparation the sweep trained with travels with the model: the target's classes, and the
  // file's name as stored (the path's last part).
  const preparation = JSON.parse(await readFile(join(exportDir, 'preparation.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect(JSON.stringify(preparation)).toContain('"Adelie"');
  expect(JSON.stringify(preparation)).toContain('Species');
});

test('a YAML spec on cars.json (regression, a dropped column, imputed missing values) runs to completion', async () => {
  test.setTimeout(300_000);
  const folder = await mkdtemp(join(tmpdir(), 'overdrive-cli-data-'));
  await copyFile('test/fixtures/data/cars.json', join(folder, 'cars.json'));
  // The preparation fields as a person writes them in YAML: snake_case, flat beside the path.
  await writeFile(
    join(folder, 'cars.yml'),
    [
      'type: sweep',
      'experiment_name: cars',
      'trial: tabular-mlp',
      'data:',
      '  path: cars.json',
      '  target: Miles_per_Gallon',
      '  task: regression',
      '  drop: [Name]',
      '  missing: impute',
      '  validation_fraction: 0.25',
      'search_space:',
      '  learning_rate: 0.01',
      '  hidden_units: 16',
      '  epochs: 3',
      'sampling_algorithm: grid',
      'objective: { primary_metric: val_loss, goal: minimize }',
      'limits: { max_total_trials: 1, max_concurrent_trials: 1 }',
      'backend: wasm',
      '',
    ].join('\n'),
  );
  const { status, stdout, stderr } = sweepCli(join(folder, 'cars.yml'), '--json');
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport;
  expect(report.sweep).toMatchObject({ experiment: 'cars', status: 'Completed', error: null });
  expect(report.objective).toEqual({ primaryMetric: 'val_loss', goal: 'MINIMIZE' });
  expect(report.runs).toHaveLength(1);
  expect(report.runs[0]?.status).toBe('Completed');
  expect(report.runs[0]?.intervals).toBe(3);
  expect(Number.isFinite(report.runs[0]?.bestPrimaryMetric)).toBe(true);
});

test('bad data fails before the sweep with the data error naming the file and column, and exit code 2', async () => {
  test.setTimeout(180_000);
  const specPath = await specFolder(tabularSpec({ path: 'penguins.csv', target: 'species', task: 'classification' }), {
    'penguins.csv': 'test/fixtures/data/penguins.csv',
  });
  const { status, stdout, stderr } = sweepCli(specPath);
  expect(status, stderr).toBe(2);
  expect(stdout).toBe('');
  // DATA-CORE's DataError, as the page's data worker raised it: file, column and the rule.
  expect(stderr).toContain('error: penguins.csv, column "species": there is no such column (target)');
  expect(stderr).toContain('"Species"');
  // Refused before the sweep: no run table was printed, no run started.
  expect(stderr).not.toMatch(/\brun \d+\b/);
});

test('data.path outside the spec folder, naming no file, or with kind images is refused before any browser starts', async () => {
  const specPath = await specFolder(
    tabularSpec({ path: '../penguins.csv', target: 'Species', task: 'classification' }),
    {},
  );
  const outside = sweepCli(specPath);
  expect(outside.status).toBe(2);
  expect(outside.stderr).toContain('data.path');
  expect(outside.stderr).toContain("must name a file inside the spec's folder");
  expect(outside.stderr).toContain('"../penguins.csv"');

  const missing = await specFolder(
    tabularSpec({ path: 'penguins.csv', target: 'Species', task: 'classification' }),
    {},
  );
  const absent = sweepCli(missing);
  expect(absent.status).toBe(2);
  expect(absent.stderr).toContain('data.path');
  expect(absent.stderr).toContain('must name an existing file');

  // An image folder is picked in the Studio: the CLI reads one table file.
  const images = await specFolder(tabularSpec({ path: 'penguins.csv', kind: 'images' }), {
    'penguins.csv': 'test/fixtures/data/penguins.csv',
  });
  const refused = sweepCli(images);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain('data.kind: "images" with data.path');
});

test("a module in the spec's folder imports its own files (a sub-folder too) and reads a JSON file beside it", async () => {
  test.setTimeout(180_000);
  // The module of module-files.test.ts, now run by the CLI: the spec's folder is what it serves,
  // so main.js's `./helpers.js`, helpers' `./parts/factor.js` and `./weights.json` resolve.
  const from = 'test/browser/fixtures/module-files';
  const specPath = await specFolder(
    {
      type: 'sweep',
      experiment_name: 'module-files',
      trial: { module: 'main.js' },
      search_space: { x: { type: 'choice', values: [2, 3] } },
      sampling_algorithm: 'grid',
      objective: { primary_metric: 'score', goal: 'maximize' },
      limits: { max_total_trials: 2, max_concurrent_trials: 2 },
      backend: 'cpu',
    },
    {
      'main.js': `${from}/main.js`,
      'helpers.js': `${from}/helpers.js`,
      'parts/factor.js': `${from}/parts/factor.js`,
      'weights.json': `${from}/weights.json`,
    },
  );
  const { status, stdout, stderr } = sweepCli(specPath, '--json');
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport;
  // score = x * factor (10, parts/factor.js) + bias (0.5, weights.json) + epoch (3 epochs).
  const best = Object.fromEntries(report.runs.map((r) => [r.hyperparameters['x'], r.bestPrimaryMetric]));
  expect(best).toEqual({ 2: 23.5, 3: 33.5 });
});
