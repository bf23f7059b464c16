import { ConfigError } from '../errors.js';
import { policyFromRecord } from '../policy/from-record.js';
import type { TrainFunction } from '../run-logger/run.js';
import { samplingFromRecord } from '../sampling/from-record.js';
import type { SweepConfigRecord } from '../store/records.js';
import { HyperDriveConfig } from './config.js';
import type { PriorRun, PriorSweep } from './prior.js';

/**
 * Rebuilds a `HyperDriveConfig` from a stored sweep, e.g. to continue it after a reload. Stored
 * data goes through the same validation as a new config. A sweep that trained a function needs
 * that function again (`train`): functions cannot be stored.
 */
export function configFromRecord(
  spec: SweepConfigRecord,
  train?: TrainFunction,
  priors: { readonly resumeFrom?: readonly PriorSweep[]; readonly resumeChildRuns?: readonly PriorRun[] } = {},
): HyperDriveConfig {
  if (
    (spec.resumeFrom?.length ?? 0) !== (priors.resumeFrom?.length ?? 0) ||
    (spec.resumeChildRuns?.length ?? 0) !== (priors.resumeChildRuns?.length ?? 0)
  ) {
    throw new ConfigError(
      'priors',
      'must hold the earlier sweeps and runs the stored sweep names (see loadConfigPriors)',
      {
        resumeFrom: spec.resumeFrom ?? [],
        resumeChildRuns: spec.resumeChildRuns ?? [],
      },
    );
  }
  const common = {
    ...(priors.resumeFrom === undefined || priors.resumeFrom.length === 0 ? {} : { resumeFrom: priors.resumeFrom }),
    ...(priors.resumeChildRuns === undefined || priors.resumeChildRuns.length === 0
      ? {}
      : { resumeChildRuns: priors.resumeChildRuns }),
    hyperparameterSampling: samplingFromRecord(spec.sampling),
    primaryMetricName: spec.primaryMetricName,
    primaryMetricGoal: spec.primaryMetricGoal,
    maxTotalRuns: spec.maxTotalRuns,
    maxConcurrentRuns: spec.maxConcurrentRuns,
    maxDurationMinutes: spec.maxDurationMinutes,
    ...(spec.trialTimeoutSeconds === undefined ? {} : { trialTimeoutSeconds: spec.trialTimeoutSeconds }),
    policy: policyFromRecord(spec.policy),
    ...(spec.data === undefined ? {} : { data: spec.data }),
  };
  const trial = spec.trial;
  if (trial.kind === 'function') {
    if (train === undefined) {
      throw new ConfigError(
        'train',
        `is required: this sweep trained the function ${JSON.stringify(trial.name)}, which cannot be stored`,
        undefined,
      );
    }
    return new HyperDriveConfig({ ...common, train });
  }
  return new HyperDriveConfig({ ...common, trial });
}
