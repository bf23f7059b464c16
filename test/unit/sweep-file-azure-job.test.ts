import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { BanditPolicy } from '../../src/policy/index.js';
import {
  exportSweepJobJson,
  exportSweepJobYaml,
  normalizeSweepFile,
  parseSweepJob,
  parseSweepJobText,
  parseSweepFile,
  parseSweepFileText,
  SweepFileError,
  toAzureSweepJob,
  type SweepFile,
} from '../../src/sweep-file/index.js';
import { generateSpecs } from './sweep-file-generator.js';

const examplesDir = join(import.meta.dirname, '../../examples');
const fixturesDir = join(import.meta.dirname, 'fixtures/azure');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
const azureFixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.yml'));

// ---------------------------------------------------------------------------------------------
// A small validator for the vendored shape of Azure's sweep-job schema (see the fixture's $comment).

type Shape =
  | string
  | { const: unknown }
  | { enum: string[]; caseInsensitive?: boolean }
  | { list: Shape }
  | { dict: Shape }
  | { oneOf: Shape[] }
  | { ref: string }
  | { object: { required: string[]; fields: Record<string, Shape> } }
  | { tagged: { by: string; caseInsensitive?: boolean; variants: Record<string, Record<string, Shape | string[]>> } };

interface SchemaFile {
  root: string;
  definitions: Record<string, Shape>;
}

