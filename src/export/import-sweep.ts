import { ConfigError } from '../errors.js';
import type { DecisionRecord, MetricPoint, RunRecord, SweepRecord } from '../store/records.js';
import { TERMINAL_STATUSES } from '../store/records.js';
import type { Store } from '../store/store.js';
import { expectName, expectOneOf, expectPlainObject, rejectUnknownKeys } from '../validate/index.js';
import { seriesPoints } from './export-sweep.js';
import { validateSweepDocument } from './parse-sweep-document.js';
import type { SweepDocument } from './sweep-document.js';

export interface ImportSweepOptions {
  /** The workspace to import into (its name; the store is the one passed in). */
  readonly workspace: string;
  /** Default: the experiment the document names. */
  readonly experiment?: string;
  /**
   * When the store already holds a sweep with the document's id: `new-id` (the default) imports
   * it under a fresh id, `error` refuses. Existing data is never changed either way.
   */
  readonly onConflict?: 'new-id' | 'error';
  /** Makes the fresh sweep id; default `HD_` + a random UUID, as a workspace does. */
  readonly createSweepId?: () => string;
}

/** What an import changed relative to the document. */
export type ImportChange =
  | { readonly kind: 'sweep-id'; readonly from: string; readonly to: string }
  | { readonly kind: 'workspace'; readonly from: string; readonly to: string }
  | { readonly kind: 'experiment'; readonly from: string; readonly to: string }
  /** The sweep was unfinished when exported: stored as Canceled, nothing will continue it. */
  | { readonly kind: 'sweep-status'; readonly from: 'Queued' | 'Running'; readonly to: 'Canceled' }
  | {
      readonly kind: 'run-status';
      readonly runId: string;
      readonly from: 'Queued' | 'Running';
      readonly to: 'Canceled';
    };

export interface ImportResult {
  /** The id the sweep is stored under (the document's, unless it was taken). */
  readonly sweepId: string;
  readonly workspace: string;
  readonly experiment: string;
  /** Document run id → stored run id, in run order. */
  readonly runIds: ReadonlyMap<string, string>;
  /** Whether the experiment record was created (it did not exist in the workspace). */
  readonly experimentCreated: boolean;
  readonly counts: { readonly runs: number; readonly metricPoints: number; readonly decisions: number };
  readonly changes: readonly ImportChange[];
}

/** Points and decisions go to the store in slices, bounding each write's transaction and clone. */
const WRITE_SLICE = 50_000;
const NEW_ID_TRIES = 10;

/**
 * Writes a sweep document into `options.workspace` through the Store interface: the sweep, its
 * runs, metrics and decisions, and the experiment record when the workspace lacks it.
 *
 * The document is validated first unless parseSweepDocument or validateSweepDocument made it
 * (one from exportSweep, or built in code, is checked like a parsed file).
 * A sweep id already in the store is replaced by a fresh one (or refused, `onConflict:
 * 'error'`), its run ids rewritten to match; a sweep or run that was still Queued or Running when
 * exported is stored as Canceled with an `imported-unfinished` reason, so no page ever tries to
 * continue it. All or nothing: when a write fails, everything this import wrote is removed
 * (`store.deleteSweep`) and the write's error is thrown. Nothing already stored is modified: the
 * experiment record is written only when absent, and last, so a failed import leaves none.
 */
export function importSweep(store: Store, doc: SweepDocument, options: ImportSweepOptions): Promise<ImportResult> {
  const run = (importsInProgress.get(store) ?? Promise.resolve()).then(
    () => importOnce(store, doc, options),
    () => importOnce(store, doc, options),
  );
  importsInProgress.set(store, run);
  return run;
}

/**
 * Imports into one store go one at a time: two at once could both find an id free, and the
 * second would then overwrite the first's records.
 */
const importsInProgress = new WeakMap<Store, Promise<unknown>>();

