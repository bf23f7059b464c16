// The Studio's one door to the engine. Every other module under src/studio imports engine code
// and engine types from here and nowhere else outside src/studio (test/unit/studio-facade.test.ts
// enforces it; the stylesheet under ./styles is the Studio's own). So when the engine moves a
// file or renames a method, this module is the only Studio file that changes, and what the Studio
// relies on is listed in one place.
//
// What is here, in four parts: the workspace (StudioEngine: open one, list, read, run, continue,
// delete, export and import sweeps), the running-sweep handles it returns, the pure helpers and
// tables the views compute with, and the record types the views draw.
import { BrowserWorkspace, type RunningSweep, type SubmitOptions } from '../browser/browser-workspace.js';
import type { HyperDriveConfig } from '../experiment/config.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { TryModel } from '../browser/try-model.js';
import {
  exportSweep,
  importSweep,
  parseSweepDocument,
  sweepDocumentText,
  sweepMetricsCsv,
  sweepRunsCsv,
} from '../export/index.js';
import { checkSweepName, type RunRecord, type SweepBackendReport, type SweepRecord } from '../store/records.js';
import { expectNote, withNote, type MoreRuns } from '../experiment/steering.js';
import type { PriorRun, PriorSweep } from '../experiment/prior.js';
import { DatasetStore, type DatasetSummary } from '../browser/datasets/index.js';
import type { TableProfile } from '../data/index.js';

/** The three ways a stored sweep is exported: the re-importable JSON document, or one of two CSV tables. */
export type SweepExportKind = 'json' | 'runs-csv' | 'metrics-csv';

/** An exported sweep, ready to save as a file. */
export interface SweepFileDownload {
  readonly text: string;
  readonly fileName: string;
  readonly type: string;
}

/**
 * One workspace (one IndexedDB database, its worker pools and locks) as the Studio uses it.
 * Everything the pages read or change in the engine goes through these methods.
 */
export class StudioEngine {
  private datasetsOf: StudioDatasets | null = null;

  private constructor(private readonly workspace: BrowserWorkspace) {}

  /** The datasets stored in this workspace (opened on first use: most pages never need them). */
  get datasets(): StudioDatasets {
    this.datasetsOf ??= new StudioDatasets(this.workspace.name);
    return this.datasetsOf;
  }

  /**
   * `onUpgradedElsewhere` is told when another tab upgrades the workspace's database (a newer
   * version of the app): this tab's connection closes rather than block the upgrade.
   */
  static async open(name: string, onUpgradedElsewhere: () => void): Promise<StudioEngine> {
    return new StudioEngine(await BrowserWorkspace.open({ name, store: { onVersionChange: onUpgradedElsewhere } }));
  }

  get name(): string {
    return this.workspace.name;
  }

  /** The workspace's store, for the view models that load a sweep (and for tests, from the console). */
  get store(): BrowserWorkspace['store'] {
    return this.workspace.store;
  }

  submit(experiment: string, config: HyperDriveConfig, options: SubmitOptions): Promise<RunningSweep> {
    return this.workspace.submit(experiment, config, options);
  }

  continueSweep(sweepId: string, options: SubmitOptions): Promise<RunningSweep> {
    return this.workspace.continueSweep(sweepId, options);
  }

  /** A finished sweep goes on with a larger budget, its sampler where it stopped (see BrowserWorkspace). */
  continueWithMoreRuns(sweepId: string, change: MoreRuns, options: SubmitOptions): Promise<RunningSweep> {
    return this.workspace.continueWithMoreRuns(sweepId, change, options);
  }

  /** A stored sweep as a warm start (`resumeFrom`) for a new one. */
  loadPriorSweep(sweepId: string): Promise<PriorSweep> {
    return this.workspace.loadPriorSweep(sweepId);
  }

