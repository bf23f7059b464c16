// Regenerates test/fixtures/data/penguins.csv from penguins.json (both from the npm package
// vega-datasets 3.2.1; see test/fixtures/data/SOURCE.md), so the CSV path and the JSON path of
// the data step are tested on the same public records. Missing values become empty fields.
//
//   npx tsx scripts/data-fixtures.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';

const folder = resolve(import.meta.dirname, '../test/fixtures/data');
const records = JSON.parse(readFileSync(resolve(folder, 'penguins.json'), 'utf8')) as Record<string, unknown>[];
const columns: string[] = [];
for (const record of records) for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
const csv = Papa.unparse(
  { fields: columns, data: records.map((r) => columns.map((c) => r[c] ?? null)) },
  { newline: '\n' },
);
writeFileSync(resolve(folder, 'penguins.csv'), `${csv}\n`);
process.stdout.write(`wrote penguins.csv: ${records.length} rows, ${columns.length} columns\n`);