async function importOnce(store: Store, doc: SweepDocument, options: ImportSweepOptions): Promise<ImportResult> {
  const given = expectPlainObject('options', options);
  rejectUnknownKeys('options', given, ['workspace', 'experiment', 'onConflict', 'createSweepId']);
  const workspace = expectName('options.workspace', options.workspace);
  const valid = validateSweepDocument(doc);
  const experiment =
    options.experiment === undefined ? valid.sweep.experiment : expectName('options.experiment', options.experiment);
  const onConflict = expectOneOf('options.onConflict', options.onConflict ?? 'new-id', ['new-id', 'error']);
  if (options.createSweepId !== undefined && typeof options.createSweepId !== 'function') {
    throw new ConfigError(
      'options.createSweepId',
      'must be a function returning a new sweep id',
      options.createSweepId,
    );
  }
  const createSweepId = options.createSweepId ?? (() => `HD_${globalThis.crypto.randomUUID()}`);

  const changes: ImportChange[] = [];
  const sweepId = await freeSweepId(store, valid.sweep.id, onConflict, createSweepId);
  if (sweepId !== valid.sweep.id) changes.push({ kind: 'sweep-id', from: valid.sweep.id, to: sweepId });
  if (workspace !== valid.sweep.workspace)
    changes.push({ kind: 'workspace', from: valid.sweep.workspace, to: workspace });
  if (experiment !== valid.sweep.experiment)
    changes.push({ kind: 'experiment', from: valid.sweep.experiment, to: experiment });

  const runIds = new Map(valid.runs.map((run) => [run.id, `${sweepId}_${run.index}`]));
  const newRunId = (id: string): string => runIds.get(id) ?? id;
  const sweep = importedSweep(valid, sweepId, workspace, experiment, changes, newRunId);
  const runs = valid.runs.map((run) => importedRun(run, sweepId, newRunId(run.id), valid.exportedAt, changes));
  const decisions: DecisionRecord[] = valid.decisions.map((d) => ({ ...d, sweepId, runId: newRunId(d.runId) }));
  const experimentCreated = !(await store.listExperiments(workspace)).some((e) => e.name === experiment);

  let metricPoints = 0;
  try {
    for (const run of runs) await store.putRun(run);
    let slice: MetricPoint[] = [];
    for (const series of valid.metrics) {
      const points = seriesPoints(series, sweepId, newRunId(series.runId));
      metricPoints += points.length;
      for (const point of points) slice.push(point);
      if (slice.length >= WRITE_SLICE) {
        await store.appendMetrics(slice);
        slice = [];
      }
    }
    if (slice.length > 0) await store.appendMetrics(slice);
    for (let i = 0; i < decisions.length; i += WRITE_SLICE)
      await store.appendDecisions(decisions.slice(i, i + WRITE_SLICE));
    // The sweep after its runs: a page listing sweeps never sees it without them.
    await store.putSweep(sweep);
    await store.flush();
    // The experiment record cannot be rolled back (the Store has no delete for it), so it is
    // written only once everything else is durable: a failed import leaves no empty experiment.
    if (experimentCreated) {
      await store.putExperiment({ workspace, name: experiment, createdAt: sweep.createdAt });
      await store.flush();
    }
  } catch (error) {
    await rollBack(store, sweepId, error);
  }
  return {
    sweepId,
    workspace,
    experiment,
    runIds,
    experimentCreated,
    counts: { runs: runs.length, metricPoints, decisions: decisions.length },
    changes,
  };
}

async function freeSweepId(
  store: Store,
  id: string,
  onConflict: 'new-id' | 'error',
  createSweepId: () => string,
): Promise<string> {
  if ((await store.getSweep(id)) === undefined) return id;
  if (onConflict === 'error') {
    throw new ConfigError('sweep.id', 'must not name a sweep the store already holds (onConflict is "error")', id);
  }
  for (let i = 0; i < NEW_ID_TRIES; i++) {
    const candidate = expectName('createSweepId()', createSweepId());
    if ((await store.getSweep(candidate)) === undefined) return candidate;
  }
  throw new Error(`could not find a free sweep id for the import in ${NEW_ID_TRIES} tries of createSweepId()`);
}

function isUnfinished(status: SweepRecord['status']): status is 'Queued' | 'Running' {
  return !TERMINAL_STATUSES.has(status);
}

function importedSweep(
  doc: SweepDocument,
  id: string,
  workspace: string,
  experiment: string,
  changes: ImportChange[],
  newRunId: (id: string) => string,
): SweepRecord {
  const report = doc.sweep.backendReport;
  const base = {
    ...doc.sweep,
    id,
    workspace,
    experiment,
    ...(report === undefined
      ? {}
      : {
          backendReport: {
            ...report,
            notes: report.notes.map((n) => ({ ...n, runId: n.runId === null ? null : newRunId(n.runId) })),
          },
        }),
  };
  const { status } = doc.sweep;
  if (!isUnfinished(status)) return base;
  changes.push({ kind: 'sweep-status', from: status, to: 'Canceled' });
  // A paused sweep imported elsewhere cannot be resumed there (its trials and checkpoints stayed behind).
  const { paused: _paused, ...unpaused } = base;
  return {
    ...unpaused,
    status: 'Canceled',
    endReason: { kind: 'imported-unfinished', status, exportedAt: doc.exportedAt },
    // What this copy knows of it ends at the export.
    endedAt: base.endedAt ?? Date.parse(doc.exportedAt),
  };
}

function importedRun(
  run: RunRecord,
  sweepId: string,
  id: string,
  exportedAt: string,
  changes: ImportChange[],
): RunRecord {
  const base = { ...run, id, sweepId };
  const { status } = run;
  if (!isUnfinished(status)) return base;
  changes.push({ kind: 'run-status', runId: id, from: status, to: 'Canceled' });
  return {
    ...base,
    status: 'Canceled',
    termination: { kind: 'imported-unfinished', status },
    endedAt: base.endedAt ?? (base.startedAt === null ? null : Date.parse(exportedAt)),
  };
}

async function rollBack(store: Store, sweepId: string, error: unknown): Promise<never> {
  try {
    await store.deleteSweep(sweepId);
  } catch (cleanup) {
    const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));
    throw new Error(
      `importing sweep ${sweepId} failed (${reason(error)}), and removing what it had written failed too (${reason(cleanup)})`,
      { cause: error },
    );
  }
  throw error;
}
