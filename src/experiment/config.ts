import { type DataBinding, parseDataBinding } from '../data-binding/index.js';
import { ConfigError } from '../errors.js';
import { PrimaryMetricGoal } from '../metric/goal.js';
import type { EarlyTerminationPolicy } from '../policy/policy.js';
import { NoTerminationPolicy } from '../policy/no-termination.js';
import type { TrainFunction } from '../run-logger/run.js';
import type { TrialDefinition } from '../trial-runner/runner.js';
import { samplingRow } from '../sampling/registry.js';
import type { ParameterSampling } from '../sampling/sampler.js';
import type { SweepConfigRecord, TrialSpec } from '../store/records.js';
import {
  expectIntegerInRange,
  expectName,
  expectOneOf,
  expectPlainObject,
  expectPositiveNumber,
  rejectUnknownKeys,
} from '../validate/index.js';
import type { PriorRun, PriorSweep } from './prior.js';
import { expectPriorRuns, expectPriorSweeps } from './resume-rules.js';

export const MAX_TOTAL_RUNS_LIMIT = 1000;
export const MAX_CONCURRENT_RUNS_LIMIT = 100;
export const DEFAULT_MAX_DURATION_MINUTES = 10080;
export { MAX_RESUME_SOURCES } from './resume-rules.js';

export interface HyperDriveConfigOptions {
  readonly hyperparameterSampling: ParameterSampling;
  readonly primaryMetricName: string;
  readonly primaryMetricGoal: PrimaryMetricGoal;
  /** Integer 1–1000. The sweep may create fewer (an exhausted grid). */
  readonly maxTotalRuns: number;
  /** Integer 1–100; defaults to `maxTotalRuns` (capped at 100). */
  readonly maxConcurrentRuns?: number;
  /** Defaults to 10080 (one week). */
  readonly maxDurationMinutes?: number;
  /**
   * Seconds each run may run (Azure ML's `limits.trial_timeout`): a run still going when its
   * running time reaches this is cancelled, and the sweep goes on. A finite number > 0; absent
   * (the default): no per-run limit.
   */
  readonly trialTimeoutSeconds?: number;
  /** Defaults to `NoTerminationPolicy`. */
  readonly policy?: EarlyTerminationPolicy | null;
  /** The training function (HyperDrive's `run_config` / estimator), for the in-process runner. */
  readonly train?: TrainFunction;
  /**
   * What to train when it cannot be a function in this thread (worker pools): a built-in
   * example or an ES module URL. Exactly one of `train` and `trial` is given.
   */
  readonly trial?: TrialDefinition;
  /**
   * Earlier sweeps to warm-start from (semantics §8): their results inform the sampler (Bayesian)
   * and the early-termination policy. From `workspace.loadPriorSweep(id)` or `sweep.toPrior()`.
   */
  readonly resumeFrom?: readonly PriorSweep[];
  /**
   * Earlier runs to resume from their latest checkpoints with the same hyperparameters (semantics
   * §8); they are this sweep's first runs. From `workspace.loadPriorRuns(...)` or `sweep.priorRun(id)`.
   */
  readonly resumeChildRuns?: readonly PriorRun[];
  /**
   * The dataset the trials train on (`env.datasets.user()`): a stored dataset's id, its name and
   * how to prepare it. Absent: the trial brings its own data.
   */
  readonly data?: DataBinding;
}

const KNOWN_OPTIONS = [
  'hyperparameterSampling',
  'primaryMetricName',
  'primaryMetricGoal',
  'maxTotalRuns',
  'maxConcurrentRuns',
  'maxDurationMinutes',
  'trialTimeoutSeconds',
  'policy',
  'train',
  'trial',
  'resumeFrom',
  'resumeChildRuns',
  'data',
] as const;

/**
 * Everything a sweep needs (semantics §7), validated when constructed so that an invalid combination
 * fails before any training starts, with a message naming the field.
 */
export class HyperDriveConfig {
  readonly hyperparameterSampling: ParameterSampling;
  readonly primaryMetricName: string;
  readonly primaryMetricGoal: PrimaryMetricGoal;
  readonly maxTotalRuns: number;
  readonly maxConcurrentRuns: number;
  readonly maxDurationMinutes: number;
  /** Seconds each run may run; undefined when there is no per-run limit. */
  readonly trialTimeoutSeconds: number | undefined;
  readonly policy: EarlyTerminationPolicy;
  readonly trial: TrialDefinition;
  readonly resumeFrom: readonly PriorSweep[];
  readonly resumeChildRuns: readonly PriorRun[];
  /** The dataset the trials train on; undefined when the trial brings its own data. */
  readonly data: DataBinding | undefined;
  /** Advice that does not stop the sweep, e.g. a grid smaller than `maxTotalRuns`. */
  readonly warnings: readonly string[];

