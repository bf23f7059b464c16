import { decodeModelArtifacts, withoutOptimizer, type ModelArtifactsData } from '../run-logger/checkpoint.js';
import type { CheckpointRecord } from '../store/records.js';

/** A run's model as the two files TF.js's `tf.loadLayersModel('…/model.json')` reads. */
export interface ModelFiles {
  /** `model.json`: topology plus a weights manifest naming `weightsFile`. */
  readonly json: string;
  readonly weightsFile: string;
  readonly weights: ArrayBuffer;
  /** The model alone (optimizer state dropped), for TF.js IO handlers. */
  readonly artifacts: ModelArtifactsData;
}

/** Inference artifacts from a checkpoint: model weights only, no optimizer state or training config. */
export function exportArtifacts(checkpoint: CheckpointRecord): ModelArtifactsData {
  const full = decodeModelArtifacts(checkpoint.artifacts);
  if (full === null) {
    throw new Error(
      `run ${checkpoint.runId}'s latest checkpoint holds no model (it was saved with run.checkpoint(null, state))`,
    );
  }
  return withoutOptimizer(full);
}

/**
 * The files TF.js's own `downloads://` handler writes, built without TF.js so Node and the
 * page's main thread can produce them: `<name>.json` and `<name>.weights.bin`.
 */
export function modelFiles(checkpoint: CheckpointRecord, name = 'model'): ModelFiles {
  const artifacts = exportArtifacts(checkpoint);
  const weightsFile = `${name}.weights.bin`;
  const { weightData, weightSpecs, ...rest } = artifacts;
  const json = JSON.stringify({
    ...rest,
    format: rest.format ?? 'layers-model',
    generatedBy: rest.generatedBy ?? 'Overdrive',
    weightsManifest: [{ paths: [`./${weightsFile}`], weights: weightSpecs }],
  });
  return { json, weightsFile, weights: weightData, artifacts };
}

/** A file-name-safe stem for a run's model, e.g. `HD_abc_3`. */
export function modelFileStem(runId: string): string {
  const stem = runId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return stem === '' ? 'model' : stem.slice(0, 100);
}
