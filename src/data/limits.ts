import { DataError } from './data-error.js';

/**
 * The largest file the data step reads. It is checked from the file's size before a byte is read,
 * so a larger one is refused at once and the page never holds it. 200 MiB of CSV is a few
 * million rows: more than a browser tab trains on, and within what a worker parses without
 * running out of memory (the parsed table takes several times the text).
 */
export const MAX_DATA_FILE_BYTES = 200 * 1024 * 1024;
/** Classification beyond this is not what a one-hot output layer in a browser is for. */
export const MAX_CLASSES = 1000;
/** A categorical column has at most this many distinct values; above it the column is text. */
export const MAX_CATEGORIES = 1000;
export const MAX_COLUMNS = 10_000;
/** An image folder: more files than this is not a browser-sized data set. */
export const MAX_IMAGE_FILES = 100_000;
/** Rows kept for the preview table. */
export const PREVIEW_ROWS = 20;
/** Values listed in a column's `categories` (the class balance chart). */
export const MAX_TOP_CATEGORIES = 100;
export const HISTOGRAM_BINS = 20;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Refuses a file by its size alone, before reading it. */
export function checkFileSize(file: string, bytes: number): void {
  if (bytes > MAX_DATA_FILE_BYTES) {
    const size = formatBytes(bytes);
    const limit = formatBytes(MAX_DATA_FILE_BYTES);
    // Just over the limit both round alike: then the exact byte count says why it was refused.
    const exact = size === limit ? ` (${bytes} bytes)` : '';
    throw new DataError({ file }, `the file is ${size}${exact}; the limit is ${limit} (${MAX_DATA_FILE_BYTES} bytes)`);
  }
  if (bytes === 0) throw new DataError({ file }, 'the file is empty (0 bytes)');
}
