import {
  CONFIG_BOUNDARY,
  checkKnownKeys,
  childPath,
  itemPath,
  ownField,
  readArray,
  readFinite,
  readInteger,
  readOneOf,
  readRecord,
  readText,
} from '../validate/index.js';
import { MAX_COLUMNS } from './limits.js';
import { TASK_KINDS, type TaskKind } from './table.js';

/** Preparation as data: stored with the sweep's data binding, applied identically in every trial. */
export interface PreparationSpec {
  readonly target: string;
  readonly task: TaskKind;
  /** Columns left out (besides the target). */
  readonly drop: readonly string[];
  /** `impute`: the training split's mean (numeric, date) or most frequent value (categorical). */
  readonly missing: 'drop-rows' | 'impute';
  /** `index`: one number per categorical column (0..n-1, n for a value training never saw), for an embedding. */
  readonly categorical: 'one-hot' | 'index';
  /** In (0, 0.5]. */
  readonly validationFraction: number;
  /** The split's seed. */
  readonly seed: number;
}

/** An image folder's preparation: every image resized to `size` ([height, width]), RGB in [0, 1]. */
export interface ImagePreparationSpec {
  readonly kind: 'images';
  readonly size: readonly [number, number];
  readonly validationFraction: number;
  readonly seed: number;
}

export const MISSING_MODES = ['drop-rows', 'impute'] as const;
export const CATEGORICAL_MODES = ['one-hot', 'index'] as const;
export const DEFAULT_VALIDATION_FRACTION = 0.2;
export const DEFAULT_SPLIT_SEED = 0;
/** Image sides a browser trains on: 8 px is the smallest a conv stack can shrink, 512 already large. */
export const IMAGE_SIDE = { min: 8, max: 512, default: 32 } as const;

/** The fields a preparation spec may have; the sweep file puts them beside `path`/`dataset`. */
export const PREPARATION_FIELDS = [
  'target',
  'task',
  'drop',
  'missing',
  'categorical',
  'validationFraction',
  'seed',
] as const;
export const IMAGE_PREPARATION_FIELDS = ['kind', 'size', 'validationFraction', 'seed'] as const;

const B = CONFIG_BOUNDARY;

/** The defaults for everything but the target and task. */
export function preparationSpec(
  target: string,
  task: TaskKind,
  rest: Partial<Omit<PreparationSpec, 'target' | 'task'>> = {},
): PreparationSpec {
  return {
    target,
    task,
    drop: rest.drop ?? [],
    missing: rest.missing ?? 'impute',
    categorical: rest.categorical ?? 'one-hot',
    validationFraction: rest.validationFraction ?? DEFAULT_VALIDATION_FRACTION,
    seed: rest.seed ?? DEFAULT_SPLIT_SEED,
  };
}

/**
 * Reads a preparation spec at a boundary (sweep file, stored binding, share link), throwing a
 * `ConfigError` that names the field (`path.validationFraction`), the rule and the value.
 * `target` and `task` are required; the rest default to drop nothing, impute, one-hot,
 * validation 0.2, seed 0.
 */
export function parsePreparationSpec(raw: unknown, path = 'preparation'): PreparationSpec {
  const fields = readRecord(B, path, raw);
  checkKnownKeys(B, path, fields, PREPARATION_FIELDS);
  const target = readColumnName(childPath(path, 'target'), ownField(fields, 'target'));
  const task = readOneOf(B, childPath(path, 'task'), ownField(fields, 'task'), TASK_KINDS);
  const dropRaw = ownField(fields, 'drop');
  const drop =
    dropRaw === undefined
      ? []
      : readArray(B, childPath(path, 'drop'), dropRaw, MAX_COLUMNS).map((name, i) =>
          readColumnName(itemPath(childPath(path, 'drop'), i), name),
        );
  const missingRaw = ownField(fields, 'missing');
  const categoricalRaw = ownField(fields, 'categorical');
  const seedRaw = ownField(fields, 'seed');
  return {
    target,
    task,
    drop,
    missing: missingRaw === undefined ? 'impute' : readOneOf(B, childPath(path, 'missing'), missingRaw, MISSING_MODES),
    categorical:
      categoricalRaw === undefined
        ? 'one-hot'
        : readOneOf(B, childPath(path, 'categorical'), categoricalRaw, CATEGORICAL_MODES),
    validationFraction: readFraction(childPath(path, 'validationFraction'), ownField(fields, 'validationFraction')),
    seed: seedRaw === undefined ? DEFAULT_SPLIT_SEED : readInteger(B, childPath(path, 'seed'), seedRaw, 0, 2 ** 32 - 1),
  };
}

/** Reads an image folder's preparation spec (`kind: "images"`), naming the field on failure. */
export function parseImagePreparationSpec(raw: unknown, path = 'preparation'): ImagePreparationSpec {
  const fields = readRecord(B, path, raw);
  checkKnownKeys(B, path, fields, IMAGE_PREPARATION_FIELDS);
  readOneOf(B, childPath(path, 'kind'), ownField(fields, 'kind'), ['images'] as const);
  const sizeRaw = ownField(fields, 'size');
  let size: readonly [number, number] = [IMAGE_SIDE.default, IMAGE_SIDE.default];
  if (sizeRaw !== undefined) {
    const sizePath = childPath(path, 'size');
    const pair = readArray(B, sizePath, sizeRaw, 2);
    if (pair.length !== 2) throw B.fail(sizePath, 'must be [height, width]', sizeRaw);
    size = [
      readInteger(B, itemPath(sizePath, 0), pair[0], IMAGE_SIDE.min, IMAGE_SIDE.max),
      readInteger(B, itemPath(sizePath, 1), pair[1], IMAGE_SIDE.min, IMAGE_SIDE.max),
    ];
  }
  const seedRaw = ownField(fields, 'seed');
  return {
    kind: 'images',
    size,
    validationFraction: readFraction(childPath(path, 'validationFraction'), ownField(fields, 'validationFraction')),
    seed: seedRaw === undefined ? DEFAULT_SPLIT_SEED : readInteger(B, childPath(path, 'seed'), seedRaw, 0, 2 ** 32 - 1),
  };
}

function readFraction(path: string, value: unknown): number {
  if (value === undefined) return DEFAULT_VALIDATION_FRACTION;
  const fraction = readFinite(B, path, value);
  if (fraction <= 0 || fraction > 0.5) throw B.fail(path, 'must be a number in (0, 0.5]', value);
  return fraction;
}

function readColumnName(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw B.fail(path, 'must be a column name (a non-empty string)', value);
  return readText(B, path, value, 1000);
}
