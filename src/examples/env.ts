import type * as tfjs from '@tensorflow/tfjs';
import type { PreparedData } from '../data/index.js';
import type { DigitsSplit } from '../datasets/digits.js';
import type { PointSet } from '../datasets/spiral.js';
import type { CheckpointData } from '../run-logger/checkpoint.js';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';

/** The shipped datasets, loaded on first use and cached for the life of the worker. */
export interface TrialDatasets {
  digits(): Promise<DigitsSplit>;
  spiral(): Promise<{ readonly train: PointSet; readonly validation: PointSet }>;
  /**
   * A dataset the person stored in this browser, prepared by the sweep's data binding (its
   * PreparationSpec: encodings, standardisation fitted on the training split, a seeded split):
   * `id` a stored dataset's id (`sha256-…`), or none for the sweep's own binding. The page
   * prepares it once per sweep and hands each worker copies; a worker keeps them for its later
   * trials of the sweep. Rejects naming the dataset when it is not stored here (pick the file again).
   */
  user(id?: string): Promise<PreparedData>;
}

/**
 * The third argument a training function receives in a worker. A training module loaded from
 * a URL cannot resolve `@tensorflow/tfjs` itself (no bundler sees it), so the worker hands over
 * its own TF.js, already on the chosen backend.
 *
 * Each trial runs inside a TF.js engine scope: tensors and variables it leaves undisposed are
 * disposed when it ends (and reported as a warning). A tensor meant to outlive the trial, such
 * as a module-level cache, must be wrapped in `tf.keep`; caching typed arrays is simpler.
 */
export interface TrialEnv {
  readonly tf: typeof tfjs;
  readonly backend: string;
  readonly datasets: TrialDatasets;
  /**
   * Rebuilds the model a checkpoint holds (`run.resumeFrom`), compiled and with its optimizer
   * state restored when it was saved. The model's optimizer is not disposed with the model.
   */
  readonly restoreModel: (checkpoint: CheckpointData) => Promise<tfjs.LayersModel>;
}

/** A training function as a worker calls it; `env` is absent when run in-process. */
export type EnvTrainFunction = (params: ParamSet, run: Run, env?: TrialEnv) => void | Promise<void>;

/**
 * A few training steps of a model, for `backend: 'auto'`: built on the current backend, timed
 * step by step, then disposed.
 */
export interface CalibrationWorkload {
  readonly description: string;
  /** One training step, resolved once its result is read back (so GPU work is included). */
  step(): Promise<void>;
  dispose(): void;
}

/**
 * What a training module may export. Only `default` is required; `calibration` lets
 * `backend: 'auto'` time the module's own model rather than a representative one.
 */
export interface TrialModule {
  readonly default: EnvTrainFunction;
  readonly calibration?: (env: TrialEnv) => CalibrationWorkload;
}
