import type { Primitive } from '../engine.js';

/** A metric or parameter value for people: 4 significant digits, exponent form when tiny or huge. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    // 1e-4 and 7.08e-5 rather than 1.00e-4.
    const [mantissa = '', exponent = ''] = value.toExponential(2).split('e');
    return `${Number(mantissa)}e${exponent.replace('+', '')}`;
  }
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** How a hyperparameter value reads in a tooltip or on a category axis. */
export function formatPrimitive(value: Primitive | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/**
 * Labels for a category column. Values of different types may print alike (1 and "1", true and
 * "true"); those strings are quoted so that two categories never share a label.
 */
export function categoryLabels(values: readonly Primitive[]): string[] {
  const plain = values.map((v) => formatPrimitive(v));
  const counts = new Map<string, number>();
  for (const label of plain) counts.set(label, (counts.get(label) ?? 0) + 1);
  return plain.map((label, i) =>
    (counts.get(label) ?? 0) > 1 && typeof values[i] === 'string' ? JSON.stringify(values[i]) : label,
  );
}

/** Shortens long names for axes (the full name stays in tooltips and controls). */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Round bounds around [lo, hi] with about `ticks` intervals, for axes that must not jump. */
export function niceExtent(lo: number, hi: number, ticks = 5): readonly [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / ticks);
  return [roundTo(Math.floor(lo / step) * step, step), roundTo(Math.ceil(hi / step) * step, step)];
}

function niceStep(raw: number): number {
  const exponent = Math.floor(Math.log10(raw));
  const fraction = raw / 10 ** exponent;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

// Removes float noise such as 0.30000000000000004 from computed bounds.
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(20, decimals)));
}

/** "Run 12" for the run at creation index 11, as the run table names it. */
export function runLabel(index: number): string {
  return `Run ${index + 1}`;
}
