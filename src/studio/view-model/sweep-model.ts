import {
  type SweepEvent,
  terminationText,
  flattenParams,
  type Primitive,
  type DecisionRecord,
  type MetricPoint,
  type RunRecord,
  type SweepRecord,
  type Store,
} from '../engine.js';
import { formatValue } from '../dom.js';
import type { ChartData, ChartRun } from './chart-data.js';
import { paramColumns, spaceHints, type ColumnHint } from './param-columns.js';

/** Runs a callback soon, coalescing bursts: an animation frame in a page, a timer elsewhere. */
export type Scheduler = (callback: () => void) => void;

const defaultScheduler: Scheduler = (callback) => {
  if (
    typeof requestAnimationFrame === 'function' &&
    typeof document !== 'undefined' &&
    document.visibilityState === 'visible'
  ) {
    requestAnimationFrame(() => callback());
  } else {
    setTimeout(callback, 100);
  }
};

/** One run as the table shows it. */
export interface RunRow {
  readonly run: RunRecord;
  readonly params: Readonly<Record<string, Primitive>>;
  /** Termination reason (or error) in words and numbers. */
  readonly reason: string | null;
}

interface RunSeries {
  attempt: number;
  readonly byName: Map<string, number[]>;
}

/**
 * Everything the Studio shows of one sweep, fed by the store (a past sweep) and by live
 * events (a sweep running in this page or broadcast from another tab). Views subscribe and are
 * told at most once per frame, however fast metrics stream in.
 */
export class SweepModel {
  private recordValue: SweepRecord;
  private readonly runs: RunRecord[] = [];
  private readonly byId = new Map<string, number>();
  private readonly flat = new Map<string, Readonly<Record<string, Primitive>>>();
  private readonly series = new Map<string, RunSeries>();
  private readonly decisionList: DecisionRecord[] = [];
  private readonly metricNameSet = new Set<string>();
  private readonly hints: Map<string, ColumnHint>;
  private readonly listeners = new Set<() => void>();
  private versionValue = 0;
  private scheduled = false;
  private chartCache: ChartData | null = null;
  private rowCache: RunRow[] | null = null;
  private readonly chartRuns = new Map<string, ChartRun>();

  constructor(
    record: SweepRecord,
    private readonly schedule: Scheduler = defaultScheduler,
  ) {
    this.recordValue = record;
    this.hints = spaceHints(record.config.sampling.space);
  }

  /** A stored sweep, read whole. */
  static async load(store: Store, sweepId: string, schedule?: Scheduler): Promise<SweepModel | null> {
    const record = await store.getSweep(sweepId);
    if (record === undefined) return null;
    const [runs, metrics, decisions] = await Promise.all([
      store.listRuns(sweepId),
      store.listMetrics(sweepId),
      store.listDecisions(sweepId),
    ]);
    const model = new SweepModel(record, schedule);
    model.reset(record, runs, metrics, decisions);
    return model;
  }

  /** Replaces everything (a reload from the store). */
  reset(
    record: SweepRecord,
    runs: readonly RunRecord[],
    metrics: readonly MetricPoint[],
    decisions: readonly DecisionRecord[],
  ): void {
    this.recordValue = record;
    this.runs.length = 0;
    this.byId.clear();
    this.series.clear();
    this.chartRuns.clear();
    this.decisionList.length = 0;
    for (const run of [...runs].sort((a, b) => a.index - b.index)) this.upsertRun(run);
    for (const point of metrics) this.addPoint(point);
    this.decisionList.push(...decisions);
    this.changed();
  }

  get record(): SweepRecord {
    return this.recordValue;
  }

  get id(): string {
    return this.recordValue.id;
  }

  get version(): number {
    return this.versionValue;
  }

  get runCount(): number {
    return this.runs.length;
  }

  get decisions(): readonly DecisionRecord[] {
    return this.decisionList;
  }