  /** Stored runs of one sweep to resume from their checkpoints (`resumeChildRuns`). */
  loadPriorRuns(sweepId: string, runIds: readonly string[]): Promise<PriorRun[]> {
    return this.workspace.loadPriorRuns(sweepId, runIds);
  }

  /**
   * Sets (blank text: removes) the note of a sweep no page runs; a sweep running here takes its
   * note through its handle (`Sweep.setNote`), so its own writes keep it. Validated (ConfigError).
   */
  async setSweepNote(sweepId: string, note: string): Promise<SweepRecord> {
    const text = expectNote('note', note);
    const record = await this.workspace.store.getSweep(sweepId);
    if (record === undefined) throw new Error(`no stored sweep ${JSON.stringify(sweepId)}`);
    const next = withNote(record, text);
    await this.workspace.store.putSweep(next);
    return next;
  }

  /** Sets (or removes) the note of a run of a sweep no page runs. */
  async setRunNote(sweepId: string, runId: string, note: string): Promise<RunRecord> {
    const text = expectNote('note', note);
    const run = (await this.workspace.store.listRuns(sweepId)).find((r) => r.id === runId);
    if (run === undefined)
      throw new Error(`no stored run ${JSON.stringify(runId)} in sweep ${JSON.stringify(sweepId)}`);
    const next = withNote(run, text);
    await this.workspace.store.putRun(next);
    return next;
  }

  listSweeps(): Promise<SweepRecord[]> {
    return this.workspace.store.listSweeps(this.workspace.name);
  }

  /** Stored sweeps that say Queued or Running while no page runs them: they can be continued. */
  listInterruptedSweeps(): Promise<SweepRecord[]> {
    return this.workspace.listInterruptedSweeps();
  }

  /** Whether some tab holds the sweep's Web Lock (runs it); cheap: no database read. */
  isSweepHeld(sweepId: string): Promise<boolean> {
    return this.workspace.isSweepHeld(sweepId);
  }

  getSweep(sweepId: string): Promise<SweepRecord | undefined> {
    return this.workspace.store.getSweep(sweepId);
  }

  listRuns(sweepId: string): Promise<RunRecord[]> {
    return this.workspace.store.listRuns(sweepId);
  }

  deleteSweep(sweepId: string): Promise<void> {
    return this.workspace.store.deleteSweep(sweepId);
  }

  /**
   * Names a stored sweep (a ConfigError naming the rule when the name is not valid). Kept with
   * the record through every later status update, and in its export.
   */
  async renameSweep(sweepId: string, name: string): Promise<void> {
    const checked = checkSweepName(name);
    await this.workspace.store.putSweepName(sweepId, checked);
    await this.workspace.store.flush();
  }

  saveBackendReport(sweepId: string, report: SweepBackendReport): Promise<void> {
    return this.workspace.store.putBackendReport(sweepId, report);
  }

  /** Whether a run left a model (a checkpoint) that can be saved. */
  async modelStored(runId: string): Promise<boolean> {
    return (await this.workspace.store.latestCheckpoint(runId)) !== undefined;
  }

  /** Saves a run's model to `indexeddb://NAME`, `downloads://NAME` or `localstorage://NAME`. */
  async exportModel(runId: string, destination: string): Promise<void> {
    await this.workspace.exportModel({ runId }, destination);
  }

  /**
   * "Try it" (issue 15): the sweep's best model with its preparation, loaded on this page:
   * `predictRecord({ column: value })` for a table, `predictImage(image)` for an image folder.
   * Rejects naming why (no run saved a model, or the sweep trained on no dataset).
   */
  tryBestModel(sweepId: string): Promise<TryModel> {
    return this.workspace.tryModel({ bestOf: sweepId });
  }

