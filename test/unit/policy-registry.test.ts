import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import {
  FILE_POLICY_ROWS,
  NO_FILE_POLICY_ROW,
  POLICY_FILE_KEYS,
  POLICY_KINDS,
  POLICY_REGISTRY,
  policyFromRecord,
  policyOptionNames,
} from '../../src/policy/index.js';
import type { PolicyRecord } from '../../src/policy/index.js';
import { defaultPolicyFields, POLICY_FIELDS, toSweepFileInput } from '../../src/studio/builder/form-state.js';
import type { BuilderState } from '../../src/studio/builder/form-state.js';
import {
  parseSweepFile,
  parseSweepJob,
  toAzureSweepJob,
  toOptunaScript,
  toSweepFile,
} from '../../src/sweep-file/index.js';
import type { SweepConfigRecord } from '../../src/store/records.js';

/** Options each policy accepts, beyond the builder's defaults where those are not enough. */
const FILE_FIELDS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  bandit: { slack_factor: 0.2, evaluation_interval: 2, delay_evaluation: 4 },
  median_stopping: { evaluation_interval: 3, delay_evaluation: 1 },
  truncation_selection: {
    truncation_percentage: 30,
    evaluation_interval: 1,
    delay_evaluation: 2,
    exclude_finished_jobs: true,
  },
  asha: { reduction_factor: 3, min_interval: 1, max_interval: 27, early_stopping_rate: 1 },
  hyperband: { reduction_factor: 2, min_interval: 1, max_interval: 16, brackets: 3 },
};

function sweepFileWith(policy: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return {
    search_space: {
      lr: { type: 'uniform', min_value: 0.001, max_value: 0.1 },
      units: { type: 'choice', values: [8, 16] },
    },
    sampling_algorithm: { type: 'random', seed: 7 },
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    ...(policy === undefined ? {} : { early_termination: policy }),
    limits: { max_total_trials: 8, max_concurrent_trials: 2 },
    trial: 'digits-mlp',
  };
}

describe('the policy registry', () => {
  it('has one row per policy kind, each kind and file type once', () => {
    expect(POLICY_KINDS).toEqual([
      'bandit',
      'median-stopping',
      'truncation-selection',
      'asha',
      'hyperband',
      'no-termination',
    ]);
    expect(new Set(POLICY_KINDS).size).toBe(POLICY_REGISTRY.length);
    const types = FILE_POLICY_ROWS.map((row) => row.file.type);
    expect(new Set(types).size).toBe(types.length);
    expect(Object.keys(FILE_FIELDS).sort()).toEqual([...types].sort());
  });

  it('spells one option one way in every policy', () => {
    for (const row of POLICY_REGISTRY) {
      for (const f of row.fields) expect(POLICY_FILE_KEYS[f.option]).toBe(f.fileKey);
    }
  });

  it.each(FILE_POLICY_ROWS.map((row) => [row.file.type, row] as const))(
    "%s: its toRecord() names only the row's options, and the record rebuilds the same policy",
    (type, row) => {
      const parsed = parseSweepFile(sweepFileWith({ type, ...FILE_FIELDS[type] }));
      const policy = parsed.hyperDriveConfigOptions.policy;
      expect(policy?.kind).toBe(row.kind);
      const record = policy?.toRecord() as PolicyRecord;
      for (const key of Object.keys(record.options)) expect(policyOptionNames(row.kind)).toContain(key);
      expect(policyFromRecord(JSON.parse(JSON.stringify(record))).toRecord()).toEqual(record);
    },
  );

  it.each(Object.entries(FILE_FIELDS))('%s round-trips sweep file → config → record → sweep file', (type, fields) => {
    const parsed = parseSweepFile(sweepFileWith({ type, ...fields }));
    expect(parsed.spec.early_termination).toEqual({ type, ...fields });
    const stored = new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord();
    const back = toSweepFile(JSON.parse(JSON.stringify(stored)) as SweepConfigRecord, parsed.spec);
    expect(back).toEqual({ spec: parsed.spec, warnings: [] });
  });

  it.each(Object.entries(FILE_FIELDS))('%s round-trips through an Azure job', (type, fields) => {
    const parsed = parseSweepFile(sweepFileWith({ type, ...fields }));
    const { job, warnings } = toAzureSweepJob(parsed.spec);
    const row = FILE_POLICY_ROWS.find((r) => r.file.type === type);
    const inJob = job['early_termination'] as Readonly<Record<string, unknown>> | undefined;
    if (row?.azure === true) {
      const kept = row.fields.filter((f) => f.azure).map((f) => f.fileKey);
      expect(Object.keys(inJob ?? {}).sort()).toEqual(['type', ...kept.filter((k) => k in fields)].sort());
    } else {
      expect(inJob).toBeUndefined();
      expect(warnings.map((w) => w.message).join('\n')).toContain(row?.label);
    }
    expect(parseSweepJob(JSON.parse(JSON.stringify(job))).spec).toEqual(parsed.spec);
  });

  it.each(FILE_POLICY_ROWS.map((row) => [row.file.type, row] as const))(
    '%s: the Optuna script uses its pruner',
    (type, row) => {
      const parsed = parseSweepFile(sweepFileWith({ type, ...FILE_FIELDS[type] }));
      expect(toOptunaScript(parsed.spec).text).toContain(`pruner=${row.optunaPruner}(`);
    },
  );

  it("drives the builder: each policy shows its row's fields, and its defaults parse", () => {
    expect(Object.keys(POLICY_FIELDS)).toEqual(['none', ...FILE_POLICY_ROWS.map((row) => row.file.type)]);
    const base: BuilderState = {
      experiment: 'registry',
      trial: { kind: 'builtin', name: 'digits-mlp' },
      parameters: [{ key: 'p1', name: 'units', type: 'choice', fields: { values: '8, 16' } }],
      sampling: { type: 'random', seed: '', rule: 'random' },
      policy: { type: 'none', fields: {} },
      objective: { metric: 'val_accuracy', goal: 'maximize' },
      limits: { maxTotal: '8', maxConcurrent: '2', timeoutMinutes: '10', trialTimeoutSeconds: '' },
      backend: 'auto',
    };
    for (const row of FILE_POLICY_ROWS) {
      expect(POLICY_FIELDS[row.file.type as keyof typeof POLICY_FIELDS]).toEqual(row.fields.map((f) => f.fileKey));
      const type = row.file.type as BuilderState['policy']['type'];
      const parsed = parseSweepFile(toSweepFileInput({ ...base, policy: { type, fields: defaultPolicyFields(type) } }));
      expect(parsed.hyperDriveConfigOptions.policy?.kind).toBe(row.kind);
    }
  });
});