  run(id: string): RunRecord | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.runs[i];
  }

  /** A run's values of one metric in logged order (its current attempt). */
  curve(runId: string, metric: string): readonly number[] {
    return this.series.get(runId)?.byName.get(metric) ?? [];
  }

  /** A run's metrics, name → values. */
  metricsOf(runId: string): ReadonlyMap<string, readonly number[]> {
    return this.series.get(runId)?.byName ?? new Map();
  }

  get metricNames(): readonly string[] {
    return [...this.metricNameSet].sort();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies live events from a running sweep (in order). */
  apply(events: readonly SweepEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case 'sweep':
          this.recordValue = event.sweep;
          break;
        case 'run':
          this.upsertRun(event.run);
          break;
        case 'metric':
          this.addPoint(event.point);
          break;
        case 'decision':
          this.decisionList.push(event.record);
          break;
      }
    }
    if (events.length > 0) this.changed();
  }

  /** Rows for the run table, in creation order. */
  rows(): readonly RunRow[] {
    if (this.rowCache === null) {
      this.rowCache = this.runs.map((run) => ({ run, params: this.flatParams(run), reason: reasonOf(run) }));
    }
    return this.rowCache;
  }

  chartData(): ChartData {
    if (this.chartCache !== null) return this.chartCache;
    const runs = this.runs.map((run) => this.chartRun(run));
    this.chartCache = {
      version: this.versionValue,
      primaryMetric: this.recordValue.config.primaryMetricName,
      goal: this.recordValue.config.primaryMetricGoal,
      metricNames: this.metricNames,
      params: paramColumns(
        runs.map((r) => r.params),
        this.hints,
      ),
      runs,
      concurrency: this.recordValue.concurrency,
    };
    return this.chartCache;
  }

  private chartRun(run: RunRecord): ChartRun {
    const cached = this.chartRuns.get(run.id);
    if (cached !== undefined) return cached;
    const series = this.series;
    const made: ChartRun = {
      id: run.id,
      index: run.index,
      status: run.status,
      params: this.flatParams(run),
      best: run.bestMetric,
      terminated: run.termination?.kind === 'policy',
      reason: reasonOf(run),
      timing: {
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        backend: run.backend,
        worker: run.worker ?? null,
      },
      curve: (metric) => series.get(run.id)?.byName.get(metric) ?? [],
    };
    this.chartRuns.set(run.id, made);
    return made;
  }

  private flatParams(run: RunRecord): Readonly<Record<string, Primitive>> {
    let flat = this.flat.get(run.id);
    if (flat === undefined) {
      flat = flattenParams(run.params);
      this.flat.set(run.id, flat);
    }
    return flat;
  }

  private upsertRun(run: RunRecord): void {
    const i = this.byId.get(run.id);
    if (i === undefined) {
      this.byId.set(run.id, this.runs.length);
      this.runs.push(run);
    } else {
      this.runs[i] = run;
    }
    this.chartRuns.delete(run.id);
    const series = this.series.get(run.id);
    // A run re-run after an interruption starts a new attempt: its old curve is not its curve.
    if (series !== undefined && series.attempt < run.attempt) {
      series.attempt = run.attempt;
      series.byName.clear();
    }
  }

  private addPoint(point: MetricPoint): void {
    const run = this.run(point.runId);
    const attempt = run?.attempt ?? point.attempt;
    if (point.attempt < attempt) return;
    let series = this.series.get(point.runId);
    if (series === undefined || series.attempt < point.attempt) {
      series = { attempt: point.attempt, byName: new Map() };
      this.series.set(point.runId, series);
    }
    let values = series.byName.get(point.name);
    if (values === undefined) {
      values = [];
      series.byName.set(point.name, values);
    }
    // Points arrive in order; a duplicate delivery (the same step again) must not lengthen the curve.
    if (point.step < values.length) values[point.step] = point.value;
    else values.push(point.value);
    this.metricNameSet.add(point.name);
  }

  private changed(): void {
    this.versionValue += 1;
    this.chartCache = null;
    this.rowCache = null;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (error) {
          // One broken view must not stop the others from updating.
          console.error(error);
        }
      }
    });
  }
}

function reasonOf(run: RunRecord): string | null {
  if (run.termination !== null) return terminationText(run.termination) + afterDecisionNote(run);
  if (run.error !== null) return run.error.message;
  return null;
}

/** Reports that arrived after a policy's decision are kept and shown, but never counted as the run's best. */
function afterDecisionNote(run: RunRecord): string {
  const after = run.afterDecision;
  if (after === undefined || after === null || after.intervals === 0) return '';
  const best = after.bestMetric === null ? '' : `, best ${formatValue(after.bestMetric)}`;
  return ` · ${after.intervals} interval${after.intervals === 1 ? '' : 's'} logged after the decision (not counted${best})`;
}
