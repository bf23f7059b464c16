import { cellDate, cellNumber, cellText, type DateOrder, isDayFirst, isMissingCell } from './cells.js';
import { DataError, type RowUnit, showCell } from './data-error.js';
import { HISTOGRAM_BINS, MAX_CATEGORIES, MAX_TOP_CATEGORIES, PREVIEW_ROWS } from './limits.js';
import type { Cell, ColumnKind, ColumnProfile, NumericSummary, RawTable, TableProfile, TaskKind } from './table.js';

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
 * A column's values read once, for the profile and every preparation after it: numbers (numeric
 * columns, and dates in epoch days; NaN = missing) or category codes into `names` (-1 = missing).
 */
export type ColumnData =
  | { readonly kind: 'number'; readonly values: Float64Array; readonly order: DateOrder | null }
  | { readonly kind: 'codes'; readonly codes: Int32Array; readonly names: readonly string[] }
  | { readonly kind: 'empty' };

export interface TableAnalysis {
  readonly profile: TableProfile;
  /** One per column, in the table's order. */
  readonly columns: readonly ColumnData[];
}

/**
 * The profile of a parsed table: each column's kind, missing count, distinct values, numeric
 * summary and histogram (numeric and date columns; dates in epoch days), top values, and a
 * preview. Throws a `DataError` for a mostly numeric column with stray text (naming its rows).
 * `file` names the file in messages; rows are numbered as spreadsheets do (header = row 1), or
 * as records for JSON (`unit` 'record': the first record is record 1).
 */
export function profileTable(table: RawTable, file: string, unit: RowUnit = 'row'): TableProfile {
  return analyseTable(table, file, unit).profile;
}

/** The profile and each column's values as read for it (one pass over the cells, row by row). */
export function analyseTable(table: RawTable, file: string, unit: RowUnit = 'row'): TableAnalysis {
  const rowNumbers = numbering(unit);
  const states = table.columns.map(() => new ColumnState(table.rows.length));
  // Row by row, every column at once: the cells' strings lie in memory in the order they were
  // parsed, so this order reads them sequentially (column by column is several times slower).
  const { rows } = table;
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as readonly Cell[];
    for (let c = 0; c < states.length; c += 1) (states[c] as ColumnState).read(row[c], r);
  }
  const analysed = table.columns.map((name, c) => (states[c] as ColumnState).finish(table, c, name, file, rowNumbers));
  return {
    profile: { rows: rows.length, columns: analysed.map((a) => a.profile), preview: rows.slice(0, PREVIEW_ROWS) },
    columns: analysed.map((a) => a.data),
  };
}

/** The number a message gives the table's row 0: 2 in a CSV (under the header), 1 for a JSON record. */
export function numbering(unit: RowUnit): { readonly unit: RowUnit; readonly first: number } {
  return { unit, first: unit === 'row' ? 2 : 1 };
}

/** A cell read as a number in the first pass. */
const NUMBER = -2;
const MISSING = -1;

/** One column's counts and values while the table is read. */
class ColumnState {
  readonly values: Float64Array;
  readonly codes: Int32Array;
  readonly lookup = new Map<string, number>();
  readonly names: string[] = [];
  readonly counts: number[] = [];
  missing = 0;
  numbers = 0;
  text = 0;
  dates = 0;
  dayFirst = false;
  readonly textRows: number[] = [];

  constructor(rows: number) {
    this.values = new Float64Array(rows);
    this.codes = new Int32Array(rows);
  }

  addText(key: string): number {
    let code = this.lookup.get(key);
    if (code === undefined) {
      code = this.names.length;
      this.lookup.set(key, code);
      this.names.push(key);
      this.counts.push(0);
    }
    this.counts[code] = (this.counts[code] as number) + 1;
    return code;
  }

  read(cell: Cell | undefined, r: number): void {
    // The common cases first: an empty field, then a number (most cells of most files).
    if (cell === null || cell === '' || cell === undefined) {
      this.missing += 1;
      this.values[r] = Number.NaN;
      this.codes[r] = MISSING;
      return;
    }
    const v = cellNumber(cell);
    if (v !== null) {
      this.values[r] = v;
      this.codes[r] = NUMBER;
      this.numbers += 1;
      return;
    }
    this.values[r] = Number.NaN;
    if (isMissingCell(cell)) {
      this.missing += 1;
      this.codes[r] = MISSING;
      return;
    }
    this.text += 1;
    if (this.textRows.length < ROWS_NAMED) this.textRows.push(r);
    this.codes[r] = this.addText(cellText(cell));
    // Date parsing is tried only while every text cell so far was a date.
    if (this.dates === this.text - 1) {
      if (!this.dayFirst && isDayFirst(cell)) this.dayFirst = true;
      if (cellDate(cell, 'dmy') !== null || cellDate(cell, 'mdy') !== null) this.dates += 1;
    }
  }

