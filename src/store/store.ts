import type {
  CheckpointRecord,
  DecisionRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  SweepRecord,
} from './records.js';

/**
 * Where sweeps, runs, metrics and decisions persist. The in-memory store serves Node and tests;
 * the IndexedDB store serves the browser. Writes may be batched, so `flush` is the point after
 * which everything written before it is durable.
 */
export interface Store {
  putExperiment(record: ExperimentRecord): Promise<void>;
  /** A record without a `backendReport` keeps the one stored for the sweep, if any. */
  putSweep(record: SweepRecord): Promise<void>;
  putRun(record: RunRecord): Promise<void>;
  appendMetrics(points: readonly MetricPoint[]): Promise<void>;
  appendDecisions(records: readonly DecisionRecord[]): Promise<void>;
  /** Durable once the promise resolves, whatever the store's batching of other writes. */
  putCheckpoint(record: CheckpointRecord): Promise<void>;

  listExperiments(workspace: string): Promise<ExperimentRecord[]>;
  getSweep(id: string): Promise<SweepRecord | undefined>;
  listSweeps(workspace: string, experiment?: string): Promise<SweepRecord[]>;
  listRuns(sweepId: string): Promise<RunRecord[]>;
  /** Points in the order they were logged. */
  listMetrics(sweepId: string, runId?: string): Promise<MetricPoint[]>;
  listDecisions(sweepId: string): Promise<DecisionRecord[]>;
  /** The run's checkpoint with the highest sequence, if any. */
  latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined>;
  /** Removes a sweep with its runs, metrics, decisions and checkpoints. */
  deleteSweep(id: string): Promise<void>;

  flush(): Promise<void>;
  close(): Promise<void>;
}
