import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  InProcessRunner,
  ManualClock,
  MemoryStore,
  PrimaryMetricGoal,
  SeededRandom,
  Workspace,
  choice,
} from '../../src/index.js';
import { configFromRecord } from '../../src/experiment/config-from-record.js';
import { exportSweep, parseSweepDocument, sweepDocumentText } from '../../src/export/index.js';
import type { DataBinding } from '../../src/data-binding/index.js';
import {
  decodeShareLink,
  encodeShareLink,
  exportSweepJobJson,
  exportSweepJobYaml,
  normalizeSweepFile,
  parseSweepFile,
  parseSweepJobText,
  toAzureSweepJob,
  toSweepFile,
  withStoredData,
  type SweepFile,
} from '../../src/sweep-file/index.js';
import { sequentialIds } from './helpers.js';

// Issue 15, item 6: the sweep's data binding in the config, the stored record, the sweep file
// (JSON and YAML), the share link and the Azure export, each checked at its boundary.

const ID = `sha256-${'0123456789abcdef'.repeat(4)}`;
const base = {
  trial: 'spiral',
  search_space: { x: { type: 'choice', values: [1, 2] } },
  sampling_algorithm: 'grid',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
};

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('the sweep file’s data', () => {
  it('a file beside the spec: the preparation defaults are written out, and the sweep waits for the file to be stored', () => {
    const parsed = parseSweepFile({
      ...base,
      data: { path: 'penguins.csv', target: 'Species', task: 'classification' },
    });
    expect(parsed.spec.data).toEqual({
      path: 'penguins.csv',
      target: 'Species',
      task: 'classification',
      drop: [],
      missing: 'impute',
      categorical: 'one-hot',
      validation_fraction: 0.2,
      seed: 0,
    });
    expect(parsed.data).toEqual({ kind: 'file', path: 'penguins.csv', data: parsed.spec.data });
    // No binding until the file is stored: nothing can start on a file name alone.
    expect(parsed.hyperDriveConfigOptions.data).toBeUndefined();

    const stored = parseSweepFile(withStoredData(parsed.spec, ID, 'penguins.csv'));
    expect(stored.spec.data).toEqual({
      dataset: ID,
      name: 'penguins.csv',
      target: 'Species',
      task: 'classification',
      drop: [],
      missing: 'impute',
      categorical: 'one-hot',
      validation_fraction: 0.2,
      seed: 0,
    });
    expect(stored.hyperDriveConfigOptions.data).toEqual({
      dataset: ID,
      name: 'penguins.csv',
      preparation: {
        target: 'Species',
        task: 'classification',
        drop: [],
        missing: 'impute',
        categorical: 'one-hot',
        validationFraction: 0.2,
        seed: 0,
      },
    });
  });

  it('a stored dataset with every preparation field, and an image folder', () => {
    const table = parseSweepFile({
      ...base,
      data: {
        dataset: ID,
        name: 'cars.json',
        target: 'Miles_per_Gallon',
        task: 'regression',
        drop: ['Name'],
        missing: 'drop-rows',
        categorical: 'index',
        validation_fraction: 0.25,
        seed: 7,
      },
    });
    expect(table.data?.kind).toBe('stored');
    expect(table.hyperDriveConfigOptions.data?.preparation).toEqual({
      target: 'Miles_per_Gallon',
      task: 'regression',
      drop: ['Name'],
      missing: 'drop-rows',
      categorical: 'index',
      validationFraction: 0.25,
      seed: 7,
    });
    const images = parseSweepFile({ ...base, data: { dataset: ID, name: 'flowers', kind: 'images', size: [16, 24] } });
    expect(images.spec.data).toEqual({
      dataset: ID,
      name: 'flowers',
      kind: 'images',
      size: [16, 24],
      validation_fraction: 0.2,
      seed: 0,
    });
    expect(images.hyperDriveConfigOptions.data?.preparation).toEqual({
      kind: 'images',
      size: [16, 24],
      validationFraction: 0.2,
      seed: 0,
    });
  });

  it('reads the same from YAML', () => {
    const yaml = [
      'trial: tabular-mlp',
      'search_space: { units: { type: choice, values: [8, 16] } }',
      'sampling_algorithm: grid',
      'objective: { primary_metric: val_accuracy, goal: maximize }',
      'data:',
      '  path: penguins.csv',
      '  target: Species',
      '  task: classification',
      '  drop: [Island]',
    ].join('\n');
    const parsed = parseSweepJobText(yaml);
    expect(parsed.spec.data).toMatchObject({ path: 'penguins.csv', target: 'Species', drop: ['Island'] });
  });

  it.each([
    ['neither path nor dataset', { target: 'y', task: 'regression' }, 'data', /needs exactly one of path/],
    ['both', { path: 'a.csv', dataset: ID, name: 'a.csv', target: 'y', task: 'regression' }, 'data', /exactly one/],
    [
      'a URL',
      { path: 'https://example.org/a.csv', target: 'y', task: 'regression' },
      'data.path',
      /URL is not fetched/,
    ],
    ['an absolute path', { path: '/etc/passwd', target: 'y', task: 'regression' }, 'data.path', /absolute path/],
    [
      'a bad dataset id',
      { dataset: 'sha256-xyz', name: 'a', target: 'y', task: 'regression' },
      'data.dataset',
      /64 lowercase hex/,
    ],
    [
      'a dataset without a name',
      { dataset: ID, target: 'y', task: 'regression' },
      'data.name',
      /is required with dataset/,
    ],
    [
      'a name with a path',
      { path: 'a.csv', name: 'b', target: 'y', task: 'regression' },
      'data.name',
      /taken from the path/,
    ],
    [
      'a folder in a name',
      { dataset: ID, name: 'a/b.csv', target: 'y', task: 'regression' },
      'data.name',
      /without "\/"/,
    ],
    ['no target', { path: 'a.csv', task: 'regression' }, 'data.target', /column name/],
    ['an unknown task', { path: 'a.csv', target: 'y', task: 'clustering' }, 'data.task', /classification/],
    [
      'a fraction out of range',
      { path: 'a.csv', target: 'y', task: 'regression', validation_fraction: 0.7 },
      'data.validation_fraction',
      /\(0, 0\.5\]/,
    ],
    [
      'camelCase',
      { path: 'a.csv', target: 'y', task: 'regression', validationFraction: 0.3 },
      'data.validationFraction',
      /validation_fraction/,
    ],
    [
      'an image side too small',
      { path: 'flowers', kind: 'images', size: [4, 32] },
      'data.size[0]',
      /between 8 and 512/,
    ],
    ['a table field on images', { path: 'flowers', kind: 'images', target: 'y' }, 'data.target', /not a known/],
  ])('refuses %s, naming the field', (_name, data, fieldName, rule) => {
    const error = errorOf(() => parseSweepFile({ ...base, data }));
    expect(error.field).toBe(fieldName);
    expect(error.message).toMatch(rule);
  });
});

