import { ConfigError, describeValue } from '../errors.js';
import type { PrimaryMetricGoal } from '../metric/goal.js';
import { samplingRow } from '../sampling/registry.js';
import type { ParameterSampling } from '../sampling/sampler.js';
import { TERMINAL_STATUSES } from '../store/records.js';
import type { PriorRun, PriorSweep } from './prior.js';

export const MAX_RESUME_SOURCES = 5;
export const MAX_TOTAL_RUNS_CEILING = 1000;

interface SweepRules {
  readonly sampling: ParameterSampling;
  readonly primaryMetricName: string;
  readonly primaryMetricGoal: PrimaryMetricGoal;
  readonly maxTotalRuns: number;
}

/**
 * semantics §8 `resumeFrom`: up to 5 earlier sweeps, each Completed or Canceled, with this sweep's
 * primary metric and goal (Bayesian: also its search space), whose runs and this sweep's
 * together stay within the 1000-run ceiling. Each rule has its own message.
 */
export function expectPriorSweeps(value: unknown, rules: SweepRules): readonly PriorSweep[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new ConfigError(
      'resumeFrom',
      'must be an array of earlier sweeps (workspace.loadPriorSweep(id) or sweep.toPrior())',
      value,
    );
  }
  if (value.length > MAX_RESUME_SOURCES) {
    throw new ConfigError(
      'resumeFrom',
      `may name at most ${MAX_RESUME_SOURCES} earlier sweeps`,
      `${value.length} sweeps`,
    );
  }
  const seen = new Set<string>();
  let priorRuns = 0;
  const priors = value.map((item: unknown, i): PriorSweep => {
    const field = `resumeFrom[${i}]`;
    if (!isPriorSweep(item)) {
      throw new ConfigError(
        field,
        'must be an earlier sweep from workspace.loadPriorSweep(id) or sweep.toPrior()',
        item,
      );
    }
    const { record } = item;
    if (seen.has(record.id)) throw new ConfigError(field, 'must not name a sweep already listed', record.id);
    seen.add(record.id);
    if (record.status !== 'Completed' && record.status !== 'Canceled') {
      throw new ConfigError(
        `${field}.status`,
        `must be Completed or Canceled to warm-start from sweep ${record.id}`,
        record.status,
      );
    }
    if (record.config.primaryMetricName !== rules.primaryMetricName) {
      throw new ConfigError(
        `${field}.primaryMetricName`,
        `must be this sweep's primary metric ${JSON.stringify(rules.primaryMetricName)} (sweep ${record.id})`,
        record.config.primaryMetricName,
      );
    }
    if (record.config.primaryMetricGoal !== rules.primaryMetricGoal) {
      throw new ConfigError(
        `${field}.primaryMetricGoal`,
        `must be this sweep's goal ${rules.primaryMetricGoal} (sweep ${record.id})`,
        record.config.primaryMetricGoal,
      );
    }
    if (
      samplingRow(rules.sampling.kind).model !== null &&
      canonical(record.config.sampling.space) !== canonical(rules.sampling.toRecord().space)
    ) {
      throw new ConfigError(
        `${field}.searchSpace`,
        `must be this sweep's search space: Bayesian sampling warm-starts only from sweeps over the same space (sweep ${record.id})`,
        record.config.sampling.space,
      );
    }
    priorRuns += item.runs.length;
    return item;
  });
  if (priorRuns + rules.maxTotalRuns > MAX_TOTAL_RUNS_CEILING) {
    throw new ConfigError(
      'maxTotalRuns',
      `together with the ${priorRuns} runs of the resumeFrom sweeps must not exceed ${MAX_TOTAL_RUNS_CEILING} (at most ${Math.max(0, MAX_TOTAL_RUNS_CEILING - priorRuns)} here)`,
      rules.maxTotalRuns,
    );
  }
  return Object.freeze(priors);
}

/**
 * semantics §8 `resumeChildRuns`: earlier runs, each in a terminal state with a checkpoint, from at
 * most 5 sweeps, none listed twice, and no more of them than this sweep may run.
 */
export function expectPriorRuns(value: unknown, rules: SweepRules): readonly PriorRun[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new ConfigError(
      'resumeChildRuns',
      'must be an array of earlier runs (workspace.loadPriorRuns(sweepId, runIds) or sweep.priorRun(id))',
      value,
    );
  }
  const seen = new Set<string>();
  const sweeps = new Set<string>();
  const priors = value.map((item: unknown, i): PriorRun => {
    const field = `resumeChildRuns[${i}]`;
    if (!isPriorRun(item)) {
      throw new ConfigError(
        field,
        'must be an earlier run from workspace.loadPriorRuns(sweepId, runIds) or sweep.priorRun(id)',
        item,
      );
    }
    const { run } = item;
    if (seen.has(run.id)) throw new ConfigError(field, 'must not name a run already listed', run.id);
    seen.add(run.id);
    if (!TERMINAL_STATUSES.has(run.status)) {
      throw new ConfigError(
        `${field}.status`,
        `must be Completed, Canceled or Failed to resume run ${run.id}`,
        run.status,
      );
    }
    if (run.checkpoint === undefined || run.checkpoint === null) {
      throw new ConfigError(
        `${field}.checkpoint`,
        `is required: run ${run.id} saved no checkpoint to resume from (run.checkpoint was never called)`,
        null,
      );
    }
    sweeps.add(item.sweep.id);
    if (sweeps.size > MAX_RESUME_SOURCES) {
      throw new ConfigError(
        'resumeChildRuns',
        `may take runs from at most ${MAX_RESUME_SOURCES} sweeps`,
        `${sweeps.size} sweeps: ${[...sweeps].join(', ')}`,
      );
    }
    return item;
  });
  if (priors.length > rules.maxTotalRuns) {
    throw new ConfigError(
      'resumeChildRuns',
      `must not hold more runs than maxTotalRuns (${rules.maxTotalRuns}): resumed runs are this sweep's first runs`,
      `${priors.length} runs`,
    );
  }
  return Object.freeze(priors);
}

function isPriorSweep(value: unknown): value is PriorSweep {
  const v = value as Partial<PriorSweep> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kind === 'prior-sweep' &&
    typeof v.record?.id === 'string' &&
    Array.isArray(v.runs) &&
    typeof v.primaryValues === 'object'
  );
}

function isPriorRun(value: unknown): value is PriorRun {
  const v = value as Partial<PriorRun> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kind === 'prior-run' &&
    typeof v.sweep?.id === 'string' &&
    typeof v.run?.id === 'string' &&
    Array.isArray(v.metrics)
  );
}

/** JSON with object keys sorted, so two equal spaces written in another key order compare equal. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  try {
    return JSON.stringify(sort(value)) ?? describeValue(value);
  } catch {
    return describeValue(value);
  }
}