describe('no shape restates the per-policy key lists', () => {
  // The sweep-file types (sweep-file.ts) and the Optuna writer's per-policy comments are the only
  // places that still name policy fields; every list of them comes from the registry.
  const shapes = [
    'src/sweep-file/parse-sweep-file.ts',
    'src/sweep-file/to-sweep-file.ts',
    'src/sweep-file/azure-sweep-job.ts',
    'src/studio/builder/form-state.ts',
    'src/studio/builder/sweep-builder.ts',
    'src/policy/from-record.ts',
    'src/sampling/from-record.ts',
  ];
  const keys = FILE_POLICY_ROWS.flatMap((row) => [row.file.type, ...row.fields.map((f) => f.fileKey)]);
  const root = join(import.meta.dirname, '../..');
  it.each(shapes)('%s names no policy type or field as a string literal', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const named = keys.filter((key) => text.includes(`'${key}'`));
    expect(named).toEqual([]);
  });

  it('the list of shapes is still the list of files', () => {
    for (const file of shapes) expect(readdirSync(join(root, file, '..'))).toContain(file.split('/').pop());
  });
});

describe('a policy is its implementation file and its registry row', () => {
  // Every spelling of every policy: its kind, its sweep-file type, and each field's option
  // and file key. Outside the policy's own files and the registry, no source names one as a
  // string literal: each shape (parse, record, sweep file, Azure, Optuna, builder, the
  // sweep-file types) reads the rows, so a new policy touches nothing else.
  const words = [
    ...new Set(
      POLICY_REGISTRY.flatMap((row) => [
        row.kind,
        ...(row.file === null ? [] : [row.file.type]),
        ...row.fields.flatMap((f) => [f.option, f.fileKey]),
      ]),
    ),
  ];
  const root = join(import.meta.dirname, '../..');
  // The implementations (successive-halving.ts is ASHA's and Hyperband's shared rung logic).
  const own = new Set([
    'src/policy/registry.ts',
    'src/policy/bandit.ts',
    'src/policy/median-stopping.ts',
    'src/policy/truncation-selection.ts',
    'src/policy/asha.ts',
    'src/policy/hyperband.ts',
    'src/policy/successive-halving.ts',
    'src/policy/no-termination.ts',
    'src/policy/schedule.ts',
    'src/policy/evidence-fields.ts',
  ]);
  const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .map((file) => `src/${file.split('\\').join('/')}`)
    .filter((file) => /\.tsx?$/.test(file) && !own.has(file));

  it('scans the sources', () => {
    expect(sources).toContain('src/sweep-file/to-optuna-script.ts');
    expect(sources).toContain('src/sweep-file/sweep-file.ts');
    expect(sources).toContain('src/policy/policy.ts');
    for (const file of own) expect(readFileSync(join(root, file), 'utf8').length).toBeGreaterThan(0);
  });

  it.each(sources)('%s names no policy kind, type or field as a string literal', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(words.filter((word) => text.includes(`'${word}'`))).toEqual([]);
  });

  it('each policy a sweep file can name has its Optuna pruner in its row', () => {
    for (const row of FILE_POLICY_ROWS) expect(row.optuna?.name).toBe(row.optunaPruner);
    expect(POLICY_REGISTRY.filter((row) => row.file === null).map((row) => row.kind)).toEqual([
      NO_FILE_POLICY_ROW.kind,
    ]);
    expect(NO_FILE_POLICY_ROW.optuna).toBeNull();
  });
});

describe('each policy kind is declared by its implementation file', () => {
  // `PolicyKinds` (policy.ts) is empty; each implementation adds its kind by declaration
  // merging, and the registry's compile-time check wants a row for each. Here: the kinds
  // declared are the registry's, one per file, none in policy.ts.
  const root = join(import.meta.dirname, '../..');
  const DECLARED = /^declare module '\.\/policy\.js' \{\s*interface PolicyKinds \{([^}]*)\}/m;
  it('declares exactly the registry kinds, one file each', () => {
    const byFile: Record<string, string[]> = {};
    for (const name of readdirSync(join(root, 'src/policy'))) {
      const match = DECLARED.exec(readFileSync(join(root, 'src/policy', name), 'utf8'));
      if (match === null) continue;
      byFile[name] = [...(match[1] ?? '').matchAll(/readonly '?([\w-]+)'?:/g)].map((m) => m[1] ?? '');
    }
    expect(Object.values(byFile).flat().sort()).toEqual([...POLICY_KINDS].sort());
    for (const kinds of Object.values(byFile)) expect(kinds).toHaveLength(1);
    expect(readFileSync(join(root, 'src/policy/policy.ts'), 'utf8')).toContain('export interface PolicyKinds {}');
  });
});
