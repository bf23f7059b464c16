import type * as tfjs from '@tensorflow/tfjs';
import type { FittedPreparation, ImagePreparation } from '../data/index.js';
import { bestRun } from '../experiment/run-queries.js';
import { exportArtifacts, modelFiles, modelFileStem, type ModelFiles } from '../export/model-files.js';
import type { RunRecord, SweepRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Where TF.js can save a model from the page: its own `indexeddb://` store, or a download. */
export type ModelDestination = `indexeddb://${string}` | `downloads://${string}` | `localstorage://${string}`;

export interface ModelExport {
  readonly runId: string;
  readonly destination: string;
  /** Checkpoint the model came from. */
  readonly sequence: number;
  readonly weightBytes: number;
  readonly parameters: number;
}

const DESTINATION = /^(indexeddb|downloads|localstorage):\/\/[^\s]{1,200}$/;

/**
 * How a model trained on the person's data turns a raw row (or image) into its input: column
 * order, encodings, normalisation, class names. Exported beside model.json as
 * `NAME.preparation.json` and inside model.json's `userDefinedMetadata`, so a model saved to
 * `indexeddb://` still knows it (src/browser/try-model.ts reads either).
 */
export type ModelPreparation = FittedPreparation | ImagePreparation;

/** The key under model.json's `userDefinedMetadata` that holds the preparation. */
export const PREPARATION_METADATA_KEY = 'overdrivePreparation';

/** The preparation's file beside `NAME.json` and `NAME.weights.bin`, named as TF.js names those. */
export function preparationFileName(name: string): string {
  return `${name}.preparation.json`;
}

/** The preparation as the JSON file exported beside the model. */
export function preparationJson(preparation: ModelPreparation): string {
  return `${JSON.stringify(preparation, null, 2)}\n`;
}

/**
 * Saves a run's model (its latest checkpoint, without optimizer state) through TF.js's own IO
 * handlers, so `tf.loadLayersModel(destination)` (or the downloaded `model.json`) loads it back.
 * TF.js is imported only here, when a model is actually exported.
 */
export async function exportRunModel(
  store: Store,
  runId: string,
  destination: string,
  preparation: ModelPreparation | null = null,
): Promise<ModelExport> {
  if (typeof destination !== 'string' || !DESTINATION.test(destination)) {
    throw new TypeError(
      `destination must be indexeddb://NAME, downloads://NAME or localstorage://NAME (got ${JSON.stringify(destination)})`,
    );
  }
  const checkpoint = await store.latestCheckpoint(runId);
  if (checkpoint === undefined) {
    throw new Error(
      `run ${runId} has no checkpoint to export: its training function never called run.checkpoint(model)`,
    );
  }
  const artifacts = exportArtifacts(checkpoint);
  const tf: typeof tfjs = await import('@tensorflow/tfjs');
  const [handler] = tf.io.getSaveHandlers(destination);
  if (handler?.save === undefined) throw new Error(`TF.js has no save handler for ${destination} here`);
  await handler.save({
    ...artifacts,
    modelTopology: artifacts.modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
    weightSpecs: [...artifacts.weightSpecs] as tfjs.io.WeightsManifestEntry[],
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? 'Overdrive',
    ...(preparation === null ? {} : { userDefinedMetadata: { [PREPARATION_METADATA_KEY]: preparation } }),
  } as tfjs.io.ModelArtifacts);
  if (preparation !== null && destination.startsWith('downloads://')) {
    downloadText(preparationFileName(destination.slice('downloads://'.length)), preparationJson(preparation));
  }
  return {
    runId,
    destination,
    sequence: checkpoint.sequence,
    weightBytes: artifacts.weightData.byteLength,
    parameters: artifacts.weightSpecs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0),
  };
}

/** Saves `text` as a download named `name`, as TF.js's `downloads://` handler saves model.json. */
function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.download = name;
  link.href = url;
  link.click();
  // The click starts the download synchronously; the URL may go once it has.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A run's model files, with its preparation (`preparation.json` beside `model.json`) when it has one. */
export interface RunModelFiles extends ModelFiles {
  readonly preparation: ModelPreparation | null;
}

/**
 * The files of a run's model, for code that writes them itself (the CLI, an export bundle).
 * With a preparation, model.json's metadata carries it too, as `exportRunModel` writes it.
 */
export async function runModelFiles(
  store: Store,
  runId: string,
  preparation: ModelPreparation | null = null,
): Promise<RunModelFiles> {
  const checkpoint = await store.latestCheckpoint(runId);
  if (checkpoint === undefined) {
    throw new Error(
      `run ${runId} has no checkpoint to export: its training function never called run.checkpoint(model)`,
    );
  }
  const files = modelFiles(checkpoint, modelFileStem(runId));
  if (preparation === null) return { ...files, preparation };
  const json = JSON.stringify({
    ...(JSON.parse(files.json) as Record<string, unknown>),
    userDefinedMetadata: { [PREPARATION_METADATA_KEY]: preparation },
  });
  return { ...files, json, preparation };
}

/**
 * The best run (by the sweep's primary metric and goal) that saved a model. HyperDrive's "best
 * run" may have saved none (a custom module without checkpoints): that is an error, not a
 * silent fall-back to a worse run.
 */
export function bestRunWithModel(sweep: SweepRecord, runs: readonly RunRecord[]): RunRecord {
  const best = bestRun(runs, sweep.config.primaryMetricGoal);
  if (best === null) throw new Error(`sweep ${sweep.id} has no run with a finite ${sweep.config.primaryMetricName}`);
  if (best.checkpoint?.model !== true) {
    throw new Error(`the best run ${best.id} saved no model: its training function never called run.checkpoint(model)`);
  }
  return best;
}
