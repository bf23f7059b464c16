import type * as tf from '@tensorflow/tfjs';
import { DIGITS_CLASSES, DIGITS_FEATURES } from '../datasets/digits.js';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import { classifierWorkload, buildClassifier, readCommon, trainBuiltIn, type CommonHyperparameters } from './common.js';
import { digitsTensors } from './digits-data.js';
import type { CalibrationWorkload } from './env.js';

export const DIGITS_MLP_DEFAULTS: CommonHyperparameters = {
  learningRate: 0.01,
  batchSize: 32,
  hiddenLayers: 1,
  hiddenUnits: 64,
  dropout: 0,
  optimizer: 'adam',
  activation: 'relu',
  epochs: 10,
};

function build(hp: CommonHyperparameters): { model: tf.Sequential; optimizer: tf.Optimizer } {
  return buildClassifier(hp, [DIGITS_FEATURES], DIGITS_CLASSES);
}

/**
 * A dense network on the 8x8 digits (built-in example `digits-mlp`). Hyperparameters:
 * `learning_rate`, `batch_size`, `hidden_layers`, `hidden_units`, `dropout` or
 * `keep_probability`, `optimizer` (adam, sgd, rmsprop, adagrad), `activation`, `epochs`,
 * `train_samples`. Logs `loss`, `accuracy`, `val_loss`, `val_accuracy` each epoch.
 */
export default async function trainDigitsMlp(params: ParamSet, run: Run): Promise<void> {
  const hp = readCommon(params, DIGITS_MLP_DEFAULTS);
  const data = await digitsTensors(params, 'flat');
  await trainBuiltIn(run, params, hp, data, () => build(hp));
}

export function calibration(): CalibrationWorkload {
  return classifierWorkload(
    'digits-mlp with default hyperparameters',
    () => build(DIGITS_MLP_DEFAULTS),
    [DIGITS_FEATURES],
    DIGITS_CLASSES,
  );
}
