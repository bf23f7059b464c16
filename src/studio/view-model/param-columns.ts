import {
  createSearchSpace,
  type Primitive,
  type NormalizedExpression,
  type SearchSpace,
  reviveDefinition,
} from '../engine.js';
import type { ParamColumn } from './chart-data.js';

/** What the search space says of one flattened column, when it says anything. */
export interface ColumnHint {
  readonly log: boolean;
  /** A choice's options (when all are primitives) or a constant. */
  readonly categories: readonly Primitive[] | null;
  readonly numeric: boolean;
}

const LOG_KINDS = new Set(['loguniform', 'qloguniform', 'lognormal', 'qlognormal']);

/**
 * Per flattened column (`flattenParams` names: sub-space leaves under their parent's name), the
 * axis a chart should draw: from the stored search space where it can be rebuilt (log scale,
 * a choice's declared options in order), else from the values themselves.
 */
export function spaceHints(storedSpace: unknown): Map<string, ColumnHint> {
  const hints = new Map<string, ColumnHint>();
  let space: SearchSpace;
  try {
    space = createSearchSpace(reviveDefinition(storedSpace));
  } catch {
    // An imported or older sweep whose space no longer validates: values alone decide.
    return hints;
  }
  const visit = (s: SearchSpace, prefix: string): void => {
    for (const parameter of s.parameters) {
      const name = prefix + parameter.name;
      const value = parameter.value;
      if (value.kind === 'constant') {
        hints.set(name, { log: false, categories: [value.value], numeric: typeof value.value === 'number' });
        continue;
      }
      const expression: NormalizedExpression = value.expression;
      if (expression.kind !== 'choice') {
        hints.set(name, { log: LOG_KINDS.has(expression.kind), categories: null, numeric: true });
        continue;
      }
      const primitives: Primitive[] = [];
      for (const option of expression.options) {
        if (option.kind === 'value') primitives.push(option.value);
        else visit(option.space, `${name}.`);
      }
      if (primitives.length > 0) hints.set(name, { log: false, categories: primitives, numeric: false });
    }
  };
  visit(space, '');
  return hints;
}

/**
 * The columns for a set of flattened configurations, in first-seen order. A column is numeric
 * when the space says so (or, without a hint, every value is a finite number) and categorical
 * otherwise: a choice of numbers is drawn as categories, as HyperDrive's studio does.
 */
export function paramColumns(
  rows: readonly Readonly<Record<string, Primitive>>[],
  hints: ReadonlyMap<string, ColumnHint>,
): ParamColumn[] {
  const order: string[] = [];
  const values = new Map<string, Primitive[]>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      let list = values.get(name);
      if (list === undefined) {
        list = [];
        values.set(name, list);
        order.push(name);
      }
      list.push(value);
    }
  }
  return order.map((name): ParamColumn => {
    const seen = values.get(name) ?? [];
    const hint = hints.get(name);
    const allNumbers = seen.every((v) => typeof v === 'number' && Number.isFinite(v));
    const numeric = hint === undefined ? allNumbers && new Set(seen).size > 1 : hint.categories === null && allNumbers;
    if (numeric) {
      const numbers = seen as number[];
      let min = Infinity;
      let max = -Infinity;
      for (const v of numbers) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const log = (hint?.log ?? false) && min > 0;
      return { name, kind: 'number', min, max, log };
    }
    const categories: Primitive[] = [...(hint?.categories ?? [])];
    const known = new Set(categories.map(categoryKey));
    for (const v of seen) {
      const key = categoryKey(v);
      if (!known.has(key)) {
        known.add(key);
        categories.push(v);
      }
    }
    return { name, kind: 'category', values: categories };
  });
}

/** 1, "1" and true are different categories. */
export function categoryKey(value: Primitive): string {
  return `${typeof value}:${String(value)}`;
}
