import * as tf from '@tensorflow/tfjs';
import { loadSpiralSplit, type PointSet } from '../datasets/spiral.js';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import {
  classifierWorkload,
  buildClassifier,
  readCommon,
  trainBuiltIn,
  type CommonHyperparameters,
  type TensorData,
} from './common.js';
import type { CalibrationWorkload } from './env.js';

export const SPIRAL_DEFAULTS: CommonHyperparameters = {
  learningRate: 0.03,
  batchSize: 32,
  hiddenLayers: 2,
  hiddenUnits: 8,
  dropout: 0,
  optimizer: 'adam',
  // TensorFlow Playground's default, and what makes the spiral visibly learnable.
  activation: 'tanh',
  epochs: 20,
};

function build(hp: CommonHyperparameters): { model: tf.Sequential; optimizer: tf.Optimizer } {
  return buildClassifier(hp, [2], 1);
}

function tensors(train: PointSet, validation: PointSet): TensorData {
  return {
    xs: tf.tensor2d(train.features, [train.size, 2]),
    ys: tf.tensor2d(train.labels, [train.size, 1]),
    validationXs: tf.tensor2d(validation.features, [validation.size, 2]),
    validationYs: tf.tensor2d(validation.labels, [validation.size, 1]),
  };
}

/**
 * A small MLP on the spiral set (built-in example `spiral`). Hyperparameters: `learning_rate`,
 * `hidden_units`, `hidden_layers`, `dropout` or `keep_probability`, `optimizer` (adam, sgd,
 * rmsprop, adagrad), `activation`, `epochs`, `batch_size`. Logs `loss`, `accuracy`, `val_loss`
 * and `val_accuracy` once per epoch.
 */
export async function trainSpiralMlp(params: ParamSet, run: Run): Promise<void> {
  const hp = readCommon(params, SPIRAL_DEFAULTS);
  const { train, validation } = await loadSpiralSplit();
  const data = tensors(train, validation);
  await trainBuiltIn(run, params, hp, data, () => build(hp));
}

export default trainSpiralMlp;

export function calibration(): CalibrationWorkload {
  return classifierWorkload('spiral MLP with default hyperparameters', () => build(SPIRAL_DEFAULTS), [2], 1);
}