  /** A stored sweep as a file: the JSON document (re-importable) or a CSV table. */
  async exportSweep(sweepId: string, kind: SweepExportKind): Promise<SweepFileDownload> {
    // Writes still buffered belong in the export.
    await this.workspace.store.flush();
    const doc = await exportSweep(this.workspace.store, sweepId);
    const stem = sweepId.replace(/[^A-Za-z0-9._-]+/g, '_');
    switch (kind) {
      case 'json':
        return { text: sweepDocumentText(doc), fileName: `${stem}.sweep.json`, type: 'application/json' };
      case 'runs-csv':
        return { text: sweepRunsCsv(doc), fileName: `${stem}.runs.csv`, type: 'text/csv' };
      case 'metrics-csv':
        return { text: sweepMetricsCsv(doc), fileName: `${stem}.metrics.csv`, type: 'text/csv' };
    }
  }

  /** Imports an exported sweep document (its text) into this workspace; resolves to the new sweep's id. */
  async importSweep(text: string): Promise<string> {
    const doc = parseSweepDocument(text);
    const result = await importSweep(this.workspace.store, doc, { workspace: this.workspace.name });
    return result.sweepId;
  }
}

// Running sweeps and the pool that trains them.
export type { RunningSweep, SubmitOptions } from '../browser/browser-workspace.js';
export type { SweepEvent } from '../experiment/orchestrator.js';
export type { Sweep } from '../experiment/sweep.js';
export type { PoolDiagnostic } from '../pool/worker-pool.js';
/**
 * What the Studio reads from the pool that trains a sweep: its backend news, for the sweep's
 * backend report, and its live figures (`stats`, read by the bench from the console). Nothing
 * else of the pool is the Studio's business.
 */
export type SweepPool = Pick<
  WorkerPool,
  'backend' | 'sizeReport' | 'calibrations' | 'diagnostics' | 'subscribe' | 'stats'
>;

// Steering a sweep: its limits, pause and resume, more runs, warm start and resumed runs, notes.
export type { LimitsApplied, LimitsChange, MoreRuns } from '../experiment/steering.js';
export type { PriorRun, PriorSweep } from '../experiment/prior.js';
export { MAX_NOTE_LENGTH, type PauseMode } from '../store/records.js';
export { toSweepFile } from '../sweep-file/to-sweep-file.js';

// Browser storage (quota, persistence, models saved to indexeddb://).
export {
  listSavedModels,
  removeSavedModel,
  requestPersistence,
  savedModelExists,
  storageReport,
} from '../browser/storage.js';

// Building a sweep: the configuration, the sweep file and its exports, the built-in examples.
export { ConfigError } from '../errors.js';
// "Try it" (issue 15): the best model on the person's data, loaded with its preparation.
export { loadTryModel, type Prediction, type TryImage, type TryModel } from '../browser/try-model.js';
export { BUILTIN_EXAMPLES, DATA_TEMPLATES, isDataTemplate, type DataTemplateName } from '../examples/registry.js';
export {
  IMAGE_CNN_SEARCH_SPACE,
  TABULAR_MLP_SEARCH_SPACE,
  TEMPLATE_METRICS,
  TEMPLATE_PRIMARY_METRIC,
  templateSearchSpace,
} from '../examples/template-spaces.js';
export { HyperDriveConfig, type HyperDriveConfigOptions } from '../experiment/config.js';
export { normalizeSweepFile, parseSweepFile, type ParsedSweepFile } from '../sweep-file/parse-sweep-file.js';
export { decodeShareLink, encodeShareLink, SHARE_LINK_PARAMETER } from '../sweep-file/share-link.js';
export {
  SWEEP_FILE_PARAMETER_FIELDS,
  type SweepFileEarlyTermination,
  type SweepFileParameterType,
  type SweepFile,
} from '../sweep-file/sweep-file.js';
// The registries the builder's menus, labels and defaults come from.
export {
  FILE_POLICY_ROWS,
  NO_FILE_POLICY_ROW,
  POLICY_REGISTRY,
  type PolicyRow,
  policyRow,
} from '../policy/registry.js';
export type { MethodTeaching } from '../policy/row.js';
export type { PolicyDecision, PolicyRecord } from '../policy/policy.js';
export { SAMPLING_KINDS, SAMPLING_REGISTRY, samplingRow, type SamplingTeaching } from '../sampling/registry.js';
export type { RandomSamplingRule } from '../sampling/random.js';
export type { SamplingKind } from '../sampling/sampler.js';
export { EXPRESSION_FIELD_LABELS, EXPRESSION_KINDS, expressionRow } from '../space/registry.js';
export {
  exportSweepJobJson,
  exportSweepJobYaml,
  parseSweepJobText,
  type ParsedSweepJob,
} from '../sweep-file/sweep-job-text.js';
export { toOptunaScript } from '../sweep-file/to-optuna-script.js';
export {
  defaultModuleEntry,
  type ModuleFile,
  ModuleStoreError,
  storedModuleLocation,
  storeModuleFiles,
  type StoredModuleRef,
} from '../pool/module-store.js';
// Spec reading, checking and exports off the page's thread (issue 13, item 4).
export { specConnection } from '../browser/spec-worker.js';
export type {
  CheckedSweepFile,
  ConfigSummary,
  SpecCheck,
  SpecConfigExtras,
  SpecConnection,
  SpecExportFormat,
} from '../sweep-file/remote.js';
export { specDifferences } from '../sweep-file/spec-differences.js';
// The sweep files shipped in examples/, the builder's presets.
export { default as digitsCnnSweepFile } from '../../examples/digits-cnn.json';
export { default as digitsMlpSweepFile } from '../../examples/digits-mlp.json';
export { default as spiralSweepFile } from '../../examples/spiral.json';

