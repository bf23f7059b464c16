import * as tf from '@tensorflow/tfjs';
import {
  DIGITS_CLASSES,
  DIGITS_FEATURES,
  DIGITS_SIDE,
  loadDigitsSplit,
  takeDigits,
  type DigitsSet,
} from '../datasets/digits.js';
import type { ParamSet } from '../space/expression.js';
import { readInteger, type TensorData } from './common.js';

/**
 * The digits split as tensors for one trial. `train_samples` trains on a prefix of the
 * (shuffled, class-interleaved) training rows: quick runs for tests and demos.
 */
export async function digitsTensors(params: ParamSet, shape: 'flat' | 'image'): Promise<TensorData> {
  const split = await loadDigitsSplit();
  const train = takeDigits(split.train, readInteger(params, 'train_samples', split.train.size, 1, split.train.size));
  const validation = split.validation;
  const toX = (set: DigitsSet): tf.Tensor =>
    shape === 'flat'
      ? tf.tensor2d(set.features, [set.size, DIGITS_FEATURES])
      : tf.tensor4d(set.features, [set.size, DIGITS_SIDE, DIGITS_SIDE, 1]);
  const toY = (set: DigitsSet): tf.Tensor => tf.tidy(() => tf.oneHot(tf.tensor1d(set.labels, 'int32'), DIGITS_CLASSES));
  const tensors: tf.Tensor[] = [];
  try {
    for (const make of [() => toX(train), () => toY(train), () => toX(validation), () => toY(validation)])
      tensors.push(make());
  } catch (error) {
    for (const t of tensors) t.dispose();
    throw error;
  }
  const [xs, ys, validationXs, validationYs] = tensors as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  return { xs, ys, validationXs, validationYs };
}
