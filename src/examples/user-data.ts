import * as tf from '@tensorflow/tfjs';
import type { PreparedData, TaskKind } from '../data/index.js';
import type { TensorData } from './common.js';
import type { TrialEnv } from './env.js';

/**
 * The sweep's own dataset for a built-in template (tabular-mlp, image-cnn). Only a worker of the
 * pool has it (`env.datasets.user()` asks the page): run in-process there is no env, and saying
 * so beats a TypeError on `undefined`.
 */
export async function sweepData(template: string, env: TrialEnv | undefined): Promise<PreparedData> {
  if (env === undefined) {
    throw new Error(
      `${template} trains on the sweep's dataset (env.datasets.user()), which only the browser's worker pool provides: ` +
        'run it in a sweep with a data binding ("data": { "path": "file.csv", "target": "column" })',
    );
  }
  return env.datasets.user();
}

/** How many examples `x` holds for a sample shape, or a clear error where the arrays disagree. */
function examples(what: string, x: Float32Array, y: Float32Array, sample: number): number {
  if (sample <= 0 || x.length % sample !== 0) {
    throw new Error(`${what}: ${x.length} input values are not a whole number of examples of ${sample} values each`);
  }
  const n = x.length / sample;
  if (y.length !== n) throw new Error(`${what}: ${n} examples but ${y.length} targets`);
  return n;
}

/**
 * The prepared arrays as the tensors a built-in trains on: x shaped `[n, ...inputShape]`, y
 * `[n, 1]` (class indices for classification, as sparse categorical cross-entropy expects; the
 * standardised target for regression). Nothing is left allocated if one of them fails.
 */
export function preparedTensors(data: PreparedData): TensorData {
  const sample = data.inputShape.reduce((a, b) => a * b, 1);
  const nTrain = examples('the training split', data.xTrain, data.yTrain, sample);
  const nValidation = examples('the validation split', data.xValidation, data.yValidation, sample);
  if (nTrain === 0) throw new Error('the training split is empty: the dataset has too few usable rows');
  if (nValidation === 0) throw new Error('the validation split is empty: raise validationFraction or add rows');
  const tensors: tf.Tensor[] = [];
  try {
    tensors.push(tf.tensor(data.xTrain, [nTrain, ...data.inputShape]));
    tensors.push(tf.tensor2d(data.yTrain, [nTrain, 1]));
    tensors.push(tf.tensor(data.xValidation, [nValidation, ...data.inputShape]));
    tensors.push(tf.tensor2d(data.yValidation, [nValidation, 1]));
  } catch (error) {
    for (const t of tensors) t.dispose();
    throw error;
  }
  const [xs, ys, validationXs, validationYs] = tensors as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  return { xs, ys, validationXs, validationYs };
}

/** Output units and loss for a task: softmax over the classes, or one linear unit. */
export interface TaskHead {
  readonly task: TaskKind;
  readonly units: number;
  readonly activation: 'softmax' | 'linear';
  readonly loss: 'sparseCategoricalCrossentropy' | 'meanSquaredError';
  readonly metrics: readonly string[];
}

export function taskHead(task: TaskKind, classes: readonly string[] | null): TaskHead {
  if (task === 'regression') {
    return { task, units: 1, activation: 'linear', loss: 'meanSquaredError', metrics: [] };
  }
  const count = classes?.length ?? 0;
  if (count < 2) {
    throw new Error(`a classification target needs at least 2 classes (got ${count}: ${JSON.stringify(classes)})`);
  }
  return { task, units: count, activation: 'softmax', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] };
}

/** How the regression target was standardised (y' = (y - mean) / std); identity when it was not. */
export interface TargetScale {
  readonly mean: number;
  readonly std: number;
}

export function targetScale(data: PreparedData): TargetScale {
  const preparation = data.preparation;
  if ('kind' in preparation || preparation.target === null) return { mean: 0, std: 1 };
  return preparation.target;
}

/**
 * RMSE and MAE of the model on the validation split, in the target's original units: the
 * standardisation is undone (an error of e standardised units is e * std original ones), so
 * the figures read as "off by N dollars", not "off by 0.3 standard deviations".
 */
export async function regressionErrors(
  model: tf.LayersModel,
  data: TensorData,
  scale: TargetScale,
): Promise<{ readonly rmse: number; readonly mae: number }> {
  const errors = tf.tidy(() => {
    const predicted = model.predict(data.validationXs) as tf.Tensor;
    const difference = tf.sub(predicted.reshape([-1]), data.validationYs.reshape([-1]));
    const rmse = tf.sqrt(tf.mean(tf.square(difference)));
    const mae = tf.mean(tf.abs(difference));
    return tf.stack([rmse, mae]);
  });
  try {
    const [rmse, mae] = Array.from(await errors.data());
    return { rmse: (rmse ?? Number.NaN) * Math.abs(scale.std), mae: (mae ?? Number.NaN) * Math.abs(scale.std) };
  } finally {
    errors.dispose();
  }
}
