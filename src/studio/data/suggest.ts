import type { ColumnProfile, TableProfile } from '../engine.js';

/** Column names that usually hold what a table is about: matched whole, case and separators ignored. */
const TARGET_NAMES = ['target', 'label', 'labels', 'class', 'y', 'outcome', 'species', 'price', 'result', 'category'];

/**
 * The column the Data step offers as the target first: one named like a target, else the last
 * column that can be learned (numeric or categorical), as most published tables put it last.
 * Only a suggestion: the person picks.
 */
export function suggestTarget(profile: TableProfile): ColumnProfile | undefined {
  const learnable = profile.columns.filter((c) => c.kind === 'numeric' || c.kind === 'categorical');
  const named = learnable.find((c) => TARGET_NAMES.includes(c.name.toLowerCase().replace(/[\s_-]+/g, '')));
  return named ?? learnable.at(-1);
}

/** A column's empty share as a person reads it: "0 %", "<1 %", "3 %". */
export function emptyShare(column: ColumnProfile, rows: number): string {
  if (column.missing === 0 || rows === 0) return '0 %';
  const percent = (100 * column.missing) / rows;
  return percent < 1 ? '<1 %' : `${Math.round(percent)} %`;
}

/** Bytes as "12.3 kB", "4.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** An experiment name from a file name: "Penguins (2).csv" → "penguins-2". */
export function experimentStem(fileName: string): string {
  const stem = fileName
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem === '' ? 'my-data' : /^[a-z]/.test(stem) ? stem : `data-${stem}`;
}
