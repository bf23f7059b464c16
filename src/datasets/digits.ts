import { SeededRandom } from '../random/seeded-random.js';
import { cachedDataset } from './cache.js';

export const DIGITS_SIDE = 8;
export const DIGITS_FEATURES = DIGITS_SIDE * DIGITS_SIDE;
export const DIGITS_CLASSES = 10;
/** Rows in the shipped `public/datasets/digits.csv`. */
export const DIGITS_SAMPLES = 1797;
const MAX_PIXEL = 16;

/** Labelled 8x8 digit images, flat row-major, pixel values scaled to [0, 1]. */
export interface DigitsSet {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
}

export interface DigitsSplit {
  readonly train: DigitsSet;
  readonly validation: DigitsSet;
}

/**
 * Parses the digits CSV: no header, per row 64 pixel intensities 0..16 then the label 0..9.
 * Rejects anything else with the line number, since a silently misparsed row would only show
 * up as a mysteriously worse model.
 */
export function parseDigitsCsv(text: string): DigitsSet {
  const lines = text.split(/\r?\n/);
  const rows: string[] = [];
  const lineNumbers: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== '') {
      rows.push(line);
      lineNumbers.push(i + 1);
    }
  });
  const features = new Float32Array(rows.length * DIGITS_FEATURES);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    const cells = row.split(',');
    const line = lineNumbers[r] ?? r + 1;
    if (cells.length !== DIGITS_FEATURES + 1) {
      throw new Error(`digits.csv line ${line}: expected ${DIGITS_FEATURES + 1} values, got ${cells.length}`);
    }
    for (let c = 0; c <= DIGITS_FEATURES; c++) {
      const cell = (cells[c] ?? '').trim();
      const value = Number(cell);
      const max = c === DIGITS_FEATURES ? DIGITS_CLASSES - 1 : MAX_PIXEL;
      if (cell === '' || !Number.isInteger(value) || value < 0 || value > max) {
        const what = c === DIGITS_FEATURES ? 'label' : `pixel ${c}`;
        throw new Error(`digits.csv line ${line}: ${what} must be an integer 0..${max} (got ${JSON.stringify(cell)})`);
      }
      if (c === DIGITS_FEATURES) labels[r] = value;
      else features[r * DIGITS_FEATURES + c] = value / MAX_PIXEL;
    }
  });
  return { features, labels, size: rows.length };
}

/** The rows at `indices`, in that order. */
export function selectDigits(set: DigitsSet, indices: readonly number[]): DigitsSet {
  const features = new Float32Array(indices.length * DIGITS_FEATURES);
  const labels = new Int32Array(indices.length);
  indices.forEach((src, dst) => {
    if (!Number.isInteger(src) || src < 0 || src >= set.size) throw new RangeError(`row ${src} is out of range`);
    features.set(set.features.subarray(src * DIGITS_FEATURES, (src + 1) * DIGITS_FEATURES), dst * DIGITS_FEATURES);
    labels[dst] = set.labels[src] as number;
  });
  return { features, labels, size: indices.length };
}

/** The first `n` rows (all of them when `n` is larger). */
export function takeDigits(set: DigitsSet, n: number): DigitsSet {
  if (n >= set.size) return set;
  return selectDigits(
    set,
    Array.from({ length: Math.max(0, n) }, (_, i) => i),
  );
}

/**
 * A fixed, stratified split: each class contributes the same fraction to validation, so a
 * small validation set still holds every digit, and the same seed always gives the same rows.
 */
export function splitDigits(
  set: DigitsSet,
  validationFraction = 0.2,
  seed: string | number = 'digits-split',
): DigitsSplit {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be between 0 and 1 exclusive (got ${validationFraction})`);
  }
  const random = new SeededRandom(seed);
  const shuffle = (order: number[]): number[] => {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order;
  };
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < set.size; i++) {
    const label = set.labels[i] as number;
    let rows = byClass.get(label);
    if (rows === undefined) {
      rows = [];
      byClass.set(label, rows);
    }
    rows.push(i);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = shuffle(byClass.get(label) ?? []);
    const cut = Math.round(rows.length * validationFraction);
    validation.push(...rows.slice(0, cut));
    train.push(...rows.slice(cut));
  }
  // Interleave classes so a `train_samples` prefix is not all zeros.
  return { train: selectDigits(set, shuffle(train)), validation: selectDigits(set, shuffle(validation)) };
}

let configuredUrl: string | null = null;

/**
 * Where this thread fetches the CSV from, as the page resolved it (src/pool/assets.ts): a worker
 * bundled into another app, or started from a CDN, cannot work out where the package's file is.
 */
export function useDigitsUrl(url: string): void {
  configuredUrl = url;
}

/** Where the CSV is served: as configured, else the app's `public/datasets/digits.csv`. */
export function digitsUrl(): string {
  if (configuredUrl !== null) return configuredUrl;
  const base = typeof location === 'undefined' ? 'http://localhost/' : location.href;
  // Vite defines import.meta.env; plain Node (tsx scripts, the benchmarks) does not.
  const appBase = import.meta.env?.BASE_URL ?? '/';
  if (!appBase.startsWith('.')) return new URL(`${appBase}datasets/digits.csv`, base).href;
  // A relative base (the build, which may be served from any folder): the page or worker's own
  // address says nothing about the app's root (the headless page sits two folders down), but
  // every built chunk, this one included, sits in the root's assets/ folder. A variable, not a
  // literal, so that Vite leaves this URL to run time rather than look for it as an asset.
  const fromChunk = '../datasets/digits.csv';
  return new URL(fromChunk, import.meta.url).href;
}

/** The digits set, fetched and parsed once per thread. */
export function loadDigits(url: string = digitsUrl()): Promise<DigitsSet> {
  return cachedDataset(`digits:${url}`, async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load the digits data set from ${url}: HTTP ${response.status}`);
    // A static host or dev server often answers a missing file with the site's index.html
    // (status 200): parsing that as CSV would fail with a baffling "expected 65 values".
    const type = response.headers.get('content-type') ?? '';
    if (/html/i.test(type)) {
      throw new Error(
        `could not load the digits data set from ${url}: the server sent an HTML page (content-type ${type}), not the CSV; serve the package's lib/datasets/digits.csv there or set assets.baseUrl`,
      );
    }
    return parseDigitsCsv(await response.text());
  });
}

/** The digits set split 80/20 with the fixed seed, once per thread. */
export function loadDigitsSplit(url: string = digitsUrl()): Promise<DigitsSplit> {
  return cachedDataset(`digits-split:${url}`, async () => splitDigits(await loadDigits(url)));
}
