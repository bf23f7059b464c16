import type { ParamSet, Primitive } from './expression.js';

/**
 * One column per leaf for tables, charts and CSV: a nested choice's sub-configuration becomes
 * dotted keys (`model.kind`, `model.C`). A parameter whose own name contains a dot can collide
 * with such a key; the later one in depth-first order wins.
 */
export function flattenParams(params: ParamSet): Record<string, Primitive> {
  const flat: Record<string, Primitive> = {};
  const visit = (set: ParamSet, prefix: string): void => {
    for (const [name, value] of Object.entries(set)) {
      if (typeof value === 'object') visit(value, `${prefix}${name}.`);
      else flat[prefix + name] = value;
    }
  };
  visit(params, '');
  return flat;
}

/**
 * A canonical text for a configuration: equal configurations (same values, any key order) give
 * the same key, and 1, "1" and true stay distinct.
 */
export function paramsKey(params: ParamSet): string {
  const entries = Object.entries(flattenParams(params)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
