import { type DataFormat, decodeUtf8, parseCsv, parseJsonRecords, type RawTable, type RowUnit } from '../data/index.js';

/** JSON by extension (`.json`), or by content when the extension says nothing (`[` first). */
export function tableFormat(name: string, text: string): Exclude<DataFormat, 'images'> {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (/\.(csv|tsv|tab|txt|psv)$/.test(lower)) return 'csv';
  return /^\uFEFF?\s*\[/.test(text.slice(0, 64)) ? 'json' : 'csv';
}

/** A table file's bytes (already size-checked) as a parsed table, strictly UTF-8. */
export function readTable(
  bytes: Uint8Array,
  name: string,
): { table: RawTable; format: Exclude<DataFormat, 'images'>; unit: RowUnit } {
  const text = decodeUtf8(bytes, name);
  const format = tableFormat(name, text);
  if (format === 'json') return { table: parseJsonRecords(text, name), format, unit: 'record' };
  return { table: parseCsv(text, name), format, unit: 'row' };
}
