import Papa from 'papaparse';
import { DataError, showCell } from './data-error.js';
import { MAX_COLUMNS } from './limits.js';
import type { RawTable } from './table.js';

/** The delimiters tried when the file does not say: comma, semicolon (European Excel), tab, pipe. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * A CSV or TSV file's text as a table of text cells (typing is the profile's job). The first
 * record is the header. Quoted fields may hold delimiters, quotes and newlines (RFC 4180);
 * CRLF, LF and a byte-order mark are accepted; the delimiter is detected unless given;
 * blank (and whitespace-only) lines are skipped. Rows are numbered as a spreadsheet shows them: the header is row 1.
 */
export function parseCsv(text: string, file: string, options: { readonly delimiter?: string } = {}): RawTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DataError({ file }, 'the file is empty (no header row)');
  const result = Papa.parse<string[]>(body, {
    delimiter: options.delimiter ?? '',
    delimitersToGuess: [...CSV_DELIMITERS],
    // `true`, not 'greedy': greedy joins and trims every row to test it (a third of the parse
    // time at 100,000 rows); whitespace-only lines are dropped below instead.
    skipEmptyLines: true,
    header: false,
    dynamicTyping: false,
  });
  for (const error of result.errors) {
    // A one-column file has no delimiter to detect: that is not an error.
    if (error.code === 'UndetectableDelimiter') continue;
    const row = error.row === undefined ? undefined : error.row + 1;
    throw new DataError(
      row === undefined ? { file } : { file, row },
      error.code === 'MissingQuotes'
        ? 'a quoted field is not closed (a `"` opens a field that runs to the end of the file)'
        : `${error.message} (${error.code})`,
    );
  }
  const data = result.data.filter((row) => !(row.length === 1 && (row[0] as string).trim() === ''));
  const [header, ...records] = data;
  if (header === undefined) throw new DataError({ file }, 'the file is empty (no header row)');
  const columns = header.map((name) => name.trim());
  checkHeader(columns, file, result.meta.delimiter);
  if (records.length === 0) throw new DataError({ file }, 'the file has a header row but no data rows');
  for (let r = 0; r < records.length; r += 1) {
    const record = records[r] as string[];
    if (record.length !== columns.length) {
      throw new DataError(
        { file, row: r + 2 },
        `has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${columns.length} (delimiter ${showCell(result.meta.delimiter)}); every row needs one field per column`,
      );
    }
  }
  return { columns, rows: records };
}

/** Column names: none empty, none repeated, not too many. Shared by the CSV and JSON readers. */
export function checkHeader(columns: readonly string[], file: string, delimiter?: string): void {
  if (columns.length > MAX_COLUMNS) {
    throw new DataError({ file, row: 1 }, `has ${columns.length} columns; the limit is ${MAX_COLUMNS}`);
  }
  const seen = new Map<string, number>();
  for (let c = 0; c < columns.length; c += 1) {
    const name = columns[c] as string;
    if (name === '') {
      throw new DataError(
        { file, row: 1 },
        `column ${c + 1} has no name${delimiter === undefined ? '' : ` (delimiter ${showCell(delimiter)})`}; every column needs a header`,
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(
        { file, row: 1, column: name },
        `the column name is used twice (columns ${first + 1} and ${c + 1}); column names must be unique`,
      );
    }
    seen.set(name, c);
  }
}
