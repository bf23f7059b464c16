import { flattenParams } from '../space/flatten.js';
import type { Primitive } from '../space/expression.js';
import { formatNumber, type SweepReport } from './sweep-report.js';

/** Renders rows as a fixed-width text table; the last column may be long and is not padded. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const cellText = (value: Primitive | undefined): string =>
  value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : String(value);

/** The CLI's human-readable result: one row per run, then the outcome and the best run. */
export function renderSweepReport(report: SweepReport): string {
  const flat = report.runs.map((r) => flattenParams(r.hyperparameters));
  const paramNames = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  const header = [
    'run',
    'status',
    ...paramNames,
    `best ${report.objective.primaryMetric}`,
    'intervals',
    'backend',
    'reason',
  ];
  const rows = report.runs.map((run, i) => [
    String(run.index),
    run.statusText,
    ...paramNames.map((name) => cellText(flat[i]?.[name])),
    formatNumber(run.bestPrimaryMetric),
    String(run.intervals),
    run.backend ?? '',
    run.terminationReason ?? run.error?.message ?? '',
  ]);
  const s = report.sweep;
  const lines = [
    textTable(header, rows),
    '',
    `sweep ${s.id}: ${s.status}` +
      (s.endReason === null ? '' : ` (${s.endReason.kind})`) +
      (s.durationSeconds === null ? '' : ` in ${s.durationSeconds.toFixed(1)} s`) +
      `, ${report.runs.length} runs at concurrency ${s.concurrency}`,
  ];
  if (s.error !== null) lines.push(`error: ${s.error.message}`);
  for (const warning of s.warnings) lines.push(`note: ${warning}`);
  if (report.best !== null) {
    const params = Object.entries(flattenParams(report.best.hyperparameters))
      .map(([k, v]) => `${k}=${cellText(v)}`)
      .join(' ');
    lines.push(
      `best: run ${report.best.runId} with ${report.objective.primaryMetric} ${formatNumber(report.best.bestPrimaryMetric)}: ${params}`,
    );
  }
  return lines.join('\n');
}
