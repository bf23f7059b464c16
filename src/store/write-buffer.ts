import type {
  DecisionRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  SweepBackendReport,
  SweepRecord,
} from './records.js';

/** Everything one write transaction stores. */
export interface WriteBatch {
  readonly experiments: readonly ExperimentRecord[];
  /**
   * A sweep without a `backendReport` keeps the stored one (see `SweepRecord.backendReport`);
   * a report for a sweep also in this batch is already merged into it.
   */
  readonly sweeps: readonly SweepRecord[];
  /** Reports for sweeps not otherwise in this batch: each replaces the stored sweep's one. */
  readonly backendReports: readonly BackendReportWrite[];
  /** Names for sweeps not otherwise in this batch: each replaces the stored sweep's name. */
  readonly sweepNames: readonly SweepNameWrite[];
  readonly runs: readonly RunRecord[];
  readonly metrics: readonly MetricPoint[];
  readonly decisions: readonly DecisionRecord[];
}

export interface BackendReportWrite {
  readonly sweepId: string;
  readonly report: SweepBackendReport;
}

export interface SweepNameWrite {
  readonly sweepId: string;
  readonly name: string;
}

/**
 * Writes waiting for the next transaction. Keyed records are coalesced (a run updated ten times
 * between flushes is written once, as its last state); appended records keep their order. A
 * batch is committed as one transaction, so coalescing can never make a sweep's final status
 * visible before the run updates that preceded it.
 */
export class WriteBuffer {
  private experiments = new Map<string, ExperimentRecord>();
  private sweeps = new Map<string, SweepRecord>();
  private backendReports = new Map<string, SweepBackendReport>();
  private sweepNames = new Map<string, string>();
  private runs = new Map<string, RunRecord>();
  private metrics: MetricPoint[] = [];
  private decisions: DecisionRecord[] = [];

  get isEmpty(): boolean {
    return (
      this.experiments.size === 0 &&
      this.sweeps.size === 0 &&
      this.backendReports.size === 0 &&
      this.sweepNames.size === 0 &&
      this.runs.size === 0 &&
      this.metrics.length === 0 &&
      this.decisions.length === 0
    );
  }

  /** Appended records waiting, which is what bounds the buffer's memory. */
  get appendedCount(): number {
    return this.metrics.length + this.decisions.length;
  }

  /** The first record for an experiment wins, as in the in-memory store: it keeps its creation time. */
  addExperiment(record: ExperimentRecord): void {
    const key = `${record.workspace}\u0000${record.name}`;
    if (!this.experiments.has(key)) this.experiments.set(key, record);
  }

  /** A record without a backend report or a name keeps the one buffered for it, as the store keeps a stored one. */
  addSweep(record: SweepRecord): void {
    const report =
      record.backendReport ?? this.backendReports.get(record.id) ?? this.sweeps.get(record.id)?.backendReport;
    const name = record.name ?? this.sweepNames.get(record.id) ?? this.sweeps.get(record.id)?.name;
    this.backendReports.delete(record.id);
    this.sweepNames.delete(record.id);
    let merged = record;
    if (report !== undefined && record.backendReport === undefined) merged = { ...merged, backendReport: report };
    if (name !== undefined && record.name === undefined) merged = { ...merged, name };
    this.sweeps.set(record.id, merged);
  }

  addBackendReport(sweepId: string, report: SweepBackendReport): void {
    const sweep = this.sweeps.get(sweepId);
    if (sweep !== undefined) this.sweeps.set(sweepId, { ...sweep, backendReport: report });
    else this.backendReports.set(sweepId, report);
  }

  addSweepName(sweepId: string, name: string): void {
    const sweep = this.sweeps.get(sweepId);
    if (sweep !== undefined) this.sweeps.set(sweepId, { ...sweep, name });
    else this.sweepNames.set(sweepId, name);
  }

  addRun(record: RunRecord): void {
    this.runs.set(record.id, record);
  }

