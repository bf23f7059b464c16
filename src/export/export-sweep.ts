import { ConfigError } from '../errors.js';
import type { DecisionRecord, MetricPoint, RunRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import {
  MODELS_NOT_INCLUDED,
  SWEEP_DOCUMENT_FORMAT,
  SWEEP_DOCUMENT_VERSION,
  type MetricSeries,
  type SweepDocument,
} from './sweep-document.js';

export interface ExportSweepOptions {
  /** The export time, in milliseconds since the epoch; default the current time. */
  readonly now?: number;
  /** Default `Overdrive`. */
  readonly generator?: string;
}

export const DEFAULT_GENERATOR = 'Overdrive';

/**
 * Reads one stored sweep into a `SweepDocument`: its record, runs, every metric point of every
 * attempt and every policy decision. Checkpoints and model weights are not read (see
 * SweepDocument). Rejects with a ConfigError when the store holds no such sweep.
 */
export async function exportSweep(
  store: Store,
  sweepId: string,
  options: ExportSweepOptions = {},
): Promise<SweepDocument> {
  // Buffered writes of a sweep that just ended must be in the export too.
  await store.flush();
  const sweep = await store.getSweep(sweepId);
  if (sweep === undefined) throw new ConfigError('sweepId', 'must name a stored sweep', sweepId);
  // A sweep may still be running. Its runs are read last, after the points and decisions: a
  // run is stored before anything it logs, so every point read then has its run (and attempt)
  // in the list. Whatever still lacks one is dropped rather than making the document invalid.
  const [points, decisions] = await Promise.all([store.listMetrics(sweepId), store.listDecisions(sweepId)]);
  const runs = [...(await store.listRuns(sweepId))].sort((a: RunRecord, b: RunRecord) => a.index - b.index);
  const attempts = new Map(runs.map((run) => [run.id, run.attempt]));
  const known = (runId: string, attempt = 1): boolean => (attempts.get(runId) ?? 0) >= attempt;
  return {
    format: SWEEP_DOCUMENT_FORMAT,
    version: SWEEP_DOCUMENT_VERSION,
    exportedAt: new Date(options.now ?? Date.now()).toISOString(),
    generator: options.generator ?? DEFAULT_GENERATOR,
    models: MODELS_NOT_INCLUDED,
    sweep,
    runs,
    metrics: metricSeries(points).filter((series) => known(series.runId, series.attempt)),
    decisions: decisions.filter((d) => known(d.runId)),
  };
}

/**
 * Groups points into one series per run, attempt and metric, in the order each series first
 * appears. The order of points within a series is kept; how series interleaved in time is not
 * (the times are, so it can be rebuilt).
 */
export function metricSeries(points: readonly MetricPoint[]): MetricSeries[] {
  interface Builder {
    readonly runId: string;
    readonly attempt: number;
    readonly metric: string;
    readonly steps: number[];
    readonly values: number[];
    readonly times: number[];
  }
  const order: Builder[] = [];
  // Nested maps rather than one composite string key: no string is built per point.
  const byRun = new Map<string, Map<string, Builder[]>>();
  for (const point of points) {
    let byName = byRun.get(point.runId);
    if (byName === undefined) {
      byName = new Map();
      byRun.set(point.runId, byName);
    }
    let attempts = byName.get(point.name);
    if (attempts === undefined) {
      attempts = [];
      byName.set(point.name, attempts);
    }
    let builder = attempts.find((b) => b.attempt === point.attempt);
    if (builder === undefined) {
      builder = { runId: point.runId, attempt: point.attempt, metric: point.name, steps: [], values: [], times: [] };
      attempts.push(builder);
      order.push(builder);
    }
    builder.steps.push(point.step);
    builder.values.push(point.value);
    builder.times.push(point.time);
  }
  return order.map(({ steps, ...rest }): MetricSeries => {
    const firstStep = steps[0] ?? 0;
    const consecutive = steps.every((step, i) => step === firstStep + i);
    return consecutive ? { ...rest, firstStep } : { ...rest, firstStep, steps };
  });
}

/** The step of each value of a series. */
export function seriesSteps(series: MetricSeries): readonly number[] {
  return series.steps ?? series.values.map((_, i) => series.firstStep + i);
}

/** A series' points as the store holds them, under the given sweep and run ids. */
export function seriesPoints(series: MetricSeries, sweepId: string, runId: string): MetricPoint[] {
  const points: MetricPoint[] = new Array<MetricPoint>(series.values.length);
  for (let i = 0; i < series.values.length; i++) {
    points[i] = {
      sweepId,
      runId,
      attempt: series.attempt,
      name: series.metric,
      step: series.steps?.[i] ?? series.firstStep + i,
      value: series.values[i] ?? Number.NaN,
      time: series.times[i] ?? 0,
    };
  }
  return points;
}

/** JSON cannot hold NaN or ±Infinity; the document writes them as strings (see SweepDocument). */
function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Any record: small ones, or rare enough that a replacer call per value costs nothing. */
const json = (value: unknown): string => JSON.stringify(value, encodeNonFinite);

const allFinite = (values: readonly number[]): boolean => {
  for (const v of values) if (!Number.isFinite(v)) return false;
  return true;
};

/**
 * Series and decisions are most of a large document, and a replacer function makes
 * JSON.stringify several times slower; these are checked for non-finite numbers (which only
 * values and policy evidence can hold) and written without one when they have none.
 */
function seriesJson(series: MetricSeries): string {
  return allFinite(series.values) ? JSON.stringify(series) : json(series);
}

function decisionJson(record: DecisionRecord): string {
  const { decision } = record;
  const numbers = decision.kind === 'skip' ? [] : Object.values(decision.evidence).filter((v) => typeof v === 'number');
  return allFinite(numbers) && Number.isFinite(decision.interval) && Number.isFinite(record.time)
    ? JSON.stringify(record)
    : json(record);
}

/**
 * The document as JSON text (UTF-8 when saved), one run, series or decision per line: small
 * enough to diff and to read, and a parse error's line number then points at one record.
 */
export function sweepDocumentText(doc: SweepDocument): string {
  const list = <T>(name: string, items: readonly T[], text: (item: T) => string): string =>
    items.length === 0 ? `"${name}":[]` : `"${name}":[\n${items.map(text).join(',\n')}\n]`;
  return (
    `{"format":${json(doc.format)},"version":${json(doc.version)},"exportedAt":${json(doc.exportedAt)},` +
    `"generator":${json(doc.generator)},"models":${json(doc.models)},\n` +
    `"sweep":${json(doc.sweep)},\n` +
    `${list('runs', doc.runs, json)},\n${list('metrics', doc.metrics, seriesJson)},\n` +
    `${list('decisions', doc.decisions, decisionJson)}}\n`
  );
}
