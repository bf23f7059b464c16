import type { Goal, Trace } from './contenders.js';

export interface Summary {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly count: number;
}

/** Quantile with linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    count: sorted.length,
  };
}

/** The best value among the first `k` evaluations (NaN values, failed runs, never count). */
export function bestAfter(trace: Trace, k: number, goal: Goal): number {
  let best = Number.NaN;
  for (const value of trace.values.slice(0, k)) {
    if (!Number.isFinite(value)) continue;
    if (Number.isNaN(best) || (goal === 'MINIMIZE' ? value < best : value > best)) best = value;
  }
  return best;
}

/** Three significant digits, switching to exponent notation for very small or large values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

export function formatSummary(summary: Summary): string {
  return `${formatNumber(summary.median)} (${formatNumber(summary.q1)}–${formatNumber(summary.q3)})`;
}

/** p-th percentile of durations, in the same unit. */
export function percentile(values: readonly number[], p: number): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    p,
  );
}
