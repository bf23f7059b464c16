import type { ImportanceInput, ImportanceParam, ImportanceValue } from './types.js';

/**
 * The numeric design matrix the forest is fitted on, column-major, with each column's bounds
 * and, per parameter, the columns that encode it (a group: fANOVA marginalises over all of a
 * parameter's columns together, as Optuna's `column_to_encoded_columns` does).
 *
 * - A number is one column over its bounds, in log10 space when it was sampled on a log scale
 *   (uniform in log space is how such a parameter is explored, so that is the measure its
 *   variance is integrated over; Optuna integrates in linear space instead, see docs/semantics.md).
 * - A category is one-hot: one [0, 1] column per choice, as Optuna's _SearchSpaceTransform does.
 * - A parameter absent from some runs (a leaf of a nested choice's sub-space) is its own
 *   category, "absent": a category gains an "absent" column; a number gains an absent
 *   indicator column and takes its bounds' midpoint where absent (the indicator, not the filler,
 *   is what a tree splits on). Optuna instead drops every parameter not in all trials (its
 *   intersection search space); absent-as-category keeps those parameters in the analysis.
 */
export interface Encoded {
  readonly rows: number;
  readonly columns: readonly Float64Array[];
  readonly bounds: readonly (readonly [number, number])[];
  readonly groups: readonly { readonly param: string; readonly columns: readonly number[] }[];
  readonly targets: Float64Array;
}

function sameChoice(a: ImportanceValue, b: ImportanceValue): boolean {
  return typeof a === typeof b && a === b;
}

function numericBounds(
  param: Extract<ImportanceParam, { kind: 'number' }>,
  seen: readonly number[],
): readonly [number, number] | null {
  const toAxis = (v: number): number => (param.log ? Math.log10(v) : v);
  let lo = param.log ? (param.low > 0 ? toAxis(param.low) : Infinity) : param.low;
  let hi = param.log ? (param.high > 0 ? toAxis(param.high) : -Infinity) : param.high;
  // Normal distributions are unbounded: the values seen then decide the range.
  if (!Number.isFinite(lo)) lo = Infinity;
  if (!Number.isFinite(hi)) hi = -Infinity;
  for (const v of seen) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo < hi ? [lo, hi] : null;
}

/**
 * Encodes the rows. Parameters that never vary (one value, or one choice) are left out: their
 * importance is 0 by definition, as in Optuna, and a zero-width column has no volume to integrate.
 */
export function encode(input: ImportanceInput): { encoded: Encoded; constant: readonly string[] } {
  const n = input.rows.length;
  const columns: Float64Array[] = [];
  const bounds: (readonly [number, number])[] = [];
  const groups: { param: string; columns: number[] }[] = [];
  const constant: string[] = [];
  for (const param of input.params) {
    const raw = input.rows.map((row) => row.values[param.name]);
    const absent = raw.some((v) => v === undefined);
    if (param.kind === 'number') {
      const axis = raw.map((v) =>
        typeof v === 'number' && Number.isFinite(v) && (!param.log || v > 0) ? (param.log ? Math.log10(v) : v) : null,
      );
      const seen = axis.filter((v): v is number => v !== null);
      const range = numericBounds(param, seen);
      const varies = range !== null && new Set(seen).size > 1;
      if (!varies && !absent) {
        constant.push(param.name);
        continue;
      }
      const [lo, hi] = range ?? [0, 1];
      const value = new Float64Array(n);
      const missing = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = axis[i];
        if (v === null || v === undefined) {
          value[i] = (lo + hi) / 2;
          missing[i] = 1;
        } else value[i] = v;
      }
      const group: number[] = [];
      if (varies) {
        group.push(columns.length);
        columns.push(value);
        bounds.push([lo, hi]);
      }
      if (absent) {
        group.push(columns.length);
        columns.push(missing);
        bounds.push([0, 1]);
      }
      groups.push({ param: param.name, columns: group });
      continue;
    }
    const choices: ImportanceValue[] = [...param.choices];
    for (const v of raw) if (v !== undefined && !choices.some((c) => sameChoice(c, v))) choices.push(v);
    if (absent) choices.push(undefined);
    const used = new Set(raw.map((v) => choices.findIndex((c) => sameChoice(c, v))));
    if (used.size < 2) {
      constant.push(param.name);
      continue;
    }
    const group: number[] = [];
    for (const choice of choices) {
      const column = new Float64Array(n);
      for (let i = 0; i < n; i++) column[i] = sameChoice(raw[i], choice) ? 1 : 0;
      group.push(columns.length);
      columns.push(column);
      bounds.push([0, 1]);
    }
    groups.push({ param: param.name, columns: group });
  }
  const targets = Float64Array.from(input.rows, (row) => row.target);
  return { encoded: { rows: n, columns, bounds, groups, targets }, constant };
}