// What the views compute with.
export { bestRun } from '../experiment/run-queries.js';
export { runStatusText, terminationText } from '../experiment/termination-text.js';
export { compareBestFirst, type PrimaryMetricGoal } from '../metric/goal.js';
export { createSearchSpace } from '../space/create-search-space.js';
export type { Primitive } from '../space/expression.js';
export { flattenParams } from '../space/flatten.js';
export type { NormalizedExpression, SearchSpace } from '../space/search-space.js';
export { reviveDefinition } from '../space/serialize.js';
export { SWEEP_DOCUMENT_LIMITS } from '../export/sweep-document.js';
export {
  importanceSteps,
  minRunsToTrust,
  spearman,
  type ImportanceInput,
  type ImportanceParam,
  type ImportanceResult,
  type ParamImportance,
} from '../analysis/importance/index.js';
export type { ImportanceReply, ImportanceRequest } from '../analysis/importance/remote.js';

// The records the views draw.
export {
  MAX_SWEEP_NAME_LENGTH,
  MAX_BACKEND_CALIBRATIONS,
  MAX_BACKEND_NOTES,
  type BackendCalibrationRecord,
  type BackendNoteRecord,
  type DecisionRecord,
  type MetricPoint,
  type RunRecord,
  type RunStatus,
  type SweepBackendReport,
  type SweepEndReason,
  type SweepRecord,
} from '../store/records.js';
export type { Store } from '../store/store.js';
export { checkWorkspaceName } from '../store/workspace-name.js';

// The public API, put on `window.overdrive` for the console and for browser tests.
export * as overdrive from '../index.js';

// Datasets (issue 15): the data step's core, the data worker's client and the dataset store.
export * as data from '../data/index.js';
export {
  DataClient,
  DatasetStore,
  type DataInspection,
  type DatasetSummary,
  type ImageFile,
  type ImageInspection,
  type StoredDataset,
  type TableInspection,
} from '../browser/datasets/index.js';

// Your data, no code (issue 15): what the Data step shows and the preparation it chooses.
export type {
  Cell,
  ColumnProfile,
  FeatureEncoding,
  FittedPreparation,
  ImagePreparation,
  ImagePreparationSpec,
  PreparationSpec,
  TableProfile,
  TaskKind,
} from '../data/index.js';
export {
  IMAGE_SIDE,
  MAX_IMAGE_FILES,
  parseImagePreparationSpec,
  parsePreparationSpec,
  preparationSpec,
  suggestTask,
} from '../data/index.js';

