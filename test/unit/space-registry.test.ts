import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { SAMPLING_KINDS } from '../../src/sampling/registry.js';
import { EXPRESSION_KINDS, EXPRESSION_REGISTRY, expressionRow } from '../../src/space/index.js';
import type { ExpressionKind } from '../../src/space/index.js';
import type { SweepConfigRecord } from '../../src/store/records.js';
import { PARAMETER_FIELDS, PARAMETER_TYPES } from '../../src/studio/builder/form-state.js';
import {
  parseSweepFile,
  parseSweepJob,
  SWEEP_FILE_PARAMETER_FIELDS,
  toAzureSweepJob,
  toOptunaScript,
  toSweepFile,
} from '../../src/sweep-file/index.js';

/** One valid parameter of each type, as a sweep file writes it. */
const PARAMETERS: Readonly<Record<ExpressionKind, Readonly<Record<string, unknown>>>> = {
  choice: { type: 'choice', values: [1, 'two', true, { depth: { type: 'randint', upper: 4 } }] },
  randint: { type: 'randint', upper: 5 },
  uniform: { type: 'uniform', min_value: -1, max_value: 2.5 },
  loguniform: { type: 'loguniform', min_value: -6.9, max_value: -2.3 },
  quniform: { type: 'quniform', min_value: 0, max_value: 10, q: 0.5 },
  qloguniform: { type: 'qloguniform', min_value: 0, max_value: 4, q: 2 },
  normal: { type: 'normal', mu: 0, sigma: 1 },
  lognormal: { type: 'lognormal', mu: 1, sigma: 0.5 },
  qnormal: { type: 'qnormal', mu: 10, sigma: 2, q: 1 },
  qlognormal: { type: 'qlognormal', mu: 2, sigma: 0.3, q: 0.25 },
};

function sweepFileWith(parameter: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    search_space: { x: parameter },
    sampling_algorithm: { type: 'random', seed: 3 },
    objective: { primary_metric: 'loss', goal: 'minimize' },
    limits: { max_total_trials: 4, max_concurrent_trials: 1 },
    trial: 'digits-mlp',
  };
}

describe('the expression registry', () => {
  it('has one row per expression kind, and the sweep file and builder list exactly those', () => {
    expect(EXPRESSION_KINDS).toEqual(Object.keys(PARAMETERS));
    expect(new Set(EXPRESSION_KINDS).size).toBe(EXPRESSION_REGISTRY.length);
    expect(PARAMETER_TYPES).toEqual([...EXPRESSION_KINDS, 'constant']);
    for (const row of EXPRESSION_REGISTRY) {
      const keys = row.args.map((a) => a.fileKey);
      expect(SWEEP_FILE_PARAMETER_FIELDS[row.kind]).toEqual(keys);
      expect(PARAMETER_FIELDS[row.kind]).toEqual(keys);
      expect(Object.keys(PARAMETERS[row.kind])).toEqual(['type', ...keys]);
    }
  });

  it.each(EXPRESSION_KINDS)('%s: sweep file → engine → record → sweep file, Azure and Optuna', (kind) => {
    const parsed = parseSweepFile(sweepFileWith(PARAMETERS[kind]));
    expect(parsed.spec.search_space['x']).toEqual(PARAMETERS[kind]);
    const expression = parsed.hyperDriveConfigOptions.hyperparameterSampling.space.parameters[0]?.value;
    expect(expression?.kind === 'expression' ? expression.expression.kind : undefined).toBe(kind);
    if (expression?.kind === 'expression' && kind !== 'choice') {
      const given = expression.expression as unknown as Readonly<Record<string, unknown>>;
      for (const a of expressionRow(kind).args) expect(given[a.name]).toBe(PARAMETERS[kind][a.fileKey]);
    }
    const stored = new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord();
    expect(toSweepFile(JSON.parse(JSON.stringify(stored)) as SweepConfigRecord, parsed.spec)).toEqual({
      spec: parsed.spec,
      warnings: [],
    });
    const { job } = toAzureSweepJob(parsed.spec);
    expect(parseSweepJob(JSON.parse(JSON.stringify(job))).spec).toEqual(parsed.spec);
    expect(toOptunaScript(parsed.spec).text).toContain('"x"');
  });

  it('marks the types Azure Bayesian sampling takes', () => {
    const bayesian = EXPRESSION_REGISTRY.filter((row) => row.azureBayesian).map((row) => row.kind);
    expect(bayesian).toEqual(['choice', 'uniform', 'quniform']);
    const spec = parseSweepFile({
      ...sweepFileWith(PARAMETERS.normal),
      sampling_algorithm: 'bayesian',
    }).spec;
    expect(
      toAzureSweepJob(spec)
        .warnings.map((w) => w.message)
        .join('\n'),
    ).toContain('x will be refused by Azure');
  });
});

describe('the shapes read the expression and sampling rows', () => {
  // These shapes take each expression's arguments, checks, Azure fields and Optuna suggestion,
  // and each sampling's Optuna sampler and Azure Bayesian limits, from the registry rows, so they
  // name no expression kind but `choice` (whose values list and nested sub-spaces the grid and
  // the writers walk) and no sampling kind.
  const shapes = [
    'src/sweep-file/parse-search-space.ts',
    'src/sweep-file/to-sweep-file.ts',
    'src/sweep-file/azure-sweep-job.ts',
    'src/sweep-file/to-optuna-script.ts',
    'src/sweep-file/parse-sweep-file.ts',
  ];
  const root = join(import.meta.dirname, '../..');
  const kinds = [...EXPRESSION_KINDS.filter((kind) => kind !== 'choice'), ...SAMPLING_KINDS];

  it.each(shapes)('%s names no expression or sampling kind as a string literal', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const named = kinds.filter((kind) => text.includes(`'${kind}'`));
    expect(named).toEqual([]);
  });

  it('the list of shapes is still the list of files', () => {
    for (const file of shapes) expect(readdirSync(join(root, file, '..'))).toContain(file.split('/').pop());
  });
});
