import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { AshaPolicy, HyperbandPolicy } from '../../src/policy/index.js';
import { RandomParameterSampling } from '../../src/sampling/index.js';
import { uniform } from '../../src/space/index.js';
import { parseSweepFile, parseSweepFileText, SweepFileError, toSweepFile } from '../../src/sweep-file/index.js';
import type { SweepConfigRecord } from '../../src/store/records.js';

const base = {
  search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
  sampling_algorithm: 'random',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  trial: 'digits-mlp',
};

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('early_termination: asha and hyperband (Overdrive extensions)', () => {
  it('normalises asha with its defaults written out and builds an AshaPolicy', () => {
    const parsed = parseSweepFile({ ...base, early_termination: { type: 'asha' } });
    expect(parsed.spec.early_termination).toEqual({
      type: 'asha',
      reduction_factor: 3,
      min_interval: 1,
      early_stopping_rate: 0,
    });
    expect(parsed.hyperDriveConfigOptions.policy).toBeInstanceOf(AshaPolicy);
    const full = parseSweepFile({
      ...base,
      early_termination: {
        type: 'asha',
        reduction_factor: 4,
        min_interval: 2,
        max_interval: 128,
        early_stopping_rate: 1,
      },
    });
    expect(full.spec.early_termination).toEqual({
      type: 'asha',
      reduction_factor: 4,
      min_interval: 2,
      max_interval: 128,
      early_stopping_rate: 1,
    });
    expect((full.hyperDriveConfigOptions.policy as AshaPolicy).rungs()).toEqual([8, 32]);
  });

  it('normalises hyperband, its bracket count computed, and builds a HyperbandPolicy', () => {
    const parsed = parseSweepFile({ ...base, early_termination: { type: 'hyperband', max_interval: 27 } });
    expect(parsed.spec.early_termination).toEqual({
      type: 'hyperband',
      reduction_factor: 3,
      min_interval: 1,
      max_interval: 27,
      brackets: 4,
    });
    const policy = parsed.hyperDriveConfigOptions.policy as HyperbandPolicy;
    expect(policy).toBeInstanceOf(HyperbandPolicy);
    expect(policy.brackets).toBe(4);
  });

  it('refuses bad fields with the spec path, the rule and the value', () => {
    const at = (early: Record<string, unknown>) =>
      configError(() => parseSweepFile({ ...base, early_termination: early }));
    expect(at({ type: 'hyperband' }).message).toBe(
      'early_termination.max_interval: is required and must be an integer between 2 and 1000000: the interval at which a run is complete (R), which sets the number of brackets (got undefined)',
    );
    expect(at({ type: 'asha', reduction_factor: 1 }).message).toBe(
      'early_termination.reduction_factor: must be an integer between 2 and 100 (got 1)',
    );
    expect(at({ type: 'asha', max_interval: 9, early_stopping_rate: 2 }).message).toBe(
      'early_termination.max_interval: must be greater than the first rung, minInterval·reductionFactor^earlyStoppingRate = 1·3^2 = 9, so that at least one rung lies below it (got 9)',
    );
    expect(at({ type: 'hyperband', max_interval: 27, brackets: 9 }).field).toBe('early_termination.brackets');
    const unknown = at({ type: 'asha', evaluation_interval: 1 });
    expect(unknown.field).toBe('early_termination.evaluation_interval');
    expect(unknown.rule).toBe(
      'is not a known field of an asha policy (an Overdrive extension); known fields: type, reduction_factor, min_interval, max_interval, early_stopping_rate',
    );
    expect(at({ type: 'hyperband', max_interval: 27, min_resource: 1 }).rule).toContain(
      'is not a known field of a hyperband policy',
    );
    expect(at({ type: 'successive_halving' }).rule).toBe(
      'must be one of "bandit", "median_stopping", "truncation_selection", "asha", "hyperband"',
    );
  });

  it('locates an error in a spec file at its line and column', () => {
    const text = `{
  "search_space": { "lr": { "type": "uniform", "min_value": 0.01, "max_value": 0.1 } },
  "sampling_algorithm": "random",
  "objective": { "primary_metric": "val_accuracy", "goal": "maximize" },
  "early_termination": { "type": "hyperband",
    "max_interval": 27, "brackets": 7 },
  "trial": "spiral"
}`;
    let error: unknown;
    try {
      parseSweepFileText(text, { source: 'sweep.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepFileError);
    const located = error as SweepFileError;
    expect([located.line, located.column]).toEqual([6, 25]);
    expect(located.message).toBe(
      'sweep.json:6:25: early_termination.brackets: must be at most floor(log_3(maxInterval / minInterval)) + 1 = 4 for minInterval 1 and maxInterval 27 (got 7)',
    );
  });

  it('exports both policies back from a stored config, losslessly', () => {
    for (const early of [
      { type: 'asha' },
      { type: 'asha', reduction_factor: 2, min_interval: 3, max_interval: 50, early_stopping_rate: 1 },
      { type: 'hyperband', max_interval: 81, reduction_factor: 3, brackets: 2 },
    ]) {
      const parsed = parseSweepFile({ ...base, early_termination: early });
      const stored = JSON.parse(
        JSON.stringify(new HyperDriveConfig(parsed.hyperDriveConfigOptions).toRecord()),
      ) as SweepConfigRecord;
      expect(toSweepFile(stored, parsed.spec)).toEqual({ spec: parsed.spec, warnings: [] });
    }
  });

  it('exports a policy built in code under its spec names', () => {
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }),
      primaryMetricName: 'loss',
      primaryMetricGoal: 'MINIMIZE',
      maxTotalRuns: 10,
      policy: new HyperbandPolicy({ maxInterval: 9, reductionFactor: 3 }),
      trial: { kind: 'builtin', name: 'spiral' },
    });
    expect(toSweepFile(config.toRecord()).spec.early_termination).toEqual({
      type: 'hyperband',
      reduction_factor: 3,
      min_interval: 1,
      max_interval: 9,
      brackets: 3,
    });
  });
});