  finish(
    table: RawTable,
    c: number,
    name: string,
    file: string,
    rowNumbers: { readonly unit: RowUnit; readonly first: number },
  ): { profile: ColumnProfile; data: ColumnData } {
    const { values, codes, names, counts, missing, numbers, text } = this;
    const n = values.length;
    const present = n - missing;
    if (present === 0) return { profile: { name, kind: 'empty', missing, distinct: 0 }, data: { kind: 'empty' } };
    if (text === 0) {
      const present64 = new Float64Array(present);
      let k = 0;
      for (let r = 0; r < n; r += 1) if (codes[r] === NUMBER) present64[k++] = values[r] as number;
      const summary = summarise(present64);
      const { distinct, counts: distinctCounts } = countDistinct(present64, 20);
      const profile: ColumnProfile = { name, kind: 'numeric', missing, distinct, numeric: summary };
      return {
        profile:
          distinctCounts !== null
            ? { ...profile, categories: topCategories(distinctCounts, MAX_TOP_CATEGORIES) }
            : profile,
        data: { kind: 'number', values, order: null },
      };
    }
    const { rows } = table;
    if (numbers >= STRAY_TEXT_SHARE * present && present >= STRAY_TEXT_MIN_VALUES) {
      const first = this.textRows[0] as number;
      const numbered = this.textRows.map((r) => r + rowNumbers.first);
      const more = text > this.textRows.length ? ', ...' : '';
      const which = text > 1 ? `; ${rowNumbers.unit}s ${numbered.join(', ')}${more}` : '';
      throw new DataError(
        { file, row: first + rowNumbers.first, unit: rowNumbers.unit, column: name },
        `${showCell((rows[first] as readonly unknown[])[c])} is not a number in a numeric column (${text} of ${present} values are text${which}); correct them, or leave the cells empty (or write NA) to mark them missing`,
      );
    }
    if (numbers === 0 && this.dates === text) {
      const order: DateOrder = this.dayFirst ? 'dmy' : 'mdy';
      const days = new Float64Array(present);
      let k = 0;
      for (let r = 0; r < n; r += 1) {
        if ((codes[r] as number) < 0) continue;
        const day = cellDate((rows[r] as readonly Cell[])[c], order) ?? Number.NaN;
        values[r] = day;
        days[k++] = day;
      }
      return {
        profile: { name, kind: 'date', missing, distinct: names.length, numeric: summarise(days) },
        data: { kind: 'number', values, order },
      };
    }
    // Categories or text: the cells read as numbers become categories too ("3" beside "three").
    if (numbers > 0) {
      for (let r = 0; r < n; r += 1) {
        if (codes[r] === NUMBER) codes[r] = this.addText(cellText((rows[r] as readonly Cell[])[c]));
      }
    }
    const distinct = names.length;
    const kind: ColumnKind = isCategoricalShape(distinct, present) ? 'categorical' : 'text';
    const countMap = new Map<string, number>();
    for (let k = 0; k < names.length; k += 1) countMap.set(names[k] as string, counts[k] as number);
    return {
      profile: { name, kind, missing, distinct, categories: topCategories(countMap, MAX_TOP_CATEGORIES) },
      data: { kind: 'codes', codes, names },
    };
  }
}

/**
 * How many distinct numbers `values` holds, and each one's count (by its text) when there are at
 * most `listUpTo`. An open-addressing hash table over typed arrays: sorting a copy or a `Set` of
 * numbers took most of a 100,000-row profile's time (boxed keys, a comparator per pair), this
 * is one pass. `values` holds no NaN (only present cells); 0 and -0 count as one, as `===` does.
 */
export function countDistinct(
  values: Float64Array,
  listUpTo: number,
): { readonly distinct: number; readonly counts: Map<string, number> | null } {
  let size = 16;
  while (size < values.length * 2) size *= 2;
  const mask = size - 1;
  const keys = new Float64Array(size);
  const used = new Uint8Array(size);
  const counts = new Int32Array(size);
  const bits = new Float64Array(1);
  const words = new Int32Array(bits.buffer);
  let distinct = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = (values[i] as number) + 0; // -0 → 0, so both hash alike
    bits[0] = v;
    let slot = Math.imul((words[0] as number) ^ Math.imul(words[1] as number, 0x9e3779b1), 0x85ebca6b);
    slot = (slot ^ (slot >>> 15)) & mask;
    while (used[slot] === 1 && keys[slot] !== v) slot = (slot + 1) & mask;
    if (used[slot] === 0) {
      used[slot] = 1;
      keys[slot] = v;
      distinct += 1;
    }
    counts[slot] = (counts[slot] as number) + 1;
  }
  if (distinct > listUpTo) return { distinct, counts: null };
  const listed = new Map<string, number>();
  for (let slot = 0; slot < size; slot += 1) {
    if (used[slot] === 1) listed.set(String(keys[slot]), counts[slot] as number);
  }
  return { distinct, counts: listed };
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
