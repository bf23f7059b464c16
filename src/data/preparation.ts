import { cellDate, cellNumber, cellText, type DateOrder, isMissingCell } from './cells.js';
import { DataError, type RowUnit, showCell } from './data-error.js';
import { MAX_CLASSES } from './limits.js';
import type { PreparationSpec } from './preparation-spec.js';
import { analyseTable, type ColumnData, type TableAnalysis, topCategories } from './profile.js';
import { splitRows } from './split.js';
import type { Cell, ColumnProfile, RawTable, TaskKind } from './table.js';

/**
 * A preparation fitted on the training split only; JSON-serialisable. Exported beside
 * model.json as preparation.json, so the model can be used outside Overdrive exactly as trained.
 */
export interface FittedPreparation {
  readonly version: 1;
  readonly spec: PreparationSpec;
  /** In input-vector order. */
  readonly features: readonly FeatureEncoding[];
  readonly inputSize: number;
  /** Classification: the class names in output order (y holds their indices). */
  readonly classes: readonly string[] | null;
  /** Regression: how y was scaled, y' = (y - mean) / std; predictions are y' × std + mean. */
  readonly target: { readonly mean: number; readonly std: number } | null;
  readonly missingReport: {
    /** Rows left out: those without a target value, and with `drop-rows` those missing any feature. */
    readonly droppedRows: number;
    /** Cells filled in (training and validation), per column, with the value used (in the column's own units). */
    readonly imputed: readonly { readonly column: string; readonly count: number; readonly value: Cell }[];
  };
  readonly rows: { readonly train: number; readonly validation: number };
  /** Columns neither dropped nor usable as they are (free text, empty), left out with the reason. */
  readonly ignored: readonly { readonly column: string; readonly reason: string }[];
}

/**
 * How one column becomes inputs. Numbers and dates (as days since 1970-01-01 UTC) are
 * standardised with the training split's mean and standard deviation (a constant column's std
 * is taken as 1, so it encodes as 0). Categories are the training split's values, sorted; a
 * value training never saw is all zeros (one-hot) or `categories.length` (index). `fill` is
 * what a missing cell becomes with `impute`: the training mean (numbers, dates) or most
 * frequent category.
 */
export type FeatureEncoding =
  | { readonly kind: 'numeric'; readonly column: string; readonly mean: number; readonly std: number }
  | { readonly kind: 'one-hot'; readonly column: string; readonly categories: readonly string[]; readonly fill: string }
  | { readonly kind: 'index'; readonly column: string; readonly categories: readonly string[]; readonly fill: string }
  | {
      readonly kind: 'date';
      readonly column: string;
      readonly mean: number;
      readonly std: number;
      /** How `01/02/2024` reads in this column. */
      readonly order: DateOrder;
    };

/** An image folder's preparation (see ImagePreparationSpec): RGB scaled to [0, 1], no other fitting. */
export interface ImagePreparation {
  readonly version: 1;
  readonly kind: 'images';
  readonly size: readonly [number, number];
  readonly classes: readonly string[];
  readonly validationFraction: number;
  readonly seed: number;
}

/** What a trial trains on (typed arrays: transferable). x is row-major, `inputShape` per example. */
export interface PreparedData {
  readonly xTrain: Float32Array;
  readonly yTrain: Float32Array;
  readonly xValidation: Float32Array;
  readonly yValidation: Float32Array;
  /** [features] for tables, [h, w, 3] for images. */
  readonly inputShape: readonly number[];
  /** y holds class indices for classification. */
  readonly classes: readonly string[] | null;
  readonly task: TaskKind;
  readonly preparation: FittedPreparation | ImagePreparation;
}

export interface FitOptions {
  /** Names the file in error messages. */
  readonly file?: string;
  /** How rows are numbered in messages (`record` for JSON). */
  readonly unit?: RowUnit;
  /** The table's analysis, when already computed (the data worker analyses once per file). */
  readonly analysis?: TableAnalysis;
}

/** A used column's values: numbers (NaN = missing) or category codes (-1 = missing). */
type ColumnValues = Exclude<ColumnData, { kind: 'empty' }>;

/**
 * Fits `spec` on `table` and encodes it: drops the columns named, handles missing values, splits
 * (seeded; stratified for classification), fits the standardisation and categories on the
 * training split only, and writes x and y as Float32Arrays. Deterministic for a spec.
 */
