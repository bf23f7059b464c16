import { cellDate, cellNumber, cellText, type DateOrder, isDayFirst, isMissingCell } from './cells.js';
import { DataError, type RowUnit, showCell } from './data-error.js';
import { HISTOGRAM_BINS, MAX_CATEGORIES, MAX_TOP_CATEGORIES, PREVIEW_ROWS } from './limits.js';
import type { ColumnKind, ColumnProfile, NumericSummary, RawTable, TableProfile, TaskKind } from './table.js';

/**
 * A column is numeric when every present cell is a number. When at least this share is numbers
 * and the rest is text, the text is taken for a typo, not a category: the profile refuses the
 * file naming the rows, instead of quietly turning a measurement into thousands of categories.
 */
export const STRAY_TEXT_SHARE = 0.9;
/** Below this many present values a column is too short to call the odd text a typo. */
const STRAY_TEXT_MIN_VALUES = 10;
/** Rows named in a stray-text message. */
const ROWS_NAMED = 5;

/**
 * Categorical when the distinct values are few next to the rows (at most half the present
 * values, and at most `MAX_CATEGORIES`); otherwise free text, which a model cannot use as it is.
 */
export function isCategoricalShape(distinct: number, present: number): boolean {
  return distinct <= MAX_CATEGORIES && distinct <= Math.max(2, present / 2);
}

/**
 * The profile of a parsed table: each column's kind, missing count, distinct values, numeric
 * summary and histogram (numeric and date columns; dates in epoch days), top values, and a
 * preview. Throws a `DataError` for a mostly numeric column with stray text (naming its rows).
 * `file` names the file in messages; rows are numbered as spreadsheets do (header = row 1), or
 * as records for JSON (`unit` 'record': the first record is record 1).
 */
export function profileTable(table: RawTable, file: string, unit: RowUnit = 'row'): TableProfile {
  const rowNumbers = numbering(unit);
  const columns = table.columns.map((name, c) => profileColumn(table, c, name, file, rowNumbers));
  return { rows: table.rows.length, columns, preview: table.rows.slice(0, PREVIEW_ROWS) };
}

/** The number a message gives the table's row 0: 2 in a CSV (under the header), 1 for a JSON record. */
export function numbering(unit: RowUnit): { readonly unit: RowUnit; readonly first: number } {
  return { unit, first: unit === 'row' ? 2 : 1 };
}

function profileColumn(
  table: RawTable,
  c: number,
  name: string,
  file: string,
  rowNumbers: { readonly unit: RowUnit; readonly first: number },
): ColumnProfile {
  const { rows } = table;
  const counts = new Map<string, number>();
  let missing = 0;
  let numbers = 0;
  let dates = 0;
  let dayFirst = false;
  const textRows: number[] = [];
  for (let r = 0; r < rows.length; r += 1) {
    const cell = (rows[r] as readonly unknown[])[c];
    if (isMissingCell(cell)) {
      missing += 1;
      continue;
    }
    const key = cellText(cell);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (cellNumber(cell) !== null) numbers += 1;
    else {
      if (textRows.length < ROWS_NAMED) textRows.push(r);
      if (!dayFirst && isDayFirst(cell)) dayFirst = true;
      if (cellDate(cell, 'dmy') !== null || cellDate(cell, 'mdy') !== null) dates += 1;
    }
  }
  const present = rows.length - missing;
  const distinct = counts.size;
  const base = { name, missing, distinct };
  if (present === 0) return { ...base, kind: 'empty' };
  const text = present - numbers;
  if (text === 0) {
    const values = collect(rows, c, (cell) => cellNumber(cell));
    return withCategories({ ...base, kind: 'numeric', numeric: summarise(values) }, counts, distinct <= 20);
  }
  if (numbers >= STRAY_TEXT_SHARE * present && present >= STRAY_TEXT_MIN_VALUES) {
    const first = textRows[0] as number;
    const numbered = textRows.map((r) => r + rowNumbers.first);
    const more = text > textRows.length ? ', ...' : '';
    const which = text > 1 ? `; ${rowNumbers.unit}s ${numbered.join(', ')}${more}` : '';
    throw new DataError(
      { file, row: first + rowNumbers.first, unit: rowNumbers.unit, column: name },
      `${showCell((rows[first] as readonly unknown[])[c])} is not a number in a numeric column (${text} of ${present} values are text${which}); correct them, or leave the cells empty (or write NA) to mark them missing`,
    );
  }
  if (dates === present && numbers === 0) {
    const order: DateOrder = dayFirst ? 'dmy' : 'mdy';
    const values = collect(rows, c, (cell) => cellDate(cell, order));
    return { ...base, kind: 'date', numeric: summarise(values) };
  }
  const kind: ColumnKind = isCategoricalShape(distinct, present) ? 'categorical' : 'text';
  return withCategories({ ...base, kind }, counts, true);
}

/** The present values of a column through `read` (which returns null for cells it does not take). */
function collect(rows: RawTable['rows'], c: number, read: (cell: unknown) => number | null): Float64Array {
  const out = new Float64Array(rows.length);
  let n = 0;
  for (let r = 0; r < rows.length; r += 1) {
    const cell = (rows[r] as readonly unknown[])[c];
    if (isMissingCell(cell)) continue;
    const v = read(cell);
    if (v !== null) out[n++] = v;
  }
  return out.subarray(0, n);
}

function withCategories(profile: ColumnProfile, counts: Map<string, number>, include: boolean): ColumnProfile {
  if (!include) return profile;
  return { ...profile, categories: topCategories(counts, MAX_TOP_CATEGORIES) };
}

/** Most frequent first; ties in value order, so the list is the same for the same data. */
export function topCategories(counts: ReadonlyMap<string, number>, limit: number): { value: string; count: number }[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

export function summarise(values: Float64Array): NumericSummary {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let integers = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / values.length);
  return { min, max, mean, std, histogram: histogram(values, min, max), integers };
}

function histogram(values: Float64Array, min: number, max: number): { edges: number[]; counts: number[] } {
  if (min === max) return { edges: [min - 0.5, max + 0.5], counts: [values.length] };
  const bins = HISTOGRAM_BINS;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = Math.min(bins - 1, Math.floor((v - min) / width));
    counts[i] = (counts[i] as number) + 1;
  }
  return { edges, counts };
}

/**
 * The task a target column suggests: a numeric column of whole numbers with at most 10 distinct
 * values (a 0/1 label, a 1–5 rating) or any non-numeric column is classification; other numbers
 * and dates are regression. The person can always choose the other.
 */
export function suggestTask(column: ColumnProfile): TaskKind {
  if (column.kind === 'numeric') {
    return column.numeric?.integers === true && column.distinct <= 10 ? 'classification' : 'regression';
  }
  return column.kind === 'date' ? 'regression' : 'classification';
}