const schema = JSON.parse(readFileSync(join(fixturesDir, 'sweep-job-shape.json'), 'utf8')) as SchemaFile;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every violation of `shape` in `value`, as "path: problem". */
function violations(value: unknown, shape: Shape, path: string): string[] {
  if (typeof shape === 'string') {
    const ok =
      shape === 'any' ||
      (shape === 'string' && typeof value === 'string') ||
      (shape === 'boolean' && typeof value === 'boolean') ||
      (shape === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
      (shape === 'number' && typeof value === 'number' && Number.isFinite(value));
    return ok ? [] : [`${path}: expected ${shape}, got ${JSON.stringify(value)}`];
  }
  if ('const' in shape) return value === shape.const ? [] : [`${path}: expected ${JSON.stringify(shape.const)}`];
  if ('enum' in shape) {
    const text = typeof value === 'string' && shape.caseInsensitive === true ? value.toLowerCase() : value;
    return typeof text === 'string' && shape.enum.includes(text)
      ? []
      : [`${path}: expected one of ${shape.enum.join(', ')}, got ${JSON.stringify(value)}`];
  }
  if ('ref' in shape) {
    const target = schema.definitions[shape.ref];
    if (target === undefined) throw new Error(`the schema fixture has no definition ${shape.ref}`);
    return violations(value, target, path);
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    return value.flatMap((item, i) => violations(item, shape.list, `${path}[${i}]`));
  }
  if ('dict' in shape) {
    if (!isObject(value)) return [`${path}: expected a mapping`];
    return Object.entries(value).flatMap(([k, v]) => violations(v, shape.dict, `${path}.${k}`));
  }
  if ('oneOf' in shape) {
    const results = shape.oneOf.map((option) => violations(value, option, path));
    return results.some((r) => r.length === 0)
      ? []
      : [`${path}: matches none of the allowed forms (${results.map((r) => r[0]).join(' | ')})`];
  }
  if ('object' in shape) {
    if (!isObject(value)) return [`${path}: expected a mapping`];
    const problems = shape.object.required.filter((k) => !(k in value)).map((k) => `${path}.${k}: required`);
    for (const [k, v] of Object.entries(value)) {
      const fieldShape = shape.object.fields[k];
      if (fieldShape === undefined) problems.push(`${path}.${k}: unknown field (Azure refuses unknown fields)`);
      else problems.push(...violations(v, fieldShape, `${path}.${k}`));
    }
    return problems;
  }
  const { by, variants, caseInsensitive } = shape.tagged;
  if (!isObject(value)) return [`${path}: expected a mapping`];
  const tag = value[by];
  const key = typeof tag === 'string' && caseInsensitive === true ? tag.toLowerCase() : tag;
  const variant = typeof key === 'string' ? variants[key] : undefined;
  if (variant === undefined)
    return [`${path}.${by}: expected one of ${Object.keys(variants).join(', ')}, got ${JSON.stringify(tag)}`];
  const required = (variant['$required'] as string[] | undefined) ?? [];
  const problems = required.filter((k) => !(k in value)).map((k) => `${path}.${k}: required`);
  for (const [k, v] of Object.entries(value)) {
    if (k === by) continue;
    const fieldShape = variant[k] as Shape | undefined;
    if (fieldShape === undefined || k === '$required') problems.push(`${path}.${k}: unknown field of a ${String(tag)}`);
    else problems.push(...violations(v, fieldShape, `${path}.${k}`));
  }
  return problems;
}

const azureProblems = (job: unknown): string[] => violations(job, { ref: schema.root }, '');

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const exampleSpecs = exampleFiles.map((f): [string, SweepFile] => [
  f,
  parseSweepFileText(readFileSync(join(examplesDir, f), 'utf8')).spec,
]);
const generated = generateSpecs(80).map((input, i): [string, SweepFile] => [
  `generated #${i}`,
  normalizeSweepFile(input),
]);

describe('the Azure schema validator (the test instrument itself)', () => {
  it('accepts the Azure example jobs and refuses what azure-ai-ml refuses', () => {
    for (const file of azureFixtures) {
      expect(azureProblems(parseYaml(readFileSync(join(fixturesDir, file), 'utf8'))), file).toEqual([]);
    }
    const good = parseYaml(readFileSync(join(fixturesDir, 'hello-sweep.yml'), 'utf8')) as Record<string, unknown>;
    expect(azureProblems({ ...good, backend: 'wasm' })).toEqual([
      '.backend: unknown field (Azure refuses unknown fields)',
    ]);
    expect(azureProblems({ ...good, early_termination: { type: 'asha' } })).toEqual([
      '.early_termination.type: expected one of bandit, median_stopping, truncation_selection, got "asha"',
    ]);
    expect(azureProblems({ ...good, search_space: { x: 8 } })[0]).toBe('.search_space.x: expected a mapping');
    expect(azureProblems({ ...good, search_space: { x: { type: 'choice', values: [true] } } })[0]).toContain(
      '.search_space.x.values[0]: matches none',
    );
    expect(azureProblems({ ...good, limits: { max_total_trials: 4, timeout: 0.5 } })).toEqual([
      '.limits.timeout: expected integer, got 0.5',
    ]);
    expect(azureProblems({ ...good, tags: { week: 3 } })).toEqual(['.tags.week: expected string, got 3']);
    const { compute: _compute, ...noCompute } = good;
    expect(azureProblems(noCompute)).toEqual(['.compute: required']);
  });
});

describe('export to an Azure ML v2 sweep job', () => {
  it.each([...exampleSpecs, ...generated])('%s: YAML and JSON exports are valid Azure sweep jobs', (_name, spec) => {
    const { job } = toAzureSweepJob(spec);
    expect(azureProblems(job)).toEqual([]);
    expect(azureProblems(parseYaml(exportSweepJobYaml(spec).text))).toEqual([]);
    expect(azureProblems(JSON.parse(exportSweepJobJson(spec).text))).toEqual([]);
  });

  it('writes a submittable trial: a command binding every parameter, code and environment placeholders', () => {
    const [, spec] = exampleSpecs.find(([f]) => f === 'digits-mlp.json') ?? [];
    if (spec === undefined) throw new Error('digits-mlp.json is missing');
    const { job, warnings } = toAzureSweepJob(spec);
    expect(job['trial']).toEqual({
      command:
        'python train.py --learning_rate ${{search_space.learning_rate}} --hidden_layers ${{search_space.hidden_layers}} ' +
        '--hidden_units ${{search_space.hidden_units}} --dropout ${{search_space.dropout}} --batch_size ${{search_space.batch_size}} ' +
        '--optimizer ${{search_space.optimizer}} --epochs ${{search_space.epochs}}',
      code: './src',
      environment: 'azureml:sklearn-1.0@latest',
    });
    // The constant becomes a one-value choice, so the command can still pass it.
    expect((job['search_space'] as Record<string, unknown>)['epochs']).toEqual({ type: 'choice', values: [8] });
    expect(JSON.parse((job['properties'] as Record<string, string>)['overdrive'] ?? 'null')).toEqual({
      trial: 'digits-mlp',
      backend: 'wasm',
      azure: null,
      compute: null,
      search_space: { epochs: 8 },
    });
    expect(warnings.map((w) => w.field)).toEqual(['compute', 'trial', 'backend']);
    const custom = toAzureSweepJob(spec, {
      script: 'fit.py',
      code: '../py',
      environment: 'azureml:tf@latest',
      compute: 'azureml:gpu',
    });
    expect(custom.job['compute']).toBe('azureml:gpu');
    expect((custom.job['trial'] as Record<string, string>)['command']).toMatch(/^python fit\.py --learning_rate /);
    expect(custom.warnings.map((w) => w.field)).toEqual(['trial', 'backend']);
    expect(
      toAzureSweepJob(spec, { command: 'python a.py', code: 'c', environment: 'e', compute: 'azureml:x' }).warnings.map(
        (w) => w.field,
      ),
    ).toEqual(['backend']);
  });

  it('says what Azure cannot do, never dropping it silently', () => {
    const spec = parseSweepFile({
      search_space: {
        '--lr': { type: 'uniform', min_value: 0, max_value: 1 },
        flag: true,
        m: { type: 'choice', values: [{ on: false, d: { type: 'randint', upper: 3 } }, 'x'] },
      },
      sampling_algorithm: { type: 'random', seed: 'abc' },
      objective: { primary_metric: 'loss', goal: 'minimize' },
      early_termination: { type: 'asha', max_interval: 27 },
      limits: { max_total_trials: 5, timeout: 90.5, trial_timeout: 7.5 },
      trial: { module: 'https://example.org/t.js' },
      compute: 'azureml:c',
    }).spec;
    const { job, warnings } = toAzureSweepJob(spec, { command: 'python t.py', code: 'src', environment: 'env' });
    expect(warnings.map((w) => w.field)).toEqual([
      'search_space.flag',
      'search_space.m.values[0].on',
      'sampling_algorithm.seed',
      'early_termination',
      'limits.timeout',
      'limits.trial_timeout',
    ]);
    expect(warnings[3]?.message).toContain(
      'ASHA (asynchronous successive halving) is an Overdrive extension with no Azure ML equivalent',
    );
    expect(job['early_termination']).toBeUndefined();
    expect(job['limits']).toEqual({ max_total_trials: 5, max_concurrent_trials: 5, timeout: 91, trial_timeout: 8 });
    expect(job['sampling_algorithm']).toEqual({ type: 'random', rule: 'random' });
    expect(Object.keys(job['search_space'] as object)).toEqual(['lr', 'flag', 'm']);
    expect(azureProblems(job)).toEqual([]);
    // And all of it comes back, with the command given at export kept in azure.trial.
    const back = parseSweepJob(JSON.parse(JSON.stringify(job)));
    expect(back.warnings).toEqual([]);
    expect(back.spec).toEqual({
      ...spec,
      azure: { trial: { command: 'python t.py', code: 'src', environment: 'env' } },
    });
    expect(toAzureSweepJob(back.spec).job).toEqual(job);
    const trunc = toAzureSweepJob(
      parseSweepFile({
        ...baseInput,
        early_termination: { type: 'truncation_selection', truncation_percentage: 20, exclude_finished_jobs: true },
      }).spec,
    );
    expect(trunc.warnings.map((w) => w.field)).toContain('early_termination.exclude_finished_jobs');
    const bayes = toAzureSweepJob(
      parseSweepFile({
        ...baseInput,
        sampling_algorithm: 'bayesian',
        early_termination: { type: 'median_stopping' },
        search_space: { a: { type: 'normal', mu: 0, sigma: 1 } },
      }).spec,
    );
    expect(bayes.warnings.map((w) => w.field)).toEqual(
      expect.arrayContaining(['sampling_algorithm', 'early_termination']),
    );
  });

  it('refuses to overwrite a property of the sweep named overdrive', () => {
    const spec = parseSweepFile({ ...baseInput, properties: { overdrive: 'mine' } }).spec;
    expect(errorOf(() => toAzureSweepJob(spec)).message).toBe(
      'properties.overdrive: is reserved: an Azure export keeps what Azure cannot express in this property; rename it (got "mine")',
    );
  });
});

const baseInput = {
  search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
  sampling_algorithm: 'random',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  trial: 'digits-mlp',
};

describe('lossless round trips', () => {
  it.each([...exampleSpecs, ...generated])('%s: spec → YAML → spec and spec → JSON → spec', (_name, spec) => {
    const fromYaml = parseSweepJobText(exportSweepJobYaml(spec).text, { source: 'job.yml' });
    expect(fromYaml.spec).toEqual(spec);
    expect(fromYaml.origin).toBe('azure');
    expect(fromYaml.warnings).toEqual([]);
    // Parameter order is part of the sweep (seeded draws depend on it).
    expect(Object.keys(fromYaml.spec.search_space)).toEqual(Object.keys(spec.search_space));
    const fromJson = parseSweepJobText(exportSweepJobJson(spec).text);
    expect(fromJson.spec).toEqual(spec);
  });

  it.each([...exampleSpecs, ...generated])('%s: JSON → YAML → JSON gives the same job', (_name, spec) => {
    const json = JSON.parse(exportSweepJobJson(spec).text) as unknown;
    expect(parseYaml(exportSweepJobYaml(spec).text)).toEqual(json);
  });

  it('a boolean that collides with a string once exported still comes back', () => {
    const spec = parseSweepFile({
      ...baseInput,
      search_space: { f: { type: 'choice', values: [true, 'true', 1] } },
    }).spec;
    const { job } = toAzureSweepJob(spec);
    expect((job['search_space'] as Record<string, unknown>)['f']).toEqual({
      type: 'choice',
      values: ['true', 'true', 1],
    });
    expect(parseSweepJobText(exportSweepJobYaml(spec).text).spec).toEqual(spec);
  });

  it("reads Overdrive's own spec form from YAML too", () => {
    const yaml =
      'search_space:\n  lr: {type: uniform, min_value: 0.01, max_value: 0.1}\n  epochs: 3\nsampling_algorithm: random\nobjective: {primary_metric: loss, goal: minimize}\ntrial: spiral\n';
    const parsed = parseSweepJobText(yaml);
    expect(parsed.origin).toBe('overdrive');
    expect(parsed.spec).toEqual(parseSweepFile(parseYaml(yaml)).spec);
  });
});

describe('import of real Azure sweep jobs', () => {
  it.each(azureFixtures)('%s: needs a browser trial, and names trial when none is given', (file) => {
    const text = readFileSync(join(fixturesDir, file), 'utf8');
    const error = errorOf(() => parseSweepJobText(text, { source: file }));
    expect(error).toBeInstanceOf(SweepFileError);
    expect(error.field).toBe('trial');
    expect(error.message).toMatch(
      new RegExp(`^${file}:\\d+:1: trial: is an Azure command job, which cannot run in the browser`),
    );
    expect(error.message).toContain('pass one to the import (the trial option');
    expect((error as SweepFileError).line).toBe(text.split('\n').findIndex((l) => l.startsWith('trial:')) + 1);
  });

  it.each(azureFixtures)(
    '%s: imports with a trial given, keeps the Azure fields, and exports the same job back',
    (file) => {
      const text = readFileSync(join(fixturesDir, file), 'utf8');
      const original = parseYaml(text) as Record<string, unknown>;
      const parsed = parseSweepJobText(text, { source: file, trial: 'digits-mlp' });
      expect(parsed.origin).toBe('azure');
      expect(parsed.warnings).toEqual([]);
      expect(parsed.spec.trial).toEqual({ builtin: 'digits-mlp' });
      expect(parsed.spec.azure?.trial).toEqual(original['trial']);
      expect(parsed.spec.azure?.['inputs']).toEqual(original['inputs']);
      // Back to Azure: the same job, but for the overlay property carrying the browser trial.
      const exported = toAzureSweepJob(parsed.spec);
      expect(exported.warnings).toEqual([]);
      const { properties, ...rest } = exported.job as Record<string, unknown>;
      expect(JSON.parse((properties as Record<string, string>)['overdrive'] ?? '')).toEqual({ trial: 'digits-mlp' });
      const normalizedOriginal = { ...original };
      // What normalisation spells out (defaults, the object form of sampling, lower-case goal).
      expect(Object.keys(rest).sort()).toEqual(Object.keys(normalizedOriginal).sort());
      for (const key of [
        'trial',
        'inputs',
        'search_space',
        'compute',
        'display_name',
        'experiment_name',
        'description',
      ]) {
        expect(rest[key], key).toEqual(normalizedOriginal[key]);
      }
      expect(azureProblems(exported.job)).toEqual([]);
      // And the round trip through our own YAML is exact.
      expect(parseSweepJobText(exportSweepJobYaml(parsed.spec).text).spec).toEqual(parsed.spec);
    },
  );

  it('reads every Azure field: the lightgbm job with Bandit, Sobol and a nested choice', () => {
    const parsed = parseSweepJobText(readFileSync(join(fixturesDir, 'lightgbm-sweep-bandit.yml'), 'utf8'), {
      trial: { module: 'https://example.org/lgbm.js' },
    });
    expect(parsed.spec.sampling_algorithm).toEqual({ type: 'random', rule: 'sobol', seed: 123 });
    expect(parsed.spec.objective).toEqual({ primary_metric: 'test-accuracy', goal: 'maximize' });
    expect(parsed.spec.limits).toEqual({
      max_total_trials: 20,
      max_concurrent_trials: 10,
      timeout: 7200,
      trial_timeout: 900,
    });
    expect(parsed.hyperDriveConfigOptions.trialTimeoutSeconds).toBe(900);
    expect(parsed.hyperDriveConfigOptions.policy).toBeInstanceOf(BanditPolicy);
    expect(parsed.spec.tags).toEqual({ team: 'tabular', stage: '2' });
    expect(parsed.spec.search_space['boosting']).toEqual({
      type: 'choice',
      values: [
        { boosting: 'gbdt', min_data_in_leaf: { type: 'randint', upper: 40 } },
        { boosting: 'dart', drop_rate: { type: 'uniform', min_value: 0.05, max_value: 0.3 } },
      ],
    });
  });
});

describe('edits made to an exported job', () => {
  const spec = exampleSpecs.find(([f]) => f === 'digits-mlp.json')?.[1] as SweepFile;

  it('an Azure field edited after export wins over the overlay, and the import says so', () => {
    const job = JSON.parse(exportSweepJobJson(spec).text) as Record<string, Record<string, unknown>>;
    (job['search_space'] as Record<string, unknown>)['epochs'] = { type: 'choice', values: [10, 20] };
    job['compute'] = 'azureml:my-gpus' as unknown as Record<string, unknown>;
    const parsed = parseSweepJob(job);
    expect(parsed.spec.search_space['epochs']).toEqual({ type: 'choice', values: [10, 20] });
    expect(parsed.spec.compute).toBe('azureml:my-gpus');
    expect(parsed.warnings.map((w) => w.field).sort()).toEqual([
      'properties.overdrive.compute',
      'properties.overdrive.search_space.epochs',
    ]);
    expect(parsed.warnings[0]?.message).toMatch(/^not applied: .* differs from what Overdrive exports for it/);
    // Untouched parts still come from the overlay.
    expect(parsed.spec.trial).toEqual({ builtin: 'digits-mlp' });
    expect(parsed.spec.backend).toBe('wasm');
  });

  it('a broken overlay is an error located at properties.overdrive', () => {
    const text = exportSweepJobYaml(spec).text.replace('"trial":"digits-mlp"', '"trial":"digits-mlp",');
    const error = errorOf(() => parseSweepJobText(text, { source: 'job.yml' })) as SweepFileError;
    expect(error.field).toBe('properties.overdrive');
    expect(error.line).toBe(text.split('\n').findIndex((l) => l.startsWith('  overdrive:')) + 1);
    expect(error.rule).toBe(
      "must be valid JSON: expected a property name in double quotes at line 1, column 23 of the property's text",
    );
    const unknown = exportSweepJobYaml(spec).text.replace('"backend":', '"backnd":');
    expect(errorOf(() => parseSweepJobText(unknown)).message).toContain(
      'properties.overdrive.backnd: is not a field the overlay can replace',
    );
    const invalid = exportSweepJobYaml(spec).text.replace('"backend":"wasm"', '"backend":"metal"');
    const located = errorOf(() => parseSweepJobText(invalid, { source: 'job.yml' })) as SweepFileError;
    expect(located.field).toBe('properties.overdrive.backend');
    expect(located.message).toMatch(/^job\.yml:\d+:3: properties\.overdrive\.backend: must be one of "auto", "webgpu"/);
  });

  it('the trial option fills in only when the job names no browser trial', () => {
    expect(parseSweepJobText(exportSweepJobYaml(spec).text, { trial: 'spiral' }).spec.trial).toEqual({
      builtin: 'digits-mlp',
    });
  });
});

describe('YAML errors come with their line and column', () => {
  const locate = (text: string): SweepFileError => {
    const error = errorOf(() => parseSweepJobText(text, { source: 'job.yml', trial: 'spiral' }));
    expect(error).toBeInstanceOf(SweepFileError);
    return error as SweepFileError;
  };
  const good = readFileSync(join(fixturesDir, 'hello-sweep.yml'), 'utf8');

  it('syntax: a bad indentation, an unclosed flow sequence, a tab', () => {
    const unclosed = locate('search_space:\n  a: {type: choice, values: [1, 2}\nobjective: x\n');
    expect([unclosed.line, unclosed.column]).toEqual([2, 34]);
    expect(unclosed.field).toBe('search_space.a.values[1]');
    expect(unclosed.rule).toMatch(/^must be valid YAML: /);
    expect(unclosed.message).toMatch(/^job\.yml:2:34: search_space\.a\.values\[1\]: must be valid YAML: /);
    // YAML reads "4 timeout" as one key of a nested mapping, which it refuses at the 4.
    const indented = locate('limits:\n  max_total_trials: 4\n   timeout: 3\n');
    expect([indented.line, indented.column, indented.field]).toEqual([2, 21, 'limits.max_total_trials']);
    expect(indented.rule).toBe('must be valid YAML: nested mappings are not allowed in compact mappings');
    const tab = locate('limits:\n\tmax_total_trials: 4\n');
    expect([tab.line, tab.column, tab.rule]).toEqual([2, 1, 'must be valid YAML: tabs are not allowed as indentation']);
  });

  it('duplicate keys, unknown tags, several documents, alias bombs', () => {
    const duplicate = locate('type: sweep\ntrial: spiral\ntrial: digits-mlp\n');
    expect([duplicate.line, duplicate.column, duplicate.rule]).toEqual([
      3,
      1,
      'must be valid YAML: map keys must be unique',
    ]);
    const tag = locate('type: sweep\ntrial: !python/object spiral\n');
    expect([tag.line, tag.column]).toEqual([2, 8]);
    expect(tag.rule).toContain('unresolved tag');
    expect(locate('a: 1\n---\nb: 2\n').line).toBe(2);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    const exploded = locate(`${bomb.join('\n')}\n`);
    expect(exploded.rule).toMatch(/expands to more than 100000 values/);
  });

  it("merge keys (<<: *defaults) apply, the mapping's own keys win, and a bad one is named", () => {
    const job = (body: string): string =>
      `type: sweep\ntrial: spiral\nsampling_algorithm: random\nobjective: {primary_metric: accuracy, goal: maximize}\nlimits: {max_total_trials: 2}\nsearch_space:\n${body}`;
    const merged = parseSweepJobText(
      job(
        [
          '  lr: &lr {type: uniform, min_value: 0.01, max_value: 0.1}',
          '  lr2:',
          '    <<: *lr',
          '    max_value: 0.5',
          '  units: &units {type: choice, values: [8, 16]}',
          '  wide: &wide {type: choice, values: [32, 64]}',
          '  units2:',
          '    <<: [*units, *wide]',
          '',
        ].join('\n'),
      ),
      { source: 'job.yml', trial: 'spiral' },
    );
    const space = merged.spec.search_space as Record<string, unknown>;
    expect(space['lr2']).toEqual({ type: 'uniform', min_value: 0.01, max_value: 0.5 });
    // Of several merged mappings the first wins; here `type` and `values` come from *units.
    expect(space['units2']).toEqual({ type: 'choice', values: [8, 16] });
    // An error in a merged value points at where it is written (the anchor).
    const bad = locate(job('  lr: &lr {type: uniform, min_value: 0.5, max_value: 0.1}\n  lr2:\n    <<: *lr\n'));
    expect(bad.field).toMatch(/^search_space\.lr2?\.min_value$/);
    // What cannot merge is refused with a message that names merge keys.
    const scalar = locate(job('  lr:\n    <<: 5\n    type: uniform\n'));
    expect(scalar.rule).toContain('a merge key (<<) must name a mapping');
    expect(scalar.rule).toContain('found the scalar 5');
    expect(scalar.field).toBe('search_space.lr');
    expect(scalar.line).toBe(8);
    const list = locate(job('  base: &b [1, 2]\n  lr:\n    <<: *b\n'));
    expect(list.rule).toContain('the alias names a list');
    // A quoted "<<" is an ordinary key, refused as an unknown field like any other.
    expect(locate(job('  lr:\n    "<<": 5\n    type: uniform\n    min_value: 0\n    max_value: 1\n')).field).toBe(
      'search_space.lr.<<',
    );
  });

  it('a spec error points at the field in the YAML file', () => {
    const bad = good.replace('min_value: 0.1', 'min_value: 1.5');
    const error = locate(bad);
    const line = bad.split('\n').findIndex((l) => l.includes('min_value: 1.5')) + 1;
    expect([error.line, error.column]).toEqual([line, 5]);
    expect(error.message).toBe(
      `job.yml:${line}:5: search_space.C.min_value: must be less than max_value (1) (got 1.5)`,
    );
    const unknownTrialKey = good.replace('  code: src\n', '  code: src\n  image: x\n');
    const trialError = errorOf(() =>
      parseSweepJobText(unknownTrialKey, { source: 'job.yml', trial: 'spiral' }),
    ) as SweepFileError;
    expect(trialError.field).toBe('trial.image');
    expect(trialError.line).toBe(unknownTrialKey.split('\n').findIndex((l) => l.startsWith('  image:')) + 1);
  });

  it('an error in a renamed or overlaid parameter points at where it is written', () => {
    const spec = parseSweepFile({
      ...baseInput,
      search_space: { '--lr': { type: 'uniform', min_value: 0.01, max_value: 0.1 }, epochs: 5 },
    }).spec;
    const text = exportSweepJobYaml(spec).text;
    // The Azure job names the parameter lr; the overlay restores its dashes.
    const bad = text.replace('min_value: 0.01', 'min_value: 0.5');
    const error = locate(bad);
    expect(error.field).toBe('search_space.lr.min_value');
    expect(error.line).toBe(bad.split('\n').findIndex((l) => l.includes('min_value: 0.5')) + 1);
    // A bad value inside the overlay is reported there.
    const overlaid = text.replace(
      '"search_space":{"epochs":5}',
      '"search_space":{"epochs":{"type":"randint","upper":0}}',
    );
    expect(overlaid).not.toBe(text);
    const inOverlay = locate(overlaid);
    expect(inOverlay.field).toBe('properties.overdrive.search_space.epochs.upper');
    expect(inOverlay.line).toBe(overlaid.split('\n').findIndex((l) => l.startsWith('  overdrive:')) + 1);
  });

  it('the kept Azure fields are checked for shape', () => {
    expect(errorOf(() => parseSweepFile({ ...baseInput, azure: { trial: { image: 'x' } } })).message).toMatch(
      /^azure\.trial\.image: is not a known field of an Azure trial; known fields: command, code, environment/,
    );
    expect(errorOf(() => parseSweepFile({ ...baseInput, azure: { inputs: { a: Number.NaN } } })).message).toBe(
      'azure.inputs.a: must be a finite number (got NaN)',
    );
    expect(
      parseSweepFile({ ...baseInput, azure: { inputs: { a: { type: 'uri_file', path: 'x.csv' } } } }).spec.azure,
    ).toEqual({ inputs: { a: { type: 'uri_file', path: 'x.csv' } } });
  });

  it('an empty file, and JSON syntax errors when the text is JSON', () => {
    expect(locate('').rule).toBe('must be valid YAML: the text is empty: expected a YAML mapping');
    const json = errorOf(() => parseSweepJobText('{"type": "sweep",}', { source: 'job.json' })) as SweepFileError;
    expect(json.rule).toBe('must be valid JSON: trailing commas are not allowed in JSON: expected a property name');
    expect([json.line, json.column]).toEqual([1, 18]);
  });
});