const sampling = (): GridParameterSampling => new GridParameterSampling({ x: choice(1, 2) });
const binding: DataBinding = {
  dataset: ID,
  name: 'penguins.csv',
  preparation: {
    target: 'Species',
    task: 'classification',
    drop: ['Island'],
    missing: 'impute',
    categorical: 'one-hot',
    validationFraction: 0.2,
    seed: 3,
  },
};

function config(data: unknown): HyperDriveConfig {
  return new HyperDriveConfig({
    hyperparameterSampling: sampling(),
    primaryMetricName: 'val_accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 2,
    train: async (params, run) => {
      await run.log('val_accuracy', Number(params['x']));
    },
    data: data as DataBinding,
  });
}

describe('HyperDriveConfig.data and the stored sweep', () => {
  it('is validated with the field, the rule and the value', () => {
    expect(config(binding).data).toEqual(binding);
    const bad = errorOf(() => config({ ...binding, preparation: { ...binding.preparation, missing: 'guess' } }));
    expect(bad.field).toBe('data.preparation.missing');
    expect(bad.message).toContain('"guess"');
    expect(errorOf(() => config({ ...binding, rows: [] })).field).toBe('data.rows');
    expect(errorOf(() => config({ ...binding, dataset: 'penguins.csv' })).field).toBe('data.dataset');
  });

  it('goes into the record, back into a config, into a spec, and through a sweep document', async () => {
    const record = config(binding).toRecord();
    expect(record.data).toEqual(binding);
    expect(configFromRecord(record, async () => {}).data).toEqual(binding);
    const spec = toSweepFile(record, { trial: { builtin: 'tabular-mlp' } }).spec;
    expect(spec.data).toEqual({
      dataset: ID,
      name: 'penguins.csv',
      target: 'Species',
      task: 'classification',
      drop: ['Island'],
      missing: 'impute',
      categorical: 'one-hot',
      validation_fraction: 0.2,
      seed: 3,
    });
    expect(parseSweepFile(spec).hyperDriveConfigOptions.data).toEqual(binding);

    const store = new MemoryStore();
    const clock = new ManualClock(0);
    const ws = new Workspace({
      store,
      clock,
      runner: new InProcessRunner({ clock }),
      createSweepId: sequentialIds('HD_d'),
      random: new SeededRandom(1),
    });
    const sweep = new Experiment(ws, 'data').submit(config(binding));
    await sweep.waitForCompletion();
    expect((await store.getSweep(sweep.id))?.config.data).toEqual(binding);
    const text = sweepDocumentText(await exportSweep(store, sweep.id));
    expect(parseSweepDocument(text).sweep.config.data).toEqual(binding);
    const tampered = JSON.parse(text) as { sweep: { config: { data: { preparation: Record<string, unknown> } } } };
    tampered.sweep.config.data.preparation['validationFraction'] = 2;
    expect(() => parseSweepDocument(JSON.stringify(tampered))).toThrow(
      /sweep\.config\.data\.preparation\.validationFraction: must be a number in \(0, 0\.5\]/,
    );
  });
});

