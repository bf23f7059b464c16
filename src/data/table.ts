// The shapes every part of the data step agrees on (issue 15; the four data engineers code
// against these). A table stays as parsed: typing happens in the profile, encoding in the
// preparation, so that one parse serves the preview, the profile and every preparation tried.

/** One cell as parsed: CSV cells are text, JSON cells keep their JSON type; `null` = missing. */
export type Cell = string | number | boolean | null;

export interface RawTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export type ColumnKind = 'numeric' | 'categorical' | 'text' | 'date' | 'empty';

export interface NumericSummary {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation of the present values. */
  readonly std: number;
  /** `edges` has one more entry than `counts`; the last bin includes its upper edge. */
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
  /** Every present value is a whole number (a numeric target with few whole values suggests classes). */
  readonly integers: boolean;
}

export interface ColumnProfile {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Cells that are missing: empty, or one of the missing-value words (see `isMissingCell`). */
  readonly missing: number;
  /** Distinct present values (as text). */
  readonly distinct: number;
  /** Numeric and date columns (dates in epoch days). */
  readonly numeric?: NumericSummary;
  /** Most frequent values first (ties by value), at most `MAX_TOP_CATEGORIES`: the class balance of a target. */
  readonly categories?: readonly { readonly value: string; readonly count: number }[];
}

export interface TableProfile {
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
  /** The first rows as parsed, for the preview table. */
  readonly preview: readonly (readonly Cell[])[];
}

export type TaskKind = 'classification' | 'regression';
export const TASK_KINDS: readonly TaskKind[] = ['classification', 'regression'];

/** The formats a stored dataset can have. */
export type DataFormat = 'csv' | 'json' | 'images';
