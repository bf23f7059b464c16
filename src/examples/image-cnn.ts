import * as tf from '@tensorflow/tfjs';
import type { Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import {
  classifierWorkload,
  HyperparameterError,
  logClassifierEpoch,
  makeOptimizer,
  readCommon,
  readInteger,
  trainBuiltIn,
} from './common.js';
import { type CnnHyperparameters, DIGITS_CNN_DEFAULTS } from './digits-cnn.js';
import type { CalibrationWorkload, TrialEnv } from './env.js';
import { preparedTensors, sweepData, type TaskHead, taskHead } from './user-data.js';

export const IMAGE_CNN_DEFAULTS: CnnHyperparameters = {
  ...DIGITS_CNN_DEFAULTS,
  learningRate: 0.003,
  filters: 16,
  convLayers: 2,
  hiddenUnits: 64,
  epochs: 15,
};

export { IMAGE_CNN_SEARCH_SPACE } from './template-spaces.js';

/** How many conv + 2x2 max-pool blocks an image of this size takes before a side reaches 1. */
export function maxConvBlocks(height: number, width: number): number {
  return Math.max(1, Math.floor(Math.log2(Math.min(height, width))));
}

/**
 * The hyperparameters for images of `height` x `width`: digits-cnn's names and checks, with the
 * kernel and the number of halving blocks bounded by the image instead of by 8x8 digits.
 */
export function readImageCnn(params: ParamSet, height: number, width: number): CnnHyperparameters {
  const side = Math.min(height, width);
  const base = readCommon(params, IMAGE_CNN_DEFAULTS);
  const blocks = maxConvBlocks(height, width);
  const convLayers = readInteger(params, 'conv_layers', IMAGE_CNN_DEFAULTS.convLayers, 1, 3);
  if (convLayers > blocks) {
    throw new HyperparameterError(
      `conv_layers must be at most ${blocks} for ${height}x${width} images (each block halves the side; got ${convLayers})`,
    );
  }
  return {
    ...base,
    filters: readInteger(params, 'filters', IMAGE_CNN_DEFAULTS.filters, 1, 256),
    kernelSize: readInteger(params, 'kernel_size', IMAGE_CNN_DEFAULTS.kernelSize, 1, side),
    convLayers,
  };
}

/**
 * Conv + max-pool blocks, flattened, the dense layers, then softmax over the classes (sparse
 * categorical cross-entropy on class indices). The optimizer is returned to be disposed: compile
 * does not own it.
 */
export function buildImageCnn(
  hp: CnnHyperparameters,
  inputShape: readonly [number, number, number],
  head: TaskHead,
): { model: tf.Sequential; optimizer: tf.Optimizer } {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [...inputShape] }));
  for (let i = 0; i < hp.convLayers; i++) {
    model.add(
      tf.layers.conv2d({
        filters: hp.filters * 2 ** i,
        kernelSize: hp.kernelSize,
        padding: 'same',
        activation: hp.activation,
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.flatten());
  for (let i = 0; i < hp.hiddenLayers; i++) {
    model.add(tf.layers.dense({ units: hp.hiddenUnits, activation: hp.activation }));
    if (hp.dropout > 0) model.add(tf.layers.dropout({ rate: hp.dropout }));
  }
  model.add(tf.layers.dense({ units: head.units, activation: head.activation }));
  const optimizer = makeOptimizer(hp.optimizer, hp.learningRate);
  model.compile({ optimizer, loss: head.loss, metrics: [...head.metrics] });
  return { model, optimizer };
}

function imageShape(shape: readonly number[]): readonly [number, number, number] {
  const [h, w, c] = shape;
  if (shape.length !== 3 || h === undefined || w === undefined || c !== 3) {
    throw new Error(
      `image-cnn trains on an image folder (inputs [height, width, 3]), but the sweep's dataset is shaped [${shape.join(', ')}]: use tabular-mlp for a table`,
    );
  }
  return [h, w, c];
}

/**
 * A small CNN on the sweep's image folder (built-in template `image-cnn`; one sub-folder per
 * class, resized to the binding's size, RGB scaled to [0, 1]). Hyperparameters: digits-cnn's
 * (`conv_layers`, `filters`, doubled in each block, `kernel_size`, `hidden_layers`,
 * `hidden_units`, `dropout`, `learning_rate`, `optimizer`, `batch_size`, `epochs`). Logs `loss`,
 * `accuracy`, `val_loss`, `val_accuracy` each epoch and checkpoints like the other built-ins.
 * The wasm backend cannot train conv layers: `backend: 'auto'` finds that by trying.
 */
export default async function trainImageCnn(params: ParamSet, run: Run, env?: TrialEnv): Promise<void> {
  const prepared = await sweepData('image-cnn', env);
  const shape = imageShape(prepared.inputShape);
  const hp = readImageCnn(params, shape[0], shape[1]);
  if (prepared.task !== 'classification') {
    throw new Error(`image-cnn classifies images by their folder; the binding asks for ${prepared.task}`);
  }
  const head = taskHead('classification', prepared.classes);
  const data = preparedTensors(prepared);
  await trainBuiltIn(run, params, hp, data, () => buildImageCnn(hp, shape, head), logClassifierEpoch);
}

/**
 * For `backend: 'auto'`: the default network on one batch of 16 random 16x16 RGB images, 3
 * classes. Small, because the slowest candidate (cpu) must also finish its steps; the ranking of
 * backends on conv layers holds at this size.
 */
export function calibration(): CalibrationWorkload {
  const shape = [16, 16, 3] as const;
  return classifierWorkload(
    'image-cnn with default hyperparameters (16x16 RGB, 3 classes, batch 16)',
    () => buildImageCnn(IMAGE_CNN_DEFAULTS, shape, taskHead('classification', ['a', 'b', 'c'])),
    shape,
    3,
    16,
    'index',
  );
}
