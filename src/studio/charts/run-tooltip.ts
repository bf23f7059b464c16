import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { tooltipContent, type TooltipRow } from './dom.js';
import { formatNumber, formatPrimitive, runLabel } from './format.js';

const MAX_PARAM_ROWS = 12;

export function statusText(run: ChartRun): string {
  return run.terminated ? 'stopped early' : run.status;
}

/** "stopped: <reason>" for early-terminated runs, the failure reason for others, or nothing. */
export function reasonText(run: ChartRun): string | undefined {
  if (run.terminated) return `stopped: ${run.reason ?? 'by the early-termination policy'}`;
  return run.reason ?? undefined;
}

export interface RunTooltipOptions {
  readonly swatch?: string;
  /** Rows shown first, e.g. the hovered point's value. */
  readonly lead?: readonly TooltipRow[];
}

/** The tooltip for one run: run number, status, best primary metric, hyperparameters, reason. Text only. */
export function runTooltip(run: ChartRun, data: ChartData, options: RunTooltipOptions = {}): HTMLElement {
  const rows: TooltipRow[] = [...(options.lead ?? [])];
  rows.push([`best ${data.primaryMetric}`, run.best === null ? 'not logged yet' : formatNumber(run.best)]);
  let shown = 0;
  let hidden = 0;
  for (const column of data.params) {
    const value = run.params[column.name];
    if (value === undefined) continue;
    if (shown >= MAX_PARAM_ROWS) {
      hidden += 1;
      continue;
    }
    rows.push([column.name, formatPrimitive(value)]);
    shown += 1;
  }
  if (hidden > 0) rows.push(['…', `${hidden} more`]);
  const note = reasonText(run);
  return tooltipContent({
    title: runLabel(run.index),
    subtitle: statusText(run),
    rows,
    ...(options.swatch === undefined ? {} : { swatch: options.swatch }),
    ...(note === undefined ? {} : { note }),
  });
}

/** The tooltip of a point in a scatter: its run, with the point's own colour as the swatch. */
export function pointTooltip(params: unknown, run: ChartRun | undefined, data: ChartData | null): HTMLElement | string {
  if (run === undefined || data === null) return '';
  const color = (params as { color?: unknown }).color;
  return runTooltip(run, data, typeof color === 'string' ? { swatch: color } : {});
}
