import type { Primitive } from '../engine.js';
import type { ChartData, ChartRun, ParamColumn } from '../view-model/chart-data.js';
import { categoryLabels, niceExtent } from './format.js';

/** A parameter column prepared for plotting: how a run's value becomes a coordinate. */
export type PlotColumn =
  | {
      readonly kind: 'number';
      readonly name: string;
      readonly log: boolean;
      readonly extent: readonly [number, number];
    }
  | {
      readonly kind: 'category';
      readonly name: string;
      readonly values: readonly Primitive[];
      readonly labels: readonly string[];
    };

/** Two values are the same category only when type and value match (1, "1" and true differ). */
function sameCategory(a: Primitive, b: Primitive): boolean {
  return typeof a === typeof b && a === b;
}

/**
 * The axis for `column` over `runs`. A numeric axis spans the column's range and every value
 * seen (a normal distribution has no bounds), rounded outwards so it does not jump as runs
 * arrive; a log axis spans whole decades' fractions and stays positive.
 */
export function plotColumn(column: ParamColumn, runs: readonly ChartRun[]): PlotColumn {
  if (column.kind === 'category')
    return { kind: 'category', name: column.name, values: column.values, labels: categoryLabels(column.values) };
  let lo = column.min;
  let hi = column.max;
  for (const run of runs) {
    const v = run.params[column.name];
    if (typeof v !== 'number' || !Number.isFinite(v) || (column.log && v <= 0)) continue;
    if (v < lo || !Number.isFinite(lo)) lo = v;
    if (v > hi || !Number.isFinite(hi)) hi = v;
  }
  if (column.log && lo > 0 && hi > 0) {
    // Whole decades: log axes label powers of ten, and an extent between them would put odd
    // numbers such as 7.08e-5 at the ends.
    const decade = (exponent: number): number => Number(`1e${exponent}`);
    const lowExponent = Math.floor(Math.log10(lo) + 1e-9);
    const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(hi) - 1e-9));
    const low = decade(lowExponent);
    const high = decade(highExponent);
    return { kind: 'number', name: column.name, log: true, extent: [low, high] };
  }
  return { kind: 'number', name: column.name, log: false, extent: niceExtent(lo, hi) };
}

/** Where a run sits on `column`: its number, its category position, or null when it has no (plottable) value. */
export function coordinate(column: PlotColumn, run: ChartRun): number | null {
  const value = run.params[column.name];
  if (value === undefined) return null;
  if (column.kind === 'category') {
    const index = column.values.findIndex((v) => sameCategory(v, value));
    return index < 0 ? null : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (column.log && value <= 0) return null;
  return value;
}

/**
 * A stable offset in [-0.5, 0.5) per run and axis, so points on a category axis spread into a
 * band instead of stacking, and stay put when the chart redraws (a random jitter would dance).
 */
export function jitter(runId: string, salt: number): number {
  // FNV-1a, then one xorshift round to spread nearby ids.
  let hash = 0x811c9dc5 ^ salt;
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash << 13;
  hash ^= hash >>> 17;
  hash ^= hash << 5;
  return (hash >>> 0) / 0x100000000 - 0.5;
}

/** The finite primary-metric range over runs, or null when no run has one. */
export function metricExtent(runs: readonly ChartRun[]): readonly [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const run of runs) {
    const v = run.best;
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  if (lo === hi) {
    const pad = lo === 0 ? 1e-6 : Math.abs(lo) * 1e-6;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

export function findColumn(data: ChartData, name: string): ParamColumn | undefined {
  return data.params.find((c) => c.name === name);
}

/**
 * Picks axis names: keeps each wanted name that still exists and is not taken, then fills the
 * rest with the first unused columns. Returns null when there are fewer than `count` columns.
 */
export function pickAxes(
  params: readonly ParamColumn[],
  wanted: ReadonlyArray<string | undefined>,
  count: number,
): string[] | null {
  const names = params.map((c) => c.name);
  if (names.length < count) return null;
  const chosen: string[] = [];
  for (let i = 0; i < count; i++) {
    const w = wanted[i];
    if (w !== undefined && names.includes(w) && !chosen.includes(w)) chosen.push(w);
    else chosen.push('');
  }
  for (let i = 0; i < count; i++) {
    if (chosen[i] !== '') continue;
    const free = names.find((n) => !chosen.includes(n));
    if (free === undefined) return null;
    chosen[i] = free;
  }
  return chosen;
}

/** Colour steps of the scatter charts' metric colouring. */
export const COLOR_BUCKETS = 12;

export interface RunGroup {
  readonly rows: number[][];
  readonly runs: ChartRun[];
}

export interface ColouredGroups {
  /** One group per colour step that has runs, worst to best. */
  readonly buckets: ReadonlyArray<RunGroup & { readonly color: string }>;
  /** Runs with no primary metric yet. */
  readonly without: RunGroup;
  /** Highlighted runs (also in their bucket), each with its own colour. */
  readonly emphasised: RunGroup & { readonly colors: string[] };
}

/**
 * Splits runs into a few series of one colour each, by their best primary metric. ECharts
 * resolves a visualMap colour per data item, which dominates the cost of redrawing 1000
 * points; a dozen single-colour series look the same and cost a fraction.
 */
export function groupByColour(
  runs: readonly ChartRun[],
  extent: readonly [number, number] | null,
  colorAt: (t: number) => string,
  highlighted: ReadonlySet<string>,
  rowOf: (run: ChartRun) => number[] | null,
): ColouredGroups {
  const buckets = Array.from({ length: COLOR_BUCKETS }, (_, i) => ({
    color: colorAt(i / (COLOR_BUCKETS - 1)),
    rows: [] as number[][],
    runs: [] as ChartRun[],
  }));
  const without: RunGroup = { rows: [], runs: [] };
  const emphasised = { rows: [] as number[][], runs: [] as ChartRun[], colors: [] as string[] };
  for (const run of runs) {
    const row = rowOf(run);
    if (row === null) continue;
    const best = run.best;
    if (best === null || !Number.isFinite(best) || extent === null) {
      without.rows.push(row);
      without.runs.push(run);
      continue;
    }
    const t = (best - extent[0]) / (extent[1] - extent[0] || 1);
    const bucket = buckets[Math.max(0, Math.min(COLOR_BUCKETS - 1, Math.round(t * (COLOR_BUCKETS - 1))))];
    if (bucket === undefined) continue;
    bucket.rows.push(row);
    bucket.runs.push(run);
    if (highlighted.has(run.id)) {
      emphasised.rows.push(row);
      emphasised.runs.push(run);
      emphasised.colors.push(bucket.color);
    }
  }
  for (const run of without.runs) {
    if (!highlighted.has(run.id)) continue;
    const row = rowOf(run);
    if (row === null) continue;
    emphasised.rows.push(row);
    emphasised.runs.push(run);
    emphasised.colors.push('');
  }
  return { buckets: buckets.filter((b) => b.rows.length > 0), without, emphasised };
}
