import {
  type ImagePreparationSpec,
  type PreparationSpec,
  parseImagePreparationSpec,
  parsePreparationSpec,
} from '../data/index.js';
import {
  CONFIG_BOUNDARY,
  CONTROL_CHARACTERS,
  checkKnownKeys,
  childPath,
  ownField,
  readRecord,
  readText,
} from '../validate/index.js';

/** How a table or an image folder is prepared for training: the spec, never fitted numbers. */
export type DataPreparation = PreparationSpec | ImagePreparationSpec;

/**
 * The sweep's data: a dataset stored in this origin (by the content hash of its bytes), its name
 * for people, and how to prepare it. It never holds the data itself, so a sweep record, a share
 * link or an export carries the binding and the bytes stay on the device.
 */
export interface DataBinding {
  /** The stored dataset's id: `sha256-` and the 64 hex digits of the SHA-256 of its bytes. */
  readonly dataset: string;
  /** The file or folder name the person picked, shown in messages. */
  readonly name: string;
  readonly preparation: DataPreparation;
}

export const DATASET_ID_PATTERN = /^sha256-[0-9a-f]{64}$/;
export const DATA_BINDING_KEYS = ['dataset', 'name', 'preparation'] as const;
/** A file or folder name; the longest name common file systems allow. */
export const MAX_DATASET_NAME = 255;

const B = CONFIG_BOUNDARY;

export function isImagePreparation(preparation: DataPreparation): preparation is ImagePreparationSpec {
  return 'kind' in preparation && preparation.kind === 'images';
}

/** A stored dataset's id, as `DatasetStore` gives it. */
export function readDatasetId(path: string, value: unknown): string {
  if (typeof value !== 'string' || !DATASET_ID_PATTERN.test(value)) {
    throw B.fail(
      path,
      'must be a stored dataset id: "sha256-" followed by the 64 lowercase hex digits of the SHA-256 of its bytes',
      value,
    );
  }
  return value;
}

/** A file or folder name (no path: the name is for people, the id finds the bytes). */
export function readDatasetName(path: string, value: unknown): string {
  const name = readText(B, path, value, MAX_DATASET_NAME, CONTROL_CHARACTERS.singleLineC1);
  if (name.trim() === '') throw B.fail(path, 'must be a non-empty file or folder name', value);
  if (/[/\\]/.test(name)) throw B.fail(path, 'must be a file or folder name without "/" or "\\"', value);
  return name;
}

/** Reads a preparation spec: an image folder's has `kind: "images"`, a table's has a target. */
export function readDataPreparation(path: string, value: unknown): DataPreparation {
  const fields = readRecord(B, path, value);
  return ownField(fields, 'kind') === undefined
    ? parsePreparationSpec(fields, path)
    : parseImagePreparationSpec(fields, path);
}

/**
 * Reads a data binding at a boundary (a `HyperDriveConfig`, a stored sweep), throwing a
 * ConfigError naming the field (`data.preparation.validationFraction`), the rule and the value.
 */
export function parseDataBinding(value: unknown, path = 'data'): DataBinding {
  const fields = readRecord(B, path, value, 'must be a data binding: { dataset, name, preparation }');
  checkKnownKeys(B, path, fields, DATA_BINDING_KEYS);
  return Object.freeze({
    dataset: readDatasetId(childPath(path, 'dataset'), ownField(fields, 'dataset')),
    name: readDatasetName(childPath(path, 'name'), ownField(fields, 'name')),
    preparation: Object.freeze(readDataPreparation(childPath(path, 'preparation'), ownField(fields, 'preparation'))),
  });
}
