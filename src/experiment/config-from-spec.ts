import { ConfigError } from '../errors.js';
import { policyFromSpec } from '../policy/from-spec.js';
import type { TrainFunction } from '../run/run.js';
import { samplingFromSpec } from '../sampling/from-spec.js';
import type { SweepConfigSpec } from '../store/records.js';
import { HyperDriveConfig } from './config.js';

/**
 * Rebuilds a `HyperDriveConfig` from a stored sweep, e.g. to continue it after a reload. Stored
 * data goes through the same validation as a new config. A sweep that trained a function needs
 * that function again (`train`): functions cannot be stored.
 */
export function configFromSpec(spec: SweepConfigSpec, train?: TrainFunction): HyperDriveConfig {
  const common = {
    hyperparameterSampling: samplingFromSpec(spec.sampling),
    primaryMetricName: spec.primaryMetricName,
    primaryMetricGoal: spec.primaryMetricGoal,
    maxTotalRuns: spec.maxTotalRuns,
    maxConcurrentRuns: spec.maxConcurrentRuns,
    maxDurationMinutes: spec.maxDurationMinutes,
    policy: policyFromSpec(spec.policy),
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
