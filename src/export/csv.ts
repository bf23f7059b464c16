/**
 * RFC 4180 CSV cells and rows, safe to open in a spreadsheet.
 *
 * CSV injection: a spreadsheet runs a cell whose text starts with `=`, `+`, `-` or `@` as a
 * formula (and a leading tab or carriage return can hide one), so such a cell gets a leading
 * `'`, which spreadsheets treat as "text follows" (OWASP's advice). Plain numbers are left as
 * they are (`-0.5`, `-1e-7`, and `-Infinity`, which is no formula), so they stay numbers.
 * The `'` is part of the data for any other reader; that is the price of opening safely in
 * Excel, LibreOffice and Google Sheets.
 */

export interface CsvOptions {
  /** Starts the text with a UTF-8 byte-order mark, which Excel needs to read UTF-8. Default false. */
  readonly bom?: boolean;
  /** Default `\r\n`, as RFC 4180 says. */
  readonly newline?: '\r\n' | '\n';
}

export type CsvValue = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text of one cell: protected against formula injection, quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  // Numbers and booleans print as JavaScript writes them: NaN, Infinity, 1e-7, true.
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV text from a header and rows (each row as long as the header). */
export function csvText(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
  options: CsvOptions = {},
): string {
  const newline = options.newline ?? '\r\n';
  const lines: string[] = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return (options.bom === true ? '\uFEFF' : '') + lines.join(newline) + newline;
}
