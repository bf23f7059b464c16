import { mergeStoredSweep } from './sweep-merge.js';
import type {
  CheckpointRecord,
  DecisionRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  SweepBackendReport,
  SweepRecord,
} from './records.js';
import type { Store } from './store.js';

/**
 * A store that lives as long as the page or process. Records are cloned on the way in and out
 * so a caller mutating what it got back can never change what is stored.
 */
export class MemoryStore implements Store {
  private readonly experiments = new Map<string, ExperimentRecord>();
  private readonly sweeps = new Map<string, SweepRecord>();
  private readonly runs = new Map<string, RunRecord>();
  private readonly metrics = new Map<string, MetricPoint[]>();
  private readonly decisions = new Map<string, DecisionRecord[]>();
  private readonly checkpoints = new Map<string, CheckpointRecord>();

  async putExperiment(record: ExperimentRecord): Promise<void> {
    const key = `${record.workspace}\u0000${record.name}`;
    if (!this.experiments.has(key)) this.experiments.set(key, structuredClone(record));
  }

  /** A record without a `backendReport` or a `name` keeps the stored one (see `mergeStoredSweep`). */
  async putSweep(record: SweepRecord): Promise<void> {
    this.sweeps.set(record.id, mergeStoredSweep(structuredClone(record), this.sweeps.get(record.id)));
  }

  /** Names a stored sweep (the name checked by the caller); a sweep that is not stored gets none. */
  async putSweepName(sweepId: string, name: string): Promise<void> {
    const stored = this.sweeps.get(sweepId);
    if (stored !== undefined) this.sweeps.set(sweepId, { ...stored, name });
  }

  /** Replaces a stored sweep's backend report; a sweep that is not stored gets none. */
  async putBackendReport(sweepId: string, report: SweepBackendReport): Promise<void> {
    const stored = this.sweeps.get(sweepId);
    if (stored !== undefined) this.sweeps.set(sweepId, { ...stored, backendReport: structuredClone(report) });
  }

  async putRun(record: RunRecord): Promise<void> {
    this.runs.set(record.id, structuredClone(record));
  }

  async appendMetrics(points: readonly MetricPoint[]): Promise<void> {
    appendBySweep(this.metrics, points, (point) => ({ ...point }));
  }

  async appendDecisions(records: readonly DecisionRecord[]): Promise<void> {
    appendBySweep(this.decisions, records, (record) => structuredClone(record));
  }

  async putCheckpoint(record: CheckpointRecord): Promise<void> {
    const current = this.checkpoints.get(record.runId);
    if (current === undefined || current.sequence <= record.sequence) {
      this.checkpoints.set(record.runId, structuredClone(record));
    }
  }

  async latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
    const checkpoint = this.checkpoints.get(runId);
    return checkpoint === undefined ? undefined : structuredClone(checkpoint);
  }

  async deleteSweep(id: string): Promise<void> {
    this.sweeps.delete(id);
    for (const [runId, run] of this.runs) {
      if (run.sweepId === id) this.runs.delete(runId);
    }
    for (const [runId, checkpoint] of this.checkpoints) {
      if (checkpoint.sweepId === id) this.checkpoints.delete(runId);
    }
    this.metrics.delete(id);
    this.decisions.delete(id);
  }

  async listExperiments(workspace: string): Promise<ExperimentRecord[]> {
    // Oldest first, ties by name: the order the IndexedDB store reads them in (its key order).
    return [...this.experiments.values()]
      .filter((e) => e.workspace === workspace)
      .sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => structuredClone(e));
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    const sweep = this.sweeps.get(id);
    return sweep === undefined ? undefined : structuredClone(sweep);
  }

  async listSweeps(workspace: string, experiment?: string): Promise<SweepRecord[]> {
    return [...this.sweeps.values()]
      .filter((s) => s.workspace === workspace && (experiment === undefined || s.experiment === experiment))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((s) => structuredClone(s));
  }

  async listRuns(sweepId: string): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .filter((r) => r.sweepId === sweepId)
      .sort((a, b) => a.index - b.index)
      .map((r) => structuredClone(r));
  }

  async listMetrics(sweepId: string, runId?: string): Promise<MetricPoint[]> {
    const list = this.metrics.get(sweepId) ?? [];
    return list.filter((p) => runId === undefined || p.runId === runId).map((p) => ({ ...p }));
  }

  async listDecisions(sweepId: string): Promise<DecisionRecord[]> {
    return (this.decisions.get(sweepId) ?? []).map((d) => structuredClone(d));
  }

  async flush(): Promise<void> {
    // Every write above is complete when its promise resolves: nothing is buffered.
  }

  async close(): Promise<void> {}
}

/** Appends copies of `items` to their sweep's list (metrics and decisions are kept per sweep). */
function appendBySweep<T extends { readonly sweepId: string }>(
  bySweep: Map<string, T[]>,
  items: readonly T[],
  copy: (item: T) => T,
): void {
  for (const item of items) {
    let list = bySweep.get(item.sweepId);
    if (list === undefined) {
      list = [];
      bySweep.set(item.sweepId, list);
    }
    list.push(copy(item));
  }
}
