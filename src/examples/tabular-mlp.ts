import * as tf from '@tensorflow/tfjs';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import {
  classifierWorkload,
  type CommonHyperparameters,
  type EpochReport,
  lastEpochValue,
  logClassifierEpoch,
  makeOptimizer,
  readCommon,
  readNumber,
  trainBuiltIn,
} from './common.js';
import type { CalibrationWorkload, TrialEnv } from './env.js';
import { preparedTensors, regressionErrors, sweepData, targetScale, type TaskHead, taskHead } from './user-data.js';

export interface TabularHyperparameters extends CommonHyperparameters {
  /** L2 penalty on every dense kernel (0: none). */
  readonly l2: number;
}

export const TABULAR_MLP_DEFAULTS: TabularHyperparameters = {
  learningRate: 0.005,
  batchSize: 32,
  hiddenLayers: 2,
  hiddenUnits: 32,
  dropout: 0.1,
  optimizer: 'adam',
  activation: 'relu',
  epochs: 30,
  l2: 0,
};

export { TABULAR_MLP_SEARCH_SPACE } from './template-spaces.js';

export function readTabular(
  params: ParamSet,
  defaults: TabularHyperparameters = TABULAR_MLP_DEFAULTS,
): TabularHyperparameters {
  return { ...readCommon(params, defaults), l2: readNumber(params, 'l2', defaults.l2, 0, 10) };
}

/**
 * Dense layers with an L2 penalty, then the task's head: softmax over the classes with sparse
 * categorical cross-entropy (y holds class indices, as PreparedData gives them), or one linear
 * unit with mean squared error on the standardised target. compile() does not own the optimizer
 * (a TF.js trap): it is returned to be disposed with the model.
 */
export function buildTabular(
  hp: TabularHyperparameters,
  inputSize: number,
  head: TaskHead,
): { model: tf.Sequential; optimizer: tf.Optimizer } {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [inputSize] }));
  const regularizer = (): { kernelRegularizer?: ReturnType<typeof tf.regularizers.l2> } =>
    hp.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: hp.l2 }) } : {};
  for (let i = 0; i < hp.hiddenLayers; i++) {
    model.add(tf.layers.dense({ units: hp.hiddenUnits, activation: hp.activation, ...regularizer() }));
    if (hp.dropout > 0) model.add(tf.layers.dropout({ rate: hp.dropout }));
  }
  model.add(tf.layers.dense({ units: head.units, activation: head.activation, ...regularizer() }));
  const optimizer = makeOptimizer(hp.optimizer, hp.learningRate);
  model.compile({ optimizer, loss: head.loss, metrics: [...head.metrics] });
  return { model, optimizer };
}

/**
 * `loss`, `val_loss` (mean squared error of the standardised target), `val_mae` and last
 * `val_rmse` (the primary metric, so a policy judges a complete epoch), both in the target's
 * original units. Each `run.log` is awaited: the verdict at an evaluation point.
 */
export function regressionReport(scale: { mean: number; std: number }): EpochReport {
  return async (run, history, model, data) => {
    await run.log('loss', lastEpochValue(history, 'loss'));
    await run.log('val_loss', lastEpochValue(history, 'val_loss'));
    const { rmse, mae } = await regressionErrors(model, data, scale);
    await run.log('val_mae', mae);
    await run.log('val_rmse', rmse);
  };
}

/**
 * A dense network on the sweep's own table (built-in template `tabular-mlp`), prepared by the
 * sweep's data binding (one-hot or index categoricals, standardised numbers, a seeded split).
 * Hyperparameters: `hidden_layers`, `hidden_units`, `activation`, `dropout`, `l2`,
 * `learning_rate`, `optimizer`, `batch_size`, `epochs`. Classification logs `loss`, `accuracy`,
 * `val_loss`, `val_accuracy`; regression logs `loss`, `val_loss`, `val_mae`, `val_rmse` (the
 * last two in the target's units). Checkpoints like the other built-ins, so the best model
 * exports with its preparation.
 */
export default async function trainTabularMlp(params: ParamSet, run: Run, env?: TrialEnv): Promise<void> {
  const hp = readTabular(params);
  const prepared = await sweepData('tabular-mlp', env);
  if (prepared.inputShape.length !== 1) {
    throw new Error(
      `tabular-mlp trains on a table, but the sweep's dataset is shaped [${prepared.inputShape.join(', ')}] (images): use image-cnn`,
    );
  }
  const head = taskHead(prepared.task, prepared.classes);
  const inputSize = prepared.inputShape[0] ?? 0;
  const data = preparedTensors(prepared);
  const report = head.task === 'regression' ? regressionReport(targetScale(prepared)) : logClassifierEpoch;
  await trainBuiltIn(run, params, hp, data, () => buildTabular(hp, inputSize, head), report);
}

/**
 * For `backend: 'auto'`: the default network on a representative table (32 features, 3
 * classes, batch 32). The sweep's own data is not fetched for calibration: speed depends on the
 * shapes, not the values, and a representative width is close enough to rank the backends.
 */
export function calibration(): CalibrationWorkload {
  return classifierWorkload(
    'tabular-mlp with default hyperparameters (32 features, 3 classes)',
    () => buildTabular(TABULAR_MLP_DEFAULTS, 32, taskHead('classification', ['a', 'b', 'c'])),
    [32],
    3,
    TABULAR_MLP_DEFAULTS.batchSize,
    'index',
  );
}
