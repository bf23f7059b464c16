import * as Comlink from 'comlink';
import { DataError, type ImagePreparationSpec, type PreparationSpec, type PreparedData } from '../../data/index.js';
import type {
  DataWorkerApi,
  ImageFile,
  ImageInspection,
  TableInspection,
  TableSource,
  WorkerResult,
} from '../../data-worker/api.js';
import { spawnDataWorker } from '../data-worker-url.js';

export type { ImageFile, ImageInspection, TableInspection } from '../../data-worker/api.js';

/** A picked file or folder, inspected: what the Data step shows and the store records. */
export type DataInspection = TableInspection | ImageInspection;

/**
 * The page's side of the data worker: every call hands the worker a File (cloned by reference,
 * not read on this thread) and awaits the result, so parsing, profiling, hashing, preparing
 * and decoding never run on the page's thread. Errors come back as `DataError`s naming the
 * file, row and column.
 */
export class DataClient {
  private readonly worker: Worker;
  private readonly api: Comlink.Remote<DataWorkerApi>;
  private closed = false;

  constructor(worker: Worker = spawnDataWorker('overdrive-data')) {
    this.worker = worker;
    this.api = Comlink.wrap<DataWorkerApi>(worker);
  }

  /** Parses and profiles a CSV/TSV or JSON file; the worker keeps the parsed table for `prepare`. */
  async inspect(file: Blob, name = fileName(file)): Promise<TableInspection> {
    return unwrap(await this.live().inspectTable(file, name));
  }

  /**
   * Prepares a table for training. With the inspection's id the worker reuses the table it
   * parsed; with the file it parses it again (after a reload, from the store).
   */
  async prepare(source: { readonly id: string } | Blob, spec: PreparationSpec, name?: string): Promise<PreparedData> {
    const wire: TableSource =
      source instanceof Blob
        ? { kind: 'blob', name: name ?? fileName(source), file: source }
        : { kind: 'cached', id: source.id };
    return unwrap(await this.live().prepareTable(wire, spec));
  }

  /** Checks an image folder (one sub-folder per class, PNG/JPEG by their bytes) and hashes it. */
  async inspectImages(files: readonly ImageFile[] | readonly File[], folder?: string): Promise<ImageInspection> {
    const listed = imageFiles(files);
    return unwrap(await this.live().inspectImages(listed, folder ?? folderName(listed)));
  }

  /** Decodes and resizes an image folder in the worker: x is [n, h, w, 3] in [0, 1]. */
  async prepareImages(
    files: readonly ImageFile[] | readonly File[],
    spec: ImagePreparationSpec,
    folder?: string,
  ): Promise<PreparedData> {
    const listed = imageFiles(files);
    return unwrap(await this.live().prepareImages(listed, folder ?? folderName(listed), spec));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  private live(): Comlink.Remote<DataWorkerApi> {
    if (this.closed) throw new Error('DataClient: closed');
    return this.api;
  }
}

function unwrap<T>(result: WorkerResult<T>): T {
  if (result.ok) return result.value;
  const { error } = result;
  if ('rule' in error) {
    const where = {
      file: error.file,
      ...(error.row === undefined ? {} : { row: error.row }),
      ...(error.unit === undefined ? {} : { unit: error.unit }),
      ...(error.column === undefined ? {} : { column: error.column }),
    };
    throw new DataError(where, error.rule);
  }
  const rethrown = new Error(error.message);
  rethrown.name = error.name;
  throw rethrown;
}

function fileName(file: Blob): string {
  return file instanceof File ? file.name : 'data';
}

/** Picked files as path + blob: `webkitRelativePath` from a folder picker, else the name. */
function imageFiles(files: readonly ImageFile[] | readonly File[]): ImageFile[] {
  return files.map((f) =>
    f instanceof File ? { path: f.webkitRelativePath !== '' ? f.webkitRelativePath : f.name, file: f } : f,
  );
}

function folderName(files: readonly ImageFile[]): string {
  const first = files[0]?.path.split('/')[0];
  return first !== undefined && files.every((f) => f.path.startsWith(`${first}/`)) ? first : 'images';
}
