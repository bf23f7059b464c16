import {
  type DataBinding,
  type DataPreparation,
  isImagePreparation,
  readDataPreparation,
  readDatasetId,
  readDatasetName,
} from '../data-binding/index.js';
import { ConfigError } from '../errors.js';
import { atFilePath, field, readObject, rejectUnknownKeys } from './file-fields.js';
import type { SweepFileData, SweepFileDataPreparation } from './sweep-file.js';

/*
 * The sweep file's `data` (Overdrive extension): where the data is, and how it is prepared, in
 * one flat object as a person writes it:
 *
 *   "data": { "path": "penguins.csv", "target": "Species", "task": "classification" }
 *   "data": { "dataset": "sha256-…", "name": "penguins.csv", "target": "Species", "task": "classification", "drop": ["Island"] }
 *
 * `path` is a file beside the spec (the CLI reads it, stores it in the page's dataset store and
 * runs the sweep on the stored copy); `dataset` is a dataset already stored in this browser (the
 * Studio writes it). The preparation fields are those of `PreparationSpec` in snake_case; the
 * preparation's own reader checks them, and its messages are renamed to the file's fields.
 */

/** The keys of the file's `data`, in the order the normalised spec writes them. */
const SOURCE_KEYS = ['path', 'dataset', 'name'] as const;
const TABLE_KEYS = ['target', 'task', 'drop', 'missing', 'categorical', 'validation_fraction', 'seed'] as const;
const IMAGE_KEYS = ['kind', 'size', 'validation_fraction', 'seed'] as const;
export const SWEEP_FILE_DATA_KEYS: readonly string[] = [...new Set([...SOURCE_KEYS, ...TABLE_KEYS, ...IMAGE_KEYS])];

/** The file's snake_case name of a preparation field, and back. */
const FILE_KEY: Readonly<Record<string, string>> = { validationFraction: 'validation_fraction' };
const SPEC_KEY: Readonly<Record<string, string>> = { validation_fraction: 'validationFraction' };

const PATH_RULE =
  'must be the path of a data file (CSV, TSV or JSON) or image folder relative to the spec\'s folder, such as "penguins.csv"';

export function parseData(value: unknown): SweepFileData {
  const path = 'data';
  const fields = readObject(
    path,
    value,
    'must be an object such as {"path": "penguins.csv", "target": "Species", "task": "classification"}',
  );
  rejectUnknownKeys(path, fields, SWEEP_FILE_DATA_KEYS, 'the data');
  const filePath = field(fields, 'path');
  const dataset = field(fields, 'dataset');
  if ((filePath === undefined) === (dataset === undefined)) {
    throw new ConfigError(
      path,
      'needs exactly one of path (a file beside the spec) and dataset (the id of a dataset stored in this browser)',
      value,
    );
  }
  const source =
    filePath !== undefined
      ? { path: readDataPath(`${path}.path`, filePath) }
      : {
          dataset: readDatasetId(`${path}.dataset`, dataset),
          name: readDatasetName(
            `${path}.name`,
            field(fields, 'name') ?? missing(`${path}.name`, 'the file or folder name to show for the dataset'),
          ),
        };
  if (filePath !== undefined && field(fields, 'name') !== undefined) {
    throw new ConfigError(`${path}.name`, 'is taken from the path; give name only with dataset', field(fields, 'name'));
  }
  const preparation: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) {
    if (!(SOURCE_KEYS as readonly string[]).includes(key)) preparation[SPEC_KEY[key] ?? key] = item;
  }
  const read = atFilePath(
    (name) => (name.startsWith(`${path}.`) ? `${path}.${fileKeyOf(name.slice(path.length + 1))}` : name),
    () => readDataPreparation(path, preparation),
  );
  return Object.freeze({ ...source, ...filePreparationOf(read) });
}

function missing(path: string, what: string): never {
  throw new ConfigError(path, `is required with dataset: ${what}`, undefined);
}

function fileKeyOf(specPath: string): string {
  const [head = '', ...rest] = specPath.split('.');
  return [FILE_KEY[head] ?? head, ...rest].join('.');
}

/**
 * A relative path inside the spec's folder, kept as written. Whether it exists and stays inside
 * the folder (no `..` out, no symbolic link out) is the CLI's to check, on the disk.
 */
function readDataPath(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(path, PATH_RULE, value);
  if (value.trim() !== value) throw new ConfigError(path, `${PATH_RULE}, without leading or trailing spaces`, value);
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new ConfigError(path, `${PATH_RULE}, without control characters`, value);
  if (value.length > 1024) throw new ConfigError(path, 'must be at most 1024 characters', value);
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(value)) {
    throw new ConfigError(
      path,
      `${PATH_RULE}; a URL is not fetched (the data stays on this device: download the file beside the spec)`,
      value,
    );
  }
  if (value.startsWith('/') || value.startsWith('\\')) {
    throw new ConfigError(path, `${PATH_RULE}; an absolute path is not allowed`, value);
  }
  return value;
}

/** A preparation spec in the file's field names, every default written out. */
export function filePreparationOf(preparation: DataPreparation): SweepFileDataPreparation {
  if (isImagePreparation(preparation)) {
    return {
      kind: 'images',
      size: [preparation.size[0], preparation.size[1]],
      validation_fraction: preparation.validationFraction,
      seed: preparation.seed,
    };
  }
  return {
    target: preparation.target,
    task: preparation.task,
    drop: [...preparation.drop],
    missing: preparation.missing,
    categorical: preparation.categorical,
    validation_fraction: preparation.validationFraction,
    seed: preparation.seed,
  };
}

/** The file's preparation fields as the engine's `DataPreparation`. */
export function preparationOf(data: SweepFileData): DataPreparation {
  const preparation: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(data)) {
    if (!(SOURCE_KEYS as readonly string[]).includes(key)) preparation[SPEC_KEY[key] ?? key] = item;
  }
  return readDataPreparation('data', preparation);
}

/** A stored dataset's binding as the file's `data`. */
export function fileDataOf(binding: DataBinding): SweepFileData {
  return { dataset: binding.dataset, name: binding.name, ...filePreparationOf(binding.preparation) };
}

/** The binding a file's `data` names, or undefined while it names a file not stored yet (`path`). */
export function bindingOf(data: SweepFileData): DataBinding | undefined {
  if (!('dataset' in data)) return undefined;
  return { dataset: data.dataset, name: data.name, preparation: preparationOf(data) };
}

/**
 * The spec with its `data.path` replaced by the dataset the file was stored as (the CLI stores
 * the file in the page's dataset store first); the preparation is kept as it is.
 */
export function withStoredData<T extends { readonly data?: SweepFileData }>(spec: T, dataset: string, name: string): T {
  if (spec.data === undefined) throw new ConfigError('data', 'is not given, so there is no file to bind', undefined);
  const preparation = filePreparationOf(preparationOf(spec.data));
  return {
    ...spec,
    data: { dataset: readDatasetId('data.dataset', dataset), name: readDatasetName('data.name', name), ...preparation },
  };
}