export function fitPreparation(
  table: RawTable,
  spec: PreparationSpec,
  options: FitOptions = {},
): { fitted: FittedPreparation; data: PreparedData } {
  const file = options.file ?? 'the data';
  const unit = options.unit ?? 'row';
  const index = new Map(table.columns.map((name, c) => [name, c]));
  const columnIndex = (name: string, field: string): number => {
    const c = index.get(name);
    if (c === undefined) {
      throw new DataError(
        { file, column: name },
        `there is no such column (${field}); the columns are ${table.columns.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return c;
  };
  const targetIndex = columnIndex(spec.target, 'target');
  for (const name of spec.drop) {
    columnIndex(name, 'drop');
    if (name === spec.target) throw new DataError({ file, column: name }, 'is the target, so it cannot be dropped');
  }
  const analysis = options.analysis ?? analyseTable(table, file, unit);
  const profiles = new Map(analysis.profile.columns.map((p) => [p.name, p]));
  const dataOf = (c: number): ColumnData => analysis.columns[c] as ColumnData;
  const targetProfile = profiles.get(spec.target) as ColumnProfile;
  const n = table.rows.length;

  // The target: class codes, or numbers.
  let classes: string[] | null = null;
  let targetCodes: Int32Array | null = null;
  let targetValues: Float64Array | null = null;
  if (spec.task === 'classification') {
    const read = codesOf(dataOf(targetIndex));
    classes = orderClasses(read.names);
    if (classes.length < 2) {
      throw new DataError(
        { file, column: spec.target },
        classes.length === 0
          ? 'the target has no values'
          : `the target has one class (${showCell(classes[0])}); classification needs at least 2`,
      );
    }
    if (classes.length > MAX_CLASSES) {
      throw new DataError(
        { file, column: spec.target },
        `the target has ${classes.length} classes; the limit is ${MAX_CLASSES}${targetProfile.kind === 'numeric' ? ' (a numeric target with many values is a regression task)' : ''}`,
      );
    }
    const remap = read.names.map((name) => (classes as string[]).indexOf(name));
    targetCodes = read.codes.map((code) => (code < 0 ? -1 : (remap[code] as number)));
  } else {
    if (targetProfile.kind !== 'numeric') {
      throw new DataError(
        { file, column: spec.target },
        `the target is ${targetProfile.kind}; regression needs a numeric target (choose classification, or another column)`,
      );
    }
    targetValues = (dataOf(targetIndex) as { values: Float64Array }).values;
  }

  // The features, in the table's column order.
  const dropped = new Set(spec.drop);
  const ignored: { column: string; reason: string }[] = [];
  const used: { name: string; c: number; profile: ColumnProfile; values: ColumnValues }[] = [];
  for (let c = 0; c < table.columns.length; c += 1) {
    const name = table.columns[c] as string;
    if (c === targetIndex || dropped.has(name)) continue;
    const p = profiles.get(name) as ColumnProfile;
    if (p.kind === 'text') {
      ignored.push({ column: name, reason: `free text (${p.distinct} distinct values): not encoded` });
      continue;
    }
    if (p.kind === 'empty') {
      ignored.push({ column: name, reason: 'empty: no values' });
      continue;
    }
    used.push({ name, c, profile: p, values: dataOf(c) as ColumnValues });
  }
  if (used.length === 0) {
    throw new DataError(
      { file },
      `no columns are left to learn from (target ${JSON.stringify(spec.target)}${spec.drop.length > 0 ? `, ${spec.drop.length} dropped` : ''}${ignored.length > 0 ? `, ${ignored.length} text or empty` : ''})`,
    );
  }

  // Rows kept: a target value always; with drop-rows, every used feature too.
  const isPresent = (v: ColumnValues, r: number): boolean =>
    v.kind === 'number' ? !Number.isNaN(v.values[r] as number) : (v.codes[r] as number) >= 0;
  const kept: number[] = [];
  for (let r = 0; r < n; r += 1) {
    if (targetCodes !== null ? (targetCodes[r] as number) < 0 : Number.isNaN(targetValues?.[r] as number)) continue;
    if (spec.missing === 'drop-rows' && !used.every((u) => isPresent(u.values, r))) continue;
    kept.push(r);
  }
  const labels = targetCodes === null ? null : kept.map((r) => targetCodes[r] as number);
  const split = splitRows(kept.length, spec.validationFraction, spec.seed, labels);
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new DataError(
      { file },
      `only ${kept.length} row${kept.length === 1 ? '' : 's'} ${spec.missing === 'drop-rows' ? 'have no missing values' : 'have a target value'}: too few for a training and a validation split (validation ${spec.validationFraction})`,
    );
  }
  const trainRows = Array.from(split.train, (i) => kept[i] as number);
  const validationRows = Array.from(split.validation, (i) => kept[i] as number);

  // Fit on the training rows only.
  const features: FeatureEncoding[] = [];
  const imputed: { column: string; count: number; value: Cell }[] = [];
  for (const u of used) {
    let missingCount = 0;
    for (const r of kept) if (!isPresent(u.values, r)) missingCount += 1;
    if (u.values.kind === 'number') {
      const { mean, std } = meanStd(u.values.values, trainRows);
      const encoding: FeatureEncoding =
        u.profile.kind === 'date'
          ? { kind: 'date', column: u.name, mean, std, order: u.values.order ?? 'mdy' }
          : { kind: 'numeric', column: u.name, mean, std };
      features.push(encoding);
      if (missingCount > 0) imputed.push({ column: u.name, count: missingCount, value: mean });
    } else {
      const counts = new Map<string, number>();
      for (const r of trainRows) {
        const code = u.values.codes[r] as number;
        if (code >= 0) {
          const name = u.values.names[code] as string;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
      const categories = [...counts.keys()].sort(compareText);
      const fill = topCategories(counts, 1)[0]?.value ?? (categories[0] as string);
      features.push({ kind: spec.categorical, column: u.name, categories, fill });
      if (missingCount > 0) imputed.push({ column: u.name, count: missingCount, value: fill });
    }
  }
  let target: { mean: number; std: number } | null = null;
  if (targetValues !== null) target = meanStd(targetValues, trainRows);

  const widths = features.map(featureWidth);
  const inputSize = widths.reduce((a, b) => a + b, 0);
  const encode = (rows: number[]): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(rows.length * inputSize);
    const y = new Float32Array(rows.length);
    let offset = 0;
    for (let f = 0; f < features.length; f += 1) {
      const feature = features[f] as FeatureEncoding;
      const values = (used[f] as (typeof used)[number]).values;
      writeColumn(x, rows, offset, inputSize, feature, values);
      offset += widths[f] as number;
    }
    for (let i = 0; i < rows.length; i += 1) {
      const r = rows[i] as number;
      y[i] =
        targetCodes !== null
          ? (targetCodes[r] as number)
          : ((targetValues?.[r] as number) - (target as { mean: number }).mean) / (target as { std: number }).std;
    }
    return { x, y };
  };
  const train = encode(trainRows);
  const validation = encode(validationRows);
  const fitted: FittedPreparation = {
    version: 1,
    spec,
    features,
    inputSize,
    classes,
    target,
    missingReport: { droppedRows: n - kept.length, imputed },
    rows: { train: trainRows.length, validation: validationRows.length },
    ignored,
  };
  return {
    fitted,
    data: {
      xTrain: train.x,
      yTrain: train.y,
      xValidation: validation.x,
      yValidation: validation.y,
      inputShape: [inputSize],
      classes,
      task: spec.task,
      preparation: fitted,
    },
  };
}

/**
 * One record (column name → cell, e.g. typed into the "Try it" panel) encoded as the model's
 * input vector, exactly as training rows were. Missing cells are filled as in training with
 * `impute`; with `drop-rows` (the model never saw a gap) a missing cell is an error naming it,
 * as is a number column given text.
 */
export function encodeRecord(fitted: FittedPreparation, record: Readonly<Record<string, Cell>>): Float32Array {
  const x = new Float32Array(fitted.inputSize);
  let offset = 0;
  for (const feature of fitted.features) {
    const cell = Object.hasOwn(record, feature.column) ? record[feature.column] : null;
    const missing = isMissingCell(cell);
    if (missing && fitted.spec.missing === 'drop-rows') {
      throw new DataError(
        { file: 'the record', column: feature.column },
        'is missing; this model was trained with rows missing values left out, so every column needs a value',
      );
    }
    switch (feature.kind) {
      case 'numeric':
      case 'date': {
        let value = feature.mean;
        if (!missing) {
          const read = feature.kind === 'numeric' ? cellNumber(cell) : cellDate(cell, feature.order);
          if (read === null) {
            throw new DataError(
              { file: 'the record', column: feature.column },
              `${showCell(cell)} is not a ${feature.kind === 'numeric' ? 'number' : 'date (e.g. 2024-03-05)'}`,
            );
          }
          value = read;
        }
        x[offset] = (value - feature.mean) / feature.std;
        offset += 1;
        break;
      }
      case 'one-hot': {
        const at = feature.categories.indexOf(missing ? feature.fill : cellText(cell));
        if (at >= 0) x[offset + at] = 1;
        offset += feature.categories.length;
        break;
      }
      case 'index': {
        const at = feature.categories.indexOf(missing ? feature.fill : cellText(cell));
        x[offset] = at >= 0 ? at : feature.categories.length;
        offset += 1;
        break;
      }
    }
  }
  return x;
}

/** Inputs a feature takes in the vector. */
export function featureWidth(feature: FeatureEncoding): number {
  return feature.kind === 'one-hot' ? feature.categories.length : 1;
}

function writeColumn(
  x: Float32Array,
  rows: readonly number[],
  offset: number,
  stride: number,
  feature: FeatureEncoding,
  values: ColumnValues,
): void {
  if (feature.kind === 'numeric' || feature.kind === 'date') {
    const v = (values as { values: Float64Array }).values;
    for (let i = 0; i < rows.length; i += 1) {
      const raw = v[rows[i] as number] as number;
      // A missing number is the training mean: 0 once standardised.
      x[i * stride + offset] = Number.isNaN(raw) ? 0 : (raw - feature.mean) / feature.std;
    }
    return;
  }
  const { codes, names } = values as { codes: Int32Array; names: readonly string[] };
  const position = new Map(feature.categories.map((name, k) => [name, k]));
  const fill = position.get(feature.fill) ?? -1;
  // Code → position in the fitted categories (-1: never seen in training).
  const map = names.map((name) => position.get(name) ?? -1);
  for (let i = 0; i < rows.length; i += 1) {
    const code = codes[rows[i] as number] as number;
    const at = code < 0 ? fill : (map[code] as number);
    if (feature.kind === 'one-hot') {
      if (at >= 0) x[i * stride + offset + at] = 1;
    } else x[i * stride + offset] = at >= 0 ? at : feature.categories.length;
  }
}

function meanStd(values: Float64Array, rows: readonly number[]): { mean: number; std: number } {
  let sum = 0;
  let count = 0;
  for (const r of rows) {
    const v = values[r] as number;
    if (!Number.isNaN(v)) {
      sum += v;
      count += 1;
    }
  }
  const mean = count === 0 ? 0 : sum / count;
  let squares = 0;
  for (const r of rows) {
    const v = values[r] as number;
    if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  }
  const std = count === 0 ? 0 : Math.sqrt(squares / count);
  return { mean, std: std > 0 ? std : 1 };
}

/** Category codes of a column: its own, or its numbers' texts (a numeric column used as classes). */
function codesOf(data: ColumnData): { codes: Int32Array; names: string[] } {
  if (data.kind === 'codes') return { codes: data.codes, names: [...data.names] };
  if (data.kind === 'empty') return { codes: new Int32Array(0), names: [] };
  const codes = new Int32Array(data.values.length);
  const names: string[] = [];
  const lookup = new Map<number, number>();
  for (let r = 0; r < data.values.length; r += 1) {
    const v = data.values[r] as number;
    if (Number.isNaN(v)) {
      codes[r] = -1;
      continue;
    }
    let code = lookup.get(v);
    if (code === undefined) {
      code = names.length;
      names.push(String(v));
      lookup.set(v, code);
    }
    codes[r] = code;
  }
  return { codes, names };
}

/** Class names sorted: numerically when they are all numbers ("2" before "10"), else by code point. */
function orderClasses(names: readonly string[]): string[] {
  if (names.every((name) => cellNumber(name) !== null)) {
    return [...names].sort((a, b) => (cellNumber(a) as number) - (cellNumber(b) as number) || compareText(a, b));
  }
  return [...names].sort(compareText);
}

/** Code-point order: the same on every machine and locale (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
