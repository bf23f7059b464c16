import type { DBSchema } from 'idb';
import type { MetricChunk } from './metric-chunks.js';
import type { CheckpointRecord, DecisionRecord, ExperimentRecord, RunRecord, SweepRecord } from './records.js';

/**
 * The IndexedDB layout of a workspace, as idb's typed schema. Metric chunks (see
 * metric-chunks.ts) and decisions have out-of-line auto-increment keys: the key orders them as
 * logged, and a stored value is exactly what was appended (no key field mixed in).
 */
export interface OverdriveDbSchema extends DBSchema {
  experiments: { key: [string, string]; value: ExperimentRecord };
  sweeps: {
    key: string;
    value: SweepRecord;
    indexes: { 'by-workspace': string; 'by-experiment': [string, string] };
  };
  runs: { key: string; value: RunRecord; indexes: { 'by-sweep': string } };
  metrics: { key: number; value: MetricChunk; indexes: { 'by-sweep': string; 'by-run': [string, string] } };
  decisions: { key: number; value: DecisionRecord; indexes: { 'by-sweep': string } };
  checkpoints: { key: [string, number]; value: CheckpointRecord; indexes: { 'by-sweep': string } };
}

export type OverdriveStoreName = 'experiments' | 'sweeps' | 'runs' | 'metrics' | 'decisions' | 'checkpoints';

/** What a write batch touches. Every batch names all of them so batches always overlap and commit in order. */
export const BATCH_STORES = [
  'experiments',
  'sweeps',
  'runs',
  'metrics',
  'decisions',
] as const satisfies readonly OverdriveStoreName[];

export const ALL_STORES = [...BATCH_STORES, 'checkpoints'] as const satisfies readonly OverdriveStoreName[];

/**
 * One schema migration. `apply` runs inside the `versionchange` transaction; it may issue
 * requests (cursors to rewrite data) but must not await anything else, or the transaction
 * commits under it.
 */
export interface UpgradeStep {
  /** The version this step brings the database to. */
  readonly version: number;
  readonly description: string;
  apply(db: IDBDatabase, tx: IDBTransaction): void;
}

/**
 * The schema history. Append a step to change the layout; never edit a shipped one, because a
 * browser that already ran it will not run it again. A database at any older version is brought
 * forward through every later step in order, which is the `if (oldVersion < 1) {...}
 * if (oldVersion < 2) {...}` ladder written as data so it can be checked and tested.
 */
export const SCHEMA_STEPS: readonly UpgradeStep[] = [
  {
    version: 1,
    description: 'experiments, sweeps, runs, metrics, decisions and checkpoints',
    apply(db) {
      db.createObjectStore('experiments', { keyPath: ['workspace', 'name'] });
      const sweeps = db.createObjectStore('sweeps', { keyPath: 'id' });
      sweeps.createIndex('by-workspace', 'workspace');
      sweeps.createIndex('by-experiment', ['workspace', 'experiment']);
      const runs = db.createObjectStore('runs', { keyPath: 'id' });
      runs.createIndex('by-sweep', 'sweepId');
      const metrics = db.createObjectStore('metrics', { autoIncrement: true });
      metrics.createIndex('by-sweep', 'sweepId');
      metrics.createIndex('by-run', ['sweepId', 'runId']);
      const decisions = db.createObjectStore('decisions', { autoIncrement: true });
      decisions.createIndex('by-sweep', 'sweepId');
      const checkpoints = db.createObjectStore('checkpoints', { keyPath: ['runId', 'sequence'] });
      checkpoints.createIndex('by-sweep', 'sweepId');
    },
  },
];

/** The version a step list describes; throws unless its versions are exactly 1, 2, ..., n. */
export function schemaVersion(steps: readonly UpgradeStep[]): number {
  if (steps.length === 0) throw new Error('a schema needs at least one upgrade step');
  steps.forEach((step, i) => {
    if (step.version !== i + 1) {
      throw new Error(
        `upgrade step ${i + 1} ("${step.description}") has version ${step.version}; steps must be numbered 1, 2, 3, ... in order`,
      );
    }
  });
  return steps.length;
}

/** The steps that take a database from `oldVersion` to `newVersion`, oldest first. */
export function stepsToRun(steps: readonly UpgradeStep[], oldVersion: number, newVersion: number): UpgradeStep[] {
  return steps.filter((step) => step.version > oldVersion && step.version <= newVersion);
}

export const SCHEMA_VERSION = schemaVersion(SCHEMA_STEPS);
