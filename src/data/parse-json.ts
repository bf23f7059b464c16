import { DataError, showCell } from './data-error.js';
import { checkHeader } from './parse-csv.js';
import type { Cell, RawTable } from './table.js';

/**
 * A JSON array of records as a table. The columns are the keys of all records united, in the
 * order they are first seen; a key a record lacks is a missing cell. Values keep their JSON
 * type (number, string, boolean, null). A nested object or array is refused, naming the record
 * and key: flattening it would invent columns the person never named. Records are numbered
 * from 1 (`record 3`), as the array's nth entry.
 */
export function parseJsonRecords(text: string, file: string): RawTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DataError({ file }, 'the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new DataError({ file }, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(value)) {
    throw new DataError(
      { file },
      `must be a JSON array of records ([{"column": value, ...}, ...]); got ${value === null ? 'null' : typeof value}`,
    );
  }
  if (value.length === 0) throw new DataError({ file }, 'the array holds no records');
  const index = new Map<string, number>();
  const columns: string[] = [];
  for (let r = 0; r < value.length; r += 1) {
    const record: unknown = value[r];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new DataError(
        { file, row: r + 1, unit: 'record' },
        `must be an object of column: value; got ${Array.isArray(record) ? 'an array' : showCell(record)}`,
      );
    }
    for (const key of Object.keys(record)) {
      if (!index.has(key)) {
        index.set(key, columns.length);
        columns.push(key);
      }
    }
  }
  checkHeader(columns, file);
  const rows: Cell[][] = new Array(value.length);
  for (let r = 0; r < value.length; r += 1) {
    const record = value[r] as Record<string, unknown>;
    const row: Cell[] = new Array<Cell>(columns.length).fill(null);
    for (const key of Object.keys(record)) {
      const cell = record[key];
      if (cell !== null && typeof cell === 'object') {
        throw new DataError(
          { file, row: r + 1, unit: 'record', column: key },
          `holds a nested ${Array.isArray(cell) ? 'array' : 'object'}; each value must be a number, string, true/false or null`,
        );
      }
      if (typeof cell === 'number' && !Number.isFinite(cell)) row[index.get(key) as number] = null;
      else row[index.get(key) as number] = cell as Cell;
    }
    rows[r] = row;
  }
  return { columns, rows };
}
