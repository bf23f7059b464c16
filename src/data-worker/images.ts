import {
  DataError,
  type ImageManifest,
  type ImagePreparation,
  type ImagePreparationSpec,
  type PreparedData,
  splitRows,
} from '../data/index.js';

// Decoding in the worker: createImageBitmap reads PNG and JPEG off any thread, and an
// OffscreenCanvas resizes without a document. Only what is used of both is declared, so the
// file compiles in the projects that see it with the DOM library as well as the WebWorker one.
interface Bitmap {
  readonly width: number;
  readonly height: number;
  close(): void;
}
interface Context2d {
  imageSmoothingQuality: 'low' | 'medium' | 'high';
  clearRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: Bitmap, dx: number, dy: number, dw: number, dh: number): void;
  getImageData(x: number, y: number, w: number, h: number): { readonly data: Uint8ClampedArray };
}
declare const createImageBitmap: (blob: Blob) => Promise<Bitmap>;
declare const OffscreenCanvas: new (
  w: number,
  h: number,
) => { getContext(kind: '2d', options: { willReadFrequently: boolean }): Context2d | null };

type Entry = ImageManifest['files'][number];

async function decode(entry: Entry, blob: Blob): Promise<Bitmap> {
  try {
    return await createImageBitmap(blob);
  } catch (error) {
    throw new DataError(
      { file: entry.path },
      `could not be decoded as a ${entry.type === 'png' ? 'PNG' : 'JPEG'} image (${error instanceof Error ? error.message : String(error)}); the file may be damaged or cut short`,
    );
  }
}

/** Decodes every image once, so a folder with a damaged file is refused before it is stored. */
export async function checkImagesDecode(manifest: ImageManifest, blobs: ReadonlyMap<string, Blob>): Promise<void> {
  for (const entry of manifest.files) (await decode(entry, blobs.get(entry.path) as Blob)).close();
}

/**
 * Decodes every image of a validated folder, resizes it to `spec.size` (stretching: the
 * aspect ratio is not kept, as Teachable Machine and Keras' image_dataset_from_directory do by
 * default), and writes RGB in [0, 1], row-major [h, w, 3] per image. A file that does not decode
 * is a DataError naming it. The split is seeded and stratified by class, as for tables.
 */
export async function prepareImageFolder(
  manifest: ImageManifest,
  blobs: ReadonlyMap<string, Blob>,
  spec: ImagePreparationSpec,
): Promise<PreparedData> {
  const [height, width] = spec.size;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('the data worker has no 2D OffscreenCanvas context');
  context.imageSmoothingQuality = 'high';
  const perImage = height * width * 3;
  const count = manifest.files.length;
  const pixels = new Float32Array(count * perImage);
  const labels = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    const entry = manifest.files[i] as ImageManifest['files'][number];
    const bitmap = await decode(entry, blobs.get(entry.path) as Blob);
    context.clearRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const rgba = context.getImageData(0, 0, width, height).data;
    const base = i * perImage;
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
      pixels[base + q] = (rgba[p] as number) / 255;
      pixels[base + q + 1] = (rgba[p + 1] as number) / 255;
      pixels[base + q + 2] = (rgba[p + 2] as number) / 255;
    }
    labels[i] = entry.label;
  }
  const split = splitRows(count, spec.validationFraction, spec.seed, labels);
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new DataError(
      { file: manifest.root === '' ? 'the folder' : manifest.root },
      `holds ${count} image${count === 1 ? '' : 's'}: too few for a training and a validation split (validation ${spec.validationFraction})`,
    );
  }
  const take = (rows: Uint32Array): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(rows.length * perImage);
    const y = new Float32Array(rows.length);
    for (let k = 0; k < rows.length; k += 1) {
      const r = rows[k] as number;
      x.set(pixels.subarray(r * perImage, (r + 1) * perImage), k * perImage);
      y[k] = labels[r] as number;
    }
    return { x, y };
  };
  const train = take(split.train);
  const validation = take(split.validation);
  const preparation: ImagePreparation = {
    version: 1,
    kind: 'images',
    size: [height, width],
    classes: manifest.classes,
    validationFraction: spec.validationFraction,
    seed: spec.seed,
  };
  return {
    xTrain: train.x,
    yTrain: train.y,
    xValidation: validation.x,
    yValidation: validation.y,
    inputShape: [height, width, 3],
    classes: manifest.classes,
    task: 'classification',
    preparation,
  };
}