describe('share links and Azure jobs carry the binding, never the data', () => {
  const spec: SweepFile = normalizeSweepFile({
    ...base,
    trial: 'tabular-mlp',
    data: { dataset: ID, name: 'penguins.csv', target: 'Species', task: 'classification', seed: 5 },
  });

  it('a share link round-trips the binding', async () => {
    const link = await encodeShareLink(spec, 'https://example.org/overdrive/', { compress: false });
    const decoded = await decodeShareLink(link);
    expect(decoded.spec).toEqual(spec);
    expect(decoded.hyperDriveConfigOptions.data?.dataset).toBe(ID);
  });

  it('an Azure job gets the data as inputs.data, and its import reads the binding back', () => {
    const exported = toAzureSweepJob(spec);
    expect(exported.job['inputs']).toEqual({ data: { type: 'uri_file', path: './penguins.csv' } });
    const trial = exported.job['trial'] as Record<string, unknown>;
    expect(trial['command']).toMatch(/ --data \$\{\{inputs\.data\}\}$/);
    expect(exported.warnings.find((w) => w.field === 'data')?.message).toContain('inputs.data');
    for (const text of [exportSweepJobYaml(spec).text, exportSweepJobJson(spec).text]) {
      expect(parseSweepJobText(text).spec).toEqual(spec);
    }
    // A file beside the spec keeps its path; an image folder is a uri_folder.
    const file = normalizeSweepFile({ ...base, data: { path: 'data/cars.json', target: 'y', task: 'regression' } });
    expect(toAzureSweepJob(file).job['inputs']).toEqual({ data: { type: 'uri_file', path: 'data/cars.json' } });
    expect(parseSweepJobText(exportSweepJobYaml(file).text).spec).toEqual(file);
    const folder = normalizeSweepFile({ ...base, data: { path: 'flowers', kind: 'images' } });
    expect(toAzureSweepJob(folder).job['inputs']).toEqual({ data: { type: 'uri_folder', path: 'flowers' } });
    expect(parseSweepJobText(exportSweepJobYaml(folder).text).spec).toEqual(folder);
  });

  it("an Azure job's own inputs.data is kept as it is, and the binding still comes back", () => {
    const own = normalizeSweepFile({
      ...spec,
      azure: { inputs: { data: { type: 'uri_file', path: 'azureml:penguins:1' } } },
    });
    const exported = toAzureSweepJob(own);
    expect(exported.job['inputs']).toEqual({ data: { type: 'uri_file', path: 'azureml:penguins:1' } });
    expect(parseSweepJobText(exportSweepJobYaml(own).text).spec).toEqual(own);
    expect(parseYaml(exportSweepJobYaml(own).text)).toMatchObject({ inputs: { data: { path: 'azureml:penguins:1' } } });
  });
});

describe('the Optuna script', () => {
  it('says that train() must load the data itself', async () => {
    const { toOptunaScript } = await import('../../src/sweep-file/index.js');
    const spec = normalizeSweepFile({
      ...base,
      data: { path: 'penguins.csv', target: 'Species', task: 'classification' },
    });
    expect(toOptunaScript(spec).warnings.find((w) => w.field === 'data')?.message).toContain(
      'read penguins.csv in train()',
    );
  });
});
