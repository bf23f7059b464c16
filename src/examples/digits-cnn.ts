import * as tf from '@tensorflow/tfjs';
import { DIGITS_CLASSES, DIGITS_SIDE } from '../datasets/digits.js';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import {
  classifierWorkload,
  buildClassifier,
  readCommon,
  readInteger,
  trainBuiltIn,
  type CommonHyperparameters,
} from './common.js';
import { digitsTensors } from './digits-data.js';
import type { CalibrationWorkload } from './env.js';

export interface CnnHyperparameters extends CommonHyperparameters {
  readonly filters: number;
  readonly kernelSize: number;
  readonly convLayers: number;
}

export const DIGITS_CNN_DEFAULTS: CnnHyperparameters = {
  learningRate: 0.01,
  batchSize: 32,
  hiddenLayers: 1,
  hiddenUnits: 32,
  dropout: 0,
  optimizer: 'adam',
  activation: 'relu',
  epochs: 10,
  filters: 8,
  kernelSize: 3,
  convLayers: 1,
};

export function readCnn(params: ParamSet): CnnHyperparameters {
  return {
    ...readCommon(params, DIGITS_CNN_DEFAULTS),
    filters: readInteger(params, 'filters', DIGITS_CNN_DEFAULTS.filters, 1, 256),
    kernelSize: readInteger(params, 'kernel_size', DIGITS_CNN_DEFAULTS.kernelSize, 1, DIGITS_SIDE),
    // Each block halves 8x8; three blocks reach 1x1.
    convLayers: readInteger(params, 'conv_layers', DIGITS_CNN_DEFAULTS.convLayers, 1, 3),
  };
}

function build(hp: CnnHyperparameters): { model: tf.Sequential; optimizer: tf.Optimizer } {
  return buildClassifier(hp, [DIGITS_SIDE, DIGITS_SIDE, 1], DIGITS_CLASSES, (model) => {
    for (let i = 0; i < hp.convLayers; i++) {
      model.add(
        tf.layers.conv2d({
          filters: hp.filters,
          kernelSize: hp.kernelSize,
          padding: 'same',
          activation: hp.activation,
        }),
      );
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    }
    model.add(tf.layers.flatten());
  });
}

/**
 * A small convolutional network on the digits as 8x8x1 images (built-in example
 * `digits-cnn`). Hyperparameters: those of `digits-mlp` plus `filters`, `kernel_size` and
 * `conv_layers` (1-3 conv + max-pool blocks). The wasm backend cannot train it (it has no
 * conv2d gradient kernels), which `backend: 'auto'` discovers by trying.
 */
export default async function trainDigitsCnn(params: ParamSet, run: Run): Promise<void> {
  const hp = readCnn(params);
  const data = await digitsTensors(params, 'image');
  await trainBuiltIn(run, params, hp, data, () => build(hp));
}

export function calibration(): CalibrationWorkload {
  return classifierWorkload(
    'digits-cnn with default hyperparameters',
    () => build(DIGITS_CNN_DEFAULTS),
    [DIGITS_SIDE, DIGITS_SIDE, 1],
    DIGITS_CLASSES,
  );
}