/** A file (CSV/TSV, JSON) or a folder of images (paths below the folder, `/`-separated) a person gave. */
export type PickedData =
  | { readonly kind: 'file'; readonly file: File }
  | { readonly kind: 'folder'; readonly name: string; readonly files: readonly FolderFile[] };

export interface FolderFile {
  /** Path below the picked folder, without the folder's own name: `cat/001.png`. */
  readonly path: string;
  readonly file: File;
}

/** How far reading a dataset has come. */
export interface DataProgress {
  readonly phase: string;
  /** 0..1, or null when the phase cannot say. */
  readonly fraction: number | null;
}

/** A dataset read, checked and stored, ready to describe. */
export type LoadedDataset =
  | { readonly kind: 'table'; readonly summary: DatasetSummary; readonly profile: TableProfile }
  | {
      readonly kind: 'images';
      readonly summary: DatasetSummary;
      readonly classes: readonly { readonly value: string; readonly count: number }[];
    };

/**
 * The workspace's stored datasets as the Studio uses them: read and check a picked file or
 * folder in the data worker and store it (nothing stored when it is refused), open a stored one
 * again, list and delete. The store itself (IndexedDB or OPFS by size, content ids) is
 * src/browser/datasets.
 */
export class StudioDatasets {
  private opened: Promise<DatasetStore> | null = null;

  constructor(private readonly workspace: string) {}

  private store(): Promise<DatasetStore> {
    if (this.opened === null) {
      const opening = DatasetStore.open(this.workspace);
      // A failed open is not kept: the next use tries again.
      opening.catch(() => {
        this.opened = null;
      });
      this.opened = opening;
    }
    return this.opened;
  }

  async load(picked: PickedData, progress: (p: DataProgress) => void, signal: AbortSignal): Promise<LoadedDataset> {
    progress({ phase: 'reading and checking it in the data worker', fraction: null });
    const store = await this.store();
    // Image paths keep the folder's name in front, as a folder picker's webkitRelativePath does.
    const source =
      picked.kind === 'file'
        ? picked.file
        : picked.files.map((f) => ({ path: `${picked.name}/${f.path}`, file: f.file }));
    const name = picked.kind === 'file' ? picked.file.name : picked.name;
    const stored = await store.put(name, source);
    signal.throwIfAborted();
    return loadedOf(stored.summary, stored.inspection);
  }

  async open(id: string, progress: (p: DataProgress) => void, signal: AbortSignal): Promise<LoadedDataset> {
    progress({ phase: 'reading it from this browser’s storage', fraction: null });
    const store = await this.store();
    const dataset = await store.get(id);
    if (dataset === null) {
      throw new Error(
        `The dataset ${id} is not stored in this browser (it was deleted, or the sweep came from elsewhere): pick the file again.`,
      );
    }
    signal.throwIfAborted();
    progress({ phase: 'checking it in the data worker', fraction: null });
    // Storing the same bytes again finds the stored record and answers with the inspection.
    const again = await store.put(dataset.summary.name, dataset.format === 'images' ? dataset.files : dataset.file);
    signal.throwIfAborted();
    return loadedOf(again.summary, again.inspection);
  }

  async list(): Promise<DatasetSummary[]> {
    return (await this.store()).list();
  }

  async delete(id: string): Promise<void> {
    await (await this.store()).delete(id);
  }
}

function loadedOf(
  summary: DatasetSummary,
  inspection: Awaited<ReturnType<DatasetStore['put']>>['inspection'],
): LoadedDataset {
  return inspection.kind === 'table'
    ? { kind: 'table', summary, profile: inspection.profile }
    : { kind: 'images', summary, classes: inspection.classes.map((c) => ({ value: c.name, count: c.count })) };
}
