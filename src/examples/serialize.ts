import * as tf from '@tensorflow/tfjs';
import { serializeModel, type SavableModel } from '../run-logger/checkpoint.js';

/**
 * `serializeModel` inside an engine scope: TF.js's optimizers hand their iteration count to
 * `save` as a fresh scalar nobody disposes, one leaked tensor per checkpoint. Only for a thread
 * where nothing else creates tensors while the checkpoint is taken (a trial worker, whose one
 * trial is awaiting it): the scope disposes every tensor made meanwhile that is not kept.
 */
export async function serializeModelInScope(
  model: SavableModel,
): Promise<{ artifacts: Record<string, ArrayBuffer>; optimizer: boolean }> {
  tf.engine().startScope();
  try {
    return await serializeModel(model);
  } finally {
    tf.engine().endScope();
  }
}
