import { terminationText } from '../experiment/termination-text.js';
import { flattenParams } from '../space/flatten.js';
import type { Primitive } from '../space/expression.js';
import { csvCell, csvText, type CsvOptions, type CsvValue } from './csv.js';
import { seriesSteps } from './export-sweep.js';
import type { SweepDocument } from './sweep-document.js';

/** A time as ISO 8601 UTC; a number outside Date's range stays a number rather than throwing. */
function isoTime(time: number | null): CsvValue {
  if (time === null) return null;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? time : date.toISOString();
}

/**
 * Column names must be unique for spreadsheets and data-frame readers. The fixed columns and
 * the metric keep their names; a hyperparameter that shares one (say `status`) gets `_2`,
 * `_3`, ... in the header only.
 */
function headerNames(before: readonly string[], params: readonly string[], after: readonly string[]): string[] {
  const used = new Set([...before, ...after]);
  const paramHeaders = params.map((name) => {
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}_${n}`;
    used.add(unique);
    return unique;
  });
  return [...before, ...paramHeaders, ...after];
}

/**
 * One row per run, in creation order:
 * `run` (index + 1), `run_id`, `status`, one column per hyperparameter (nested choices flattened
 * to dotted names; the union over all runs, in order of first appearance; empty where a run's
 * branch lacks it), the best primary metric (the column is named after the metric), `intervals`,
 * `started` and `ended` (ISO 8601 UTC), `duration_s`, `backend`, `termination_reason` (in words
 * and numbers) and `error` (its message). See csv.ts for quoting and formula protection.
 */
export function sweepRunsCsv(doc: SweepDocument, options: CsvOptions = {}): string {
  const runs = [...doc.runs].sort((a, b) => a.index - b.index);
  const flat = runs.map((run) => flattenParams(run.params));
  const paramNames: string[] = [];
  const seen = new Set<string>();
  for (const params of flat) {
    for (const name of Object.keys(params)) {
      if (!seen.has(name)) {
        seen.add(name);
        paramNames.push(name);
      }
    }
  }
  const header = headerNames(['run', 'run_id', 'status'], paramNames, [
    doc.sweep.config.primaryMetricName,
    'intervals',
    'started',
    'ended',
    'duration_s',
    'backend',
    'termination_reason',
    'error',
  ]);
  const rows = runs.map((run, i): CsvValue[] => {
    const params: Readonly<Record<string, Primitive>> = flat[i] ?? {};
    return [
      run.index + 1,
      run.id,
      run.status,
      ...paramNames.map((name) => (Object.hasOwn(params, name) ? (params[name] ?? null) : null)),
      run.bestMetric,
      run.intervals,
      isoTime(run.startedAt),
      isoTime(run.endedAt),
      run.startedAt === null || run.endedAt === null ? null : Math.round(run.endedAt - run.startedAt) / 1000,
      run.backend,
      run.termination === null ? null : terminationText(run.termination),
      run.error?.message ?? null,
    ];
  });
  return csvText(header, rows, options);
}

/**
 * Every metric point in long format, `run,attempt,metric,step,value,time`: `run` is the run
 * number (index + 1, as in sweepRunsCsv), `value` may be NaN, Infinity or -Infinity, `time` is
 * ISO 8601 UTC. Rows go by run, then attempt, then metric (in the document's order), then step
 * as logged.
 */
export function sweepMetricsCsv(doc: SweepDocument, options: CsvOptions = {}): string {
  const newline = options.newline ?? '\r\n';
  const runNumber = new Map(doc.runs.map((run) => [run.id, run.index + 1]));
  const order = doc.metrics
    .map((series, position) => ({ series, position, run: runNumber.get(series.runId) ?? 0 }))
    .sort((a, b) => a.run - b.run || a.series.attempt - b.series.attempt || a.position - b.position);
  // Hundreds of thousands of rows: the metric's cell is made once per series, and numbers never
  // need quotes or formula protection, so only times are formatted per point.
  const lines: string[] = ['run,attempt,metric,step,value,time'];
  for (const { series, run } of order) {
    const prefix = `${run},${series.attempt},${csvCell(series.metric)},`;
    const steps = seriesSteps(series);
    for (let i = 0; i < series.values.length; i++) {
      lines.push(`${prefix}${steps[i] ?? ''},${series.values[i] ?? ''},${csvCell(isoTime(series.times[i] ?? null))}`);
    }
  }
  return (options.bom === true ? '\uFEFF' : '') + lines.join(newline) + newline;
}
