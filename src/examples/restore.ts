import * as tf from '@tensorflow/tfjs';
import { decodeModelArtifacts, type CheckpointData } from '../run-logger/checkpoint.js';

/**
 * The model a checkpoint holds, on the current backend. TF.js compiles it from the saved
 * training config and restores the optimizer's state, so training continues where it stopped.
 */
export async function restoreModel(checkpoint: CheckpointData): Promise<tf.LayersModel> {
  const artifacts = decodeModelArtifacts(checkpoint.artifacts);
  if (artifacts === null)
    throw new Error('this checkpoint holds no model (it was saved with run.checkpoint(null, state))');
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: [...artifacts.weightSpecs] as tf.io.WeightsManifestEntry[],
      weightData: artifacts.weightData,
      ...(artifacts.trainingConfig === undefined
        ? {}
        : { trainingConfig: artifacts.trainingConfig as tf.io.TrainingConfig }),
    }),
  );
}