  constructor(options: HyperDriveConfigOptions) {
    const raw = expectPlainObject('HyperDriveConfig', options);
    rejectUnknownKeys('', raw, KNOWN_OPTIONS);

    this.hyperparameterSampling = expectSampling(raw['hyperparameterSampling']);
    this.primaryMetricName = expectName('primaryMetricName', raw['primaryMetricName']);
    this.primaryMetricGoal = expectOneOf('primaryMetricGoal', raw['primaryMetricGoal'], [
      PrimaryMetricGoal.MAXIMIZE,
      PrimaryMetricGoal.MINIMIZE,
    ]);
    if (raw['maxTotalRuns'] === undefined) {
      throw new ConfigError('maxTotalRuns', 'is required: an integer between 1 and 1000', undefined);
    }
    this.maxTotalRuns = expectIntegerInRange('maxTotalRuns', raw['maxTotalRuns'], 1, MAX_TOTAL_RUNS_LIMIT);
    this.maxConcurrentRuns =
      raw['maxConcurrentRuns'] === undefined
        ? Math.min(this.maxTotalRuns, MAX_CONCURRENT_RUNS_LIMIT)
        : expectIntegerInRange('maxConcurrentRuns', raw['maxConcurrentRuns'], 1, MAX_CONCURRENT_RUNS_LIMIT);
    this.maxDurationMinutes =
      raw['maxDurationMinutes'] === undefined
        ? DEFAULT_MAX_DURATION_MINUTES
        : expectPositiveNumber('maxDurationMinutes', raw['maxDurationMinutes']);
    this.trialTimeoutSeconds =
      raw['trialTimeoutSeconds'] === undefined
        ? undefined
        : expectPositiveNumber('trialTimeoutSeconds', raw['trialTimeoutSeconds']);
    this.policy = expectPolicy(raw['policy']);
    this.trial = expectTrial(raw['train'], raw['trial']);
    const rules = {
      sampling: this.hyperparameterSampling,
      primaryMetricName: this.primaryMetricName,
      primaryMetricGoal: this.primaryMetricGoal,
      maxTotalRuns: this.maxTotalRuns,
    };
    this.resumeFrom = expectPriorSweeps(raw['resumeFrom'], rules);
    this.resumeChildRuns = expectPriorRuns(raw['resumeChildRuns'], rules);
    this.data = raw['data'] === undefined ? undefined : parseDataBinding(raw['data'], 'data');

    const warnings: string[] = [];
    const size = this.hyperparameterSampling.size;
    if (size !== undefined && size < this.maxTotalRuns) {
      warnings.push(
        `the search space has ${size} configurations, fewer than maxTotalRuns ${this.maxTotalRuns}: the sweep ends after ${size} runs`,
      );
    }
    const model = samplingRow(this.hyperparameterSampling.kind).model;
    if (model !== null) {
      // HyperDrive's advice (semantics §3), as a warning: counted over the sampled parameters, so
      // constants do not count and the parameters of nested choices do.
      const dims = this.hyperparameterSampling.space.dimensions.length;
      const advised = model.runsPerParameter * dims;
      if (this.maxTotalRuns < advised) {
        warnings.push(
          `Bayesian sampling works best with maxTotalRuns >= ${model.runsPerParameter} x the number of parameters (${advised}); got ${this.maxTotalRuns}`,
        );
      }
    }
    this.warnings = warnings;
    Object.freeze(this);
  }

  toRecord(): SweepConfigRecord {
    return {
      sampling: this.hyperparameterSampling.toRecord(),
      primaryMetricName: this.primaryMetricName,
      primaryMetricGoal: this.primaryMetricGoal,
      maxTotalRuns: this.maxTotalRuns,
      maxConcurrentRuns: this.maxConcurrentRuns,
      maxDurationMinutes: this.maxDurationMinutes,
      ...(this.trialTimeoutSeconds === undefined ? {} : { trialTimeoutSeconds: this.trialTimeoutSeconds }),
      policy: this.policy.toRecord(),
      trial: describeTrial(this.trial),
      ...(this.resumeFrom.length === 0 ? {} : { resumeFrom: this.resumeFrom.map((p) => p.record.id) }),
      ...(this.resumeChildRuns.length === 0
        ? {}
        : { resumeChildRuns: this.resumeChildRuns.map((p) => ({ sweepId: p.sweep.id, runId: p.run.id })) }),
      ...(this.data === undefined ? {} : { data: this.data }),
    };
  }
}

function expectTrial(train: unknown, trial: unknown): TrialDefinition {
  if (train !== undefined && trial !== undefined) {
    throw new ConfigError('trial', 'must not be given together with train: give exactly one', trial);
  }
  if (trial === undefined) {
    if (typeof train !== 'function') {
      throw new ConfigError('train', 'must be a training function train(params, run)', train);
    }
    return { kind: 'function', train: train as TrainFunction };
  }
  const raw = expectPlainObject('trial', trial);
  const kind = expectOneOf('trial.kind', raw['kind'], ['builtin', 'module']);
  rejectUnknownKeys('trial', raw, kind === 'builtin' ? ['kind', 'name'] : ['kind', 'url']);
  if (kind === 'builtin') return { kind, name: expectName('trial.name', raw['name']) };
  const url = raw['url'];
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigError('trial.url', 'must be the URL of an ES module exporting train(params, run)', url);
  }
  return { kind, url };
}

function describeTrial(trial: TrialDefinition): TrialSpec {
  return trial.kind === 'function' ? { kind: 'function', name: trial.train.name || 'anonymous' } : trial;
}

function expectSampling(value: unknown): ParameterSampling {
  const candidate = value as Partial<ParameterSampling> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.createSampler !== 'function' ||
    typeof candidate.toRecord !== 'function' ||
    candidate.space === undefined
  ) {
    throw new ConfigError(
      'hyperparameterSampling',
      'must be a RandomParameterSampling, GridParameterSampling or BayesianParameterSampling',
      value,
    );
  }
  return candidate as ParameterSampling;
}

function expectPolicy(value: unknown): EarlyTerminationPolicy {
  if (value === undefined || value === null) return new NoTerminationPolicy();
  const candidate = value as Partial<EarlyTerminationPolicy>;
  if (
    typeof candidate !== 'object' ||
    typeof candidate.decide !== 'function' ||
    typeof candidate.toRecord !== 'function'
  ) {
    throw new ConfigError(
      'policy',
      'must be a BanditPolicy, MedianStoppingPolicy, TruncationSelectionPolicy, AshaPolicy, HyperbandPolicy or NoTerminationPolicy',
      value,
    );
  }
  return candidate as EarlyTerminationPolicy;
}
