import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import {
  SAMPLING_KINDS,
  SAMPLING_REGISTRY,
  samplingFromRecord,
  samplingOptionNames,
} from '../../src/sampling/index.js';
import type { SweepConfigRecord } from '../../src/store/records.js';
import { parseSweepFile, parseSweepJob, toAzureSweepJob, toSweepFile } from '../../src/sweep-file/index.js';

const FILE_SAMPLINGS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  random: { type: 'random', seed: 11, rule: 'sobol' },
  grid: { type: 'grid' },
  bayesian: { type: 'bayesian', seed: 'abc' },
};

function sweepFileWith(sampling: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    search_space: { units: { type: 'choice', values: [8, 16] }, act: { type: 'choice', values: ['relu', 'tanh'] } },
    sampling_algorithm: sampling,
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    limits: { max_total_trials: 4, max_concurrent_trials: 2 },
    trial: 'digits-mlp',
  };
}

describe('the sampling registry', () => {
  it('has one row per sampling kind', () => {
    expect(SAMPLING_KINDS).toEqual(['random', 'grid', 'bayesian']);
    expect(Object.keys(FILE_SAMPLINGS)).toEqual([...SAMPLING_KINDS]);
    expect(new Set(SAMPLING_REGISTRY.map((row) => row.label)).size).toBe(SAMPLING_REGISTRY.length);
  });

  it.each(Object.entries(FILE_SAMPLINGS))(
    '%s round-trips sweep file → config → record → sweep file, and through an Azure job',
    (kind, sampling) => {
      const parsed = parseSweepFile(sweepFileWith(sampling));
      expect(parsed.spec.sampling_algorithm).toEqual(sampling);
      const record = parsed.hyperDriveConfigOptions.hyperparameterSampling.toRecord();
      expect(record.kind).toBe(kind);
      for (const key of Object.keys(record.options)) expect(samplingOptionNames(record.kind)).toContain(key);
      expect(samplingFromRecord(JSON.parse(JSON.stringify(record))).toRecord()).toEqual(record);
      const stored = new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord();
      expect(toSweepFile(JSON.parse(JSON.stringify(stored)) as SweepConfigRecord, parsed.spec)).toEqual({
        spec: parsed.spec,
        warnings: [],
      });
      const { job } = toAzureSweepJob(parsed.spec);
      const row = SAMPLING_REGISTRY.find((r) => r.kind === kind);
      const azureKeys = ['type', ...(row?.options ?? []).filter((o) => o.azure).map((o) => o.name)];
      expect(Object.keys(job['sampling_algorithm'] as object).every((k) => azureKeys.includes(k))).toBe(true);
      expect(parseSweepJob(JSON.parse(JSON.stringify(job))).spec).toEqual(parsed.spec);
    },
  );

  it('refuses a sampling option the row does not list, in the file and in the record export', () => {
    for (const row of SAMPLING_REGISTRY) {
      expect(() => parseSweepFile(sweepFileWith({ type: row.kind, shuffle: true }))).toThrow(
        `is not a known field of ${row.noun}`,
      );
    }
  });
});

describe('each sampling kind is declared by its implementation file', () => {
  // `SamplingKinds` (sampler.ts) is empty; each implementation adds its kind by declaration
  // merging, and the registry's compile-time check wants a row for each.
  const root = join(import.meta.dirname, '../..');
  const DECLARED = /^declare module '\.\/sampler\.js' \{\s*interface SamplingKinds \{([^}]*)\}/m;
  it('declares exactly the registry kinds, one file each', () => {
    const declared: string[][] = [];
    for (const name of readdirSync(join(root, 'src/sampling'))) {
      if (!name.endsWith('.ts')) continue;
      const match = DECLARED.exec(readFileSync(join(root, 'src/sampling', name), 'utf8'));
      if (match !== null)
        declared.push([...(match[1] ?? '').matchAll(/readonly '?([\w-]+)'?:/g)].map((m) => m[1] ?? ''));
    }
    expect(declared.flat().sort()).toEqual([...SAMPLING_KINDS].sort());
    for (const kinds of declared) expect(kinds).toHaveLength(1);
  });
});
