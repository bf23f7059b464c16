import type {
  DataFormat,
  ImagePreparationSpec,
  PreparationSpec,
  PreparedData,
  RowUnit,
  TableProfile,
} from '../data/index.js';

// The data worker's interface (comlink): the page hands it File/Blob objects (cloned by
// reference, not copied) and gets back a profile, or prepared typed arrays by transfer. Nothing
// of size crosses to the page's thread as JavaScript objects to deserialise.

/** What the page learns from a table file before storing it. */
export interface TableInspection {
  readonly kind: 'table';
  readonly id: string;
  readonly name: string;
  readonly format: Exclude<DataFormat, 'images'>;
  readonly bytes: number;
  readonly unit: RowUnit;
  readonly profile: TableProfile;
}

/** An image folder's files, as the page lists them (`webkitRelativePath` or a drop's paths). */
export interface ImageFile {
  readonly path: string;
  readonly file: Blob;
}

export interface ImageInspection {
  readonly kind: 'images';
  readonly id: string;
  readonly name: string;
  readonly format: 'images';
  readonly bytes: number;
  readonly classes: readonly { readonly name: string; readonly count: number }[];
  /** The images, sorted by path: the order prepareImages decodes them in. */
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

/** A table to prepare: the one last inspected (by id, cached in the worker) or a blob to read again. */
export type TableSource =
  | { readonly kind: 'cached'; readonly id: string }
  | { readonly kind: 'blob'; readonly name: string; readonly file: Blob };

/** A DataError as it crosses the worker boundary (comlink keeps only `message` of an Error). */
export interface WireDataError {
  readonly name: 'DataError';
  readonly file: string;
  readonly row: number | undefined;
  readonly unit: RowUnit | undefined;
  readonly column: string | undefined;
  readonly rule: string;
}

export type WorkerResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: WireDataError | { readonly name: string; readonly message: string } };

export interface DataWorkerApi {
  inspectTable(file: Blob, name: string): Promise<WorkerResult<TableInspection>>;
  prepareTable(source: TableSource, spec: PreparationSpec): Promise<WorkerResult<PreparedData>>;
  inspectImages(files: readonly ImageFile[], folder: string): Promise<WorkerResult<ImageInspection>>;
  prepareImages(
    files: readonly ImageFile[],
    folder: string,
    spec: ImagePreparationSpec,
  ): Promise<WorkerResult<PreparedData>>;
}
