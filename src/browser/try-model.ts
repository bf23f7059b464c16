import type * as tfjs from '@tensorflow/tfjs';
import { type Cell, encodeRecord, type FittedPreparation, type ImagePreparation } from '../data/index.js';
import { PREPARATION_METADATA_KEY, type ModelPreparation, type RunModelFiles } from './model-export.js';

/**
 * "Try it": the best model of a sweep on the person's data, loaded back on the page as any
 * TF.js user would load it, with the preparation it was trained with, so a typed row or a
 * dropped image gets the same encoding the trials gave their data. The Studio's Try-it panel
 * (DATA-UI) draws; this module loads and predicts.
 */

/** What a model says about one input. */
export type Prediction =
  | {
      readonly task: 'classification';
      /** The most probable class's name. */
      readonly label: string;
      /** Every class with its probability, most probable first. */
      readonly classes: readonly { readonly name: string; readonly probability: number }[];
    }
  | {
      readonly task: 'regression';
      /** In the target's original units (the standardisation undone). */
      readonly value: number;
    };

/** An image as a page has it; drawn onto a canvas of the preparation's size. */
export type TryImage = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageData;

export interface TryModel {
  readonly preparation: ModelPreparation;
  /** 'table': predict rows with `predictRecord`; 'images': predict with `predictImage`. */
  readonly input: 'table' | 'images';
  /** For a table: the columns a record should give (the target and dropped columns excluded). */
  readonly columns: readonly string[];
  predictRecord(record: Readonly<Record<string, Cell>>): Promise<Prediction>;
  predictImage(image: TryImage): Promise<Prediction>;
  dispose(): void;
}

/**
 * What `tf.io.browserFiles(...)` (or any TF.js IOHandler that loads) returns, described here so
 * the package's public types do not pull in TF.js's declarations, which a strict consumer without
 * `skipLibCheck` cannot compile.
 */
export interface ModelSource {
  load(): Promise<unknown>;
}

/**
 * Loads a model saved by the export (`indexeddb://NAME`, a `model.json` URL, or the files a
 * person picks through `tf.io.browserFiles`) with its preparation: the one passed (the contents
 * of `NAME.preparation.json`), else the one the export wrote into model.json's metadata. A
 * model without either is refused: without its encoding, a row cannot be turned into its input.
 */
export async function loadTryModel(model: string | ModelSource, preparation?: unknown): Promise<TryModel> {
  const tf = await import('@tensorflow/tfjs');
  const loaded = await tf.loadLayersModel(model as string | tfjs.io.IOHandler);
  try {
    const fromMetadata = (loaded.getUserDefinedMetadata() as Record<string, unknown> | undefined)?.[
      PREPARATION_METADATA_KEY
    ];
    const raw = preparation ?? fromMetadata;
    if (raw === undefined) {
      throw new Error(
        'this model carries no preparation (it was not trained on a dataset by tabular-mlp or image-cnn): pass the preparation.json exported beside it',
      );
    }
    const prepared = parseModelPreparation(raw);
    checkInputShape(loaded, prepared);
    return new LoadedTryModel(tf, loaded, prepared);
  } catch (error) {
    loaded.dispose();
    throw error;
  }
}

/**
 * A stored run's model (its latest checkpoint, as `runModelFiles` gives it) with its
 * preparation, straight from the workspace: nothing is saved or downloaded first.
 */
export async function loadRunTryModel(files: RunModelFiles): Promise<TryModel> {
  if (files.preparation === null) {
    throw new Error(
      'this run has no preparation: its sweep trained on no dataset (no data binding), so there is no row or image to try it on',
    );
  }
  const tf = await import('@tensorflow/tfjs');
  const { artifacts } = files;
  const handler = tf.io.fromMemory({
    modelTopology: artifacts.modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
    weightSpecs: [...artifacts.weightSpecs] as tfjs.io.WeightsManifestEntry[],
    weightData: artifacts.weightData,
  });
  return loadTryModel(handler as ModelSource, files.preparation);
}

class LoadedTryModel implements TryModel {
  readonly input: 'table' | 'images';
  readonly columns: readonly string[];

  constructor(
    private readonly tf: typeof tfjs,
    private readonly model: tfjs.LayersModel,
    readonly preparation: ModelPreparation,
  ) {
    this.input = isImagePreparation(preparation) ? 'images' : 'table';
    this.columns = isImagePreparation(preparation) ? [] : preparation.features.map((f) => f.column);
  }

  async predictRecord(record: Readonly<Record<string, Cell>>): Promise<Prediction> {
    const preparation = this.preparation;
    if (isImagePreparation(preparation)) throw new Error('this model classifies images: use predictImage');
    const x = encodeRecord(preparation, record);
    return this.predict(x, [1, preparation.inputSize]);
  }

  async predictImage(image: TryImage): Promise<Prediction> {
    const preparation = this.preparation;
    if (!isImagePreparation(preparation)) throw new Error('this model predicts table rows: use predictRecord');
    const [height, width] = preparation.size;
    return this.predict(imagePixels(image, width, height), [1, height, width, 3]);
  }

  dispose(): void {
    this.model.dispose();
  }