  addMetrics(points: readonly MetricPoint[]): void {
    for (const point of points) this.metrics.push(point);
  }

  addDecisions(records: readonly DecisionRecord[]): void {
    for (const record of records) this.decisions.push(record);
  }

  /** Hands over everything buffered and starts empty. */
  take(): WriteBatch {
    const batch: WriteBatch = {
      experiments: [...this.experiments.values()],
      sweeps: [...this.sweeps.values()],
      backendReports: [...this.backendReports].map(([sweepId, report]) => ({ sweepId, report })),
      sweepNames: [...this.sweepNames].map(([sweepId, name]) => ({ sweepId, name })),
      runs: [...this.runs.values()],
      metrics: this.metrics,
      decisions: this.decisions,
    };
    this.experiments = new Map();
    this.sweeps = new Map();
    this.backendReports = new Map();
    this.sweepNames = new Map();
    this.runs = new Map();
    this.metrics = [];
    this.decisions = [];
    return batch;
  }
}

/** Names what a batch held by the calls that put it there, for an error message. */
export function describeBatch(batch: WriteBatch): string {
  const parts: string[] = [];
  const add = (count: number, what: string, op: string): void => {
    if (count > 0) parts.push(`${count} ${what}${count === 1 ? '' : 's'} (${op})`);
  };
  add(batch.experiments.length, 'experiment', 'putExperiment');
  add(batch.sweeps.length, 'sweep', 'putSweep');
  add(batch.backendReports.length, 'backend report', 'putBackendReport');
  add(batch.sweepNames.length, 'sweep name', 'putSweepName');
  add(batch.runs.length, 'run', 'putRun');
  add(batch.metrics.length, 'metric point', 'appendMetrics');
  add(batch.decisions.length, 'decision', 'appendDecisions');
  return parts.length === 0 ? 'an empty batch' : parts.join(', ');
}

/**
 * Copies a metric point field by field, checking types. A point is a flat record, so this is the
 * cheap equivalent of a structured clone, and a malformed point is refused by the call that
 * brought it instead of aborting a whole batch of good ones later.
 */
export function copyMetricPoint(point: MetricPoint, index: number): MetricPoint {
  const fail = (field: string, rule: string): never => {
    throw new TypeError(`point ${index}: ${field} ${rule} (got ${typeof point[field as keyof MetricPoint]})`);
  };
  if (typeof point !== 'object' || point === null) throw new TypeError(`point ${index}: must be an object`);
  if (typeof point.sweepId !== 'string') fail('sweepId', 'must be a string');
  if (typeof point.runId !== 'string') fail('runId', 'must be a string');
  if (typeof point.name !== 'string') fail('name', 'must be a string');
  if (typeof point.attempt !== 'number') fail('attempt', 'must be a number');
  if (typeof point.step !== 'number') fail('step', 'must be a number');
  if (typeof point.value !== 'number') fail('value', 'must be a number');
  if (typeof point.time !== 'number') fail('time', 'must be a number');
  return {
    sweepId: point.sweepId,
    runId: point.runId,
    attempt: point.attempt,
    name: point.name,
    step: point.step,
    value: point.value,
    time: point.time,
  };
}

/** `Name: message` of anything thrown, keeping a DOMException's name (QuotaExceededError, ...). */
export function errorText(error: unknown): string {
  if (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) {
    // Chromium's QuotaExceededError comes with an empty message.
    return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * Sorted integer keys folded into contiguous [first, last] ranges, so deleting a sweep's metrics
 * takes a few range deletes instead of one request per point. A range only ever spans keys that
 * are all in the list, so it cannot touch another sweep's records.
 */
export function contiguousRanges(keys: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const sorted = [...keys].sort((a, b) => a - b);
  for (const key of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && Number.isInteger(key) && key === last[1] + 1) last[1] = key;
    else ranges.push([key, key]);
  }
  return ranges;
}
