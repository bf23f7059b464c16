/** Where in the input a problem is: the file always, a row and a column when there is one. */
export interface DataLocation {
  /** The file or folder name as the person picked it (`penguins.csv`). */
  readonly file: string;
  /** 1-based, as a spreadsheet shows it: the header is row 1, the first record row 2 (JSON: record number). */
  readonly row?: number;
  readonly column?: string;
  /** How `row` is counted: `row` (CSV: header = row 1) or `record` (JSON: the array's nth record). */
  readonly unit?: RowUnit;
}

export type RowUnit = 'row' | 'record';

/**
 * Bad data: the message names the file, the row and column where there is one, the value
 * and the rule, e.g. `penguins.csv row 17, column "Body Mass (g)": "abc" is not a number in
 * a numeric column (14 of 344 values are text)`. Raised before anything is stored.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly unit: RowUnit | undefined;
  constructor(
    where: DataLocation,
    /** The rule in words, with the value given where there is one. */
    readonly rule: string,
  ) {
    super(`${describeLocation(where)}: ${rule}`);
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    this.unit = where.unit;
  }
}

export function describeLocation(where: DataLocation): string {
  let text = where.file;
  if (where.row !== undefined) text += ` ${where.unit ?? 'row'} ${where.row}`;
  if (where.column !== undefined) text += `, column ${JSON.stringify(where.column)}`;
  return text;
}

/** A cell for a message: quoted text, capped so that a megabyte cell does not become the message. */
export function showCell(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}