  private async predict(x: Float32Array, shape: number[]): Promise<Prediction> {
    const tf = this.tf;
    const output = tf.tidy(() => this.model.predict(tf.tensor(x, shape)) as tfjs.Tensor);
    let values: Float32Array;
    try {
      values = (await output.data()) as Float32Array;
    } finally {
      output.dispose();
    }
    const classes = classNames(this.preparation);
    if (classes === null) {
      const preparation = this.preparation as FittedPreparation;
      const scale = preparation.target ?? { mean: 0, std: 1 };
      return { task: 'regression', value: (values[0] ?? Number.NaN) * scale.std + scale.mean };
    }
    const ranked = classes
      .map((name, i) => ({ name, probability: values[i] ?? 0 }))
      .sort((a, b) => b.probability - a.probability);
    return { task: 'classification', label: ranked[0]?.name ?? '', classes: ranked };
  }
}

function isImagePreparation(p: ModelPreparation): p is ImagePreparation {
  return 'kind' in p && p.kind === 'images';
}

function classNames(p: ModelPreparation): readonly string[] | null {
  return isImagePreparation(p) ? p.classes : p.classes;
}

/**
 * An image's RGB values in [0, 1], drawn at `width` x `height` the way the data worker resizes
 * a folder's images for training (stretched, high-quality smoothing; alpha dropped).
 */
export function imagePixels(image: TryImage, width: number, height: number): Float32Array {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('this browser gives no 2D canvas to resize the image with');
  // As the data worker resizes training images (src/data-worker/images.ts).
  context.imageSmoothingQuality = 'high';
  if (image instanceof ImageData) {
    const source = new OffscreenCanvas(image.width, image.height);
    source.getContext('2d')?.putImageData(image, 0, 0);
    context.drawImage(source, 0, 0, width, height);
  } else {
    context.drawImage(image, 0, 0, width, height);
  }
  const rgba = context.getImageData(0, 0, width, height).data;
  const out = new Float32Array(width * height * 3);
  for (let p = 0, o = 0; p < rgba.length; p += 4) {
    out[o++] = (rgba[p] ?? 0) / 255;
    out[o++] = (rgba[p + 1] ?? 0) / 255;
    out[o++] = (rgba[p + 2] ?? 0) / 255;
  }
  return out;
}

/** The model's input must be what the preparation makes, or every prediction would be garbage. */
function checkInputShape(model: tfjs.LayersModel, preparation: ModelPreparation): void {
  const shape = model.inputs[0]?.shape.slice(1) ?? [];
  const expected = isImagePreparation(preparation)
    ? [preparation.size[0], preparation.size[1], 3]
    : [preparation.inputSize];
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `the model takes inputs shaped [${shape.join(', ')}] but its preparation makes [${expected.join(', ')}]: the preparation.json belongs to another model`,
    );
  }
}

/**
 * A preparation as read from a file or model.json: checked for the fields prediction relies on,
 * each failure naming the field, so a wrong or edited file fails here and not as NaN later.
 */
export function parseModelPreparation(raw: unknown): ModelPreparation {
  const fail = (field: string, rule: string): never => {
    throw new TypeError(`preparation.json: ${field} ${rule}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('(the file)', 'must be a JSON object');
  const r = raw as Record<string, unknown>;
  if (r['version'] !== 1) fail('version', `must be 1 (got ${JSON.stringify(r['version'])})`);
  const strings = (field: string, value: unknown): readonly string[] => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(field, 'must be an array of strings');
    return value as string[];
  };
  const positive = (field: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(field, 'must be a positive integer');
    return value as number;
  };
  if (r['kind'] === 'images') {
    const size = r['size'];
    if (!Array.isArray(size) || size.length !== 2) fail('size', 'must be [height, width]');
    const [h, w] = size as unknown[];
    positive('size[0]', h);
    positive('size[1]', w);
    if (strings('classes', r['classes']).length < 2) fail('classes', 'must name at least 2 classes');
    return raw as ImagePreparation;
  }
  const features = r['features'];
  if (!Array.isArray(features) || features.length === 0) fail('features', 'must be a non-empty array');
  let width = 0;
  (features as unknown[]).forEach((f, i) => {
    const field = `features[${i}]`;
    if (typeof f !== 'object' || f === null) fail(field, 'must be an object');
    const e = f as Record<string, unknown>;
    if (typeof e['column'] !== 'string') fail(`${field}.column`, 'must be a string');
    switch (e['kind']) {
      case 'numeric':
      case 'date':
        if (typeof e['mean'] !== 'number' || typeof e['std'] !== 'number')
          fail(field, 'must have a numeric mean and std');
        width += 1;
        break;
      case 'one-hot':
        width += strings(`${field}.categories`, e['categories']).length;
        break;
      case 'index':
        strings(`${field}.categories`, e['categories']);
        width += 1;
        break;
      default:
        fail(`${field}.kind`, `must be numeric, date, one-hot or index (got ${JSON.stringify(e['kind'])})`);
    }
  });
  const inputSize = positive('inputSize', r['inputSize']);
  if (inputSize !== width) fail('inputSize', `is ${inputSize} but the features encode ${width} values`);
  if (r['classes'] !== null) strings('classes', r['classes']);
  const target = r['target'];
  if (
    target !== null &&
    target !== undefined &&
    (typeof target !== 'object' ||
      typeof (target as Record<string, unknown>)['mean'] !== 'number' ||
      typeof (target as Record<string, unknown>)['std'] !== 'number')
  ) {
    fail('target', 'must be null or { mean, std }');
  }
  return raw as FittedPreparation;
}
