import { configFromRecord } from '../experiment/config-from-record.js';
import { startSamplerWorker, type SamplerWorker } from './sampler-worker.js';
import type { HyperDriveConfig } from '../experiment/config.js';
import { Experiment } from '../experiment/experiment.js';
import { loadConfigPriors, loadPriorRuns, loadPriorSweep } from '../experiment/prior-loader.js';
import type { PriorRun, PriorSweep } from '../experiment/prior.js';
import type { Sweep } from '../experiment/sweep.js';
import { Workspace } from '../experiment/workspace.js';
import { ConfigError } from '../errors.js';
import { expectMoreRuns, type MoreRuns } from '../experiment/steering.js';
import { BUILTIN_EXAMPLES } from '../examples/registry.js';
import type { BackendRequest } from '../backend/names.js';
import type { AssetOptions } from '../pool/assets.js';
import type { CalibrationCache } from '../pool/options.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { TrialRunner } from '../trial-runner/runner.js';
import type { UpgradeStep } from '../store/idb-schema.js';
import { IndexedDbStore, type IndexedDbStoreOptions } from '../store/indexeddb-store.js';
import type { SweepRecord } from '../store/records.js';
import {
  bestRunWithModel,
  exportRunModel,
  runModelFiles,
  type ModelExport,
  type RunModelFiles,
  type ModelPreparation,
} from './model-export.js';
import { loadRunTryModel, type TryModel } from './try-model.js';
import {
  checkDatasetStored,
  dataBindingOf,
  type DatasetPreparer,
  PreparedDataCache,
  sweepDataSource,
} from './user-data.js';
import { workspaceDatasets } from './stored-datasets.js';

export interface BrowserWorkspaceOptions {
  /** The workspace, and the IndexedDB database that holds it. Default `overdrive`. */
  readonly name?: string;
  readonly store?: Omit<IndexedDbStoreOptions, 'name'>;
  /**
   * The database's schema history, instead of the built-in one. The app never sets it; tests
   * use it to play a newer version of the app that upgrades the database under an older tab.
   */
  readonly schema?: readonly UpgradeStep[];
  /**
   * Where trial workers find the worker script, TF.js's WebAssembly files and the data sets;
   * default: next to this module, as bundled (see AssetOptions.baseUrl for a CDN).
   */
  readonly assets?: AssetOptions;
  /**
   * Where sweeps with a data binding find and prepare their stored datasets; default: this
   * workspace's DatasetStore, prepared in the data worker. Tests may pass their own.
   */
  readonly datasets?: DatasetPreparer;
}

export interface SubmitOptions {
  /** TF.js backend for the worker pool; default 'auto' (measured). */
  readonly backend?: BackendRequest;
  /** Calibrations measured before, reused by 'auto' (see WorkerPoolOptions.calibrationCache). */
  readonly calibrationCache?: CalibrationCache;
}

/** A sweep started here, with the pool that runs it (disposed when the sweep ends). */
export interface RunningSweep {
  readonly sweep: Sweep;
  readonly pool: WorkerPool;
}

/**
 * What refuses a training function here. User code must never run on the page's thread (where
 * it could reach the DOM, the store and every other sweep), and a function cannot be sent to a
 * worker, so the browser runtime trains only modules and built-in examples. The engine core's
 * `Workspace` with its in-process runner still takes functions, in Node and for its own tests.
 */
export const FUNCTION_TRIAL_RULE =
  'must not be a function in the browser runtime: user training code runs only in Web Workers, and a function cannot be sent to one; ' +
  `pass trial: { kind: 'module', url } (an ES module whose default export is train(params, run, env)) or trial: { kind: 'builtin', name } (one of ${BUILTIN_EXAMPLES.join(', ')})`;

/**
 * The browser runtime: sweeps persist in IndexedDB, and trials train in a pool of Web Workers
 * sized for each sweep by its `maxConcurrentRuns` and what the device holds. A running sweep
 * holds a Web Lock, so a stored sweep that says Running but whose lock nobody holds was
 * interrupted (its page reloaded or crashed) and can be continued.
 */
export class BrowserWorkspace {
  /** Started with the first sweep; Bayesian suggestions are computed there. */
  private samplerWorker: SamplerWorker | null = null;
  /** Datasets prepared for this page's sweeps and model exports, shared so each is prepared once. */
  private readonly prepared: PreparedDataCache;

  private constructor(
    readonly name: string,
    readonly store: IndexedDbStore,
    private readonly assets: AssetOptions | undefined,
    private readonly datasets: DatasetPreparer,
  ) {
    this.prepared = new PreparedDataCache(datasets);
  }

  /** Suggestions the sampler worker has answered (0 before any Bayesian sweep). */
  get samplerWorkerSuggestions(): number {
    return this.samplerWorker?.connection.answered ?? 0;
  }

  static async open(options: BrowserWorkspaceOptions = {}): Promise<BrowserWorkspace> {
    const name = options.name ?? 'overdrive';
    const storeOptions = { ...options.store, name };
    const store =
      options.schema === undefined
        ? await IndexedDbStore.open(storeOptions)
        : await IndexedDbStore.openWithSteps(options.schema, storeOptions);
    return new BrowserWorkspace(name, store, options.assets, options.datasets ?? workspaceDatasets(name));
  }

  /**
   * Starts a sweep; its trials run in a fresh worker pool. A config that trains a function is
   * refused (a ConfigError on `train`, see FUNCTION_TRIAL_RULE) before anything is stored.
   */
  async submit(experimentName: string, config: HyperDriveConfig, options: SubmitOptions = {}): Promise<RunningSweep> {
    if (config.trial.kind === 'function') throw new ConfigError('train', FUNCTION_TRIAL_RULE, config.trial.train);
    // A dataset no longer stored here refuses the sweep now, rather than failing every run.
    await checkDatasetStored(config, this.datasets);
    const pool = await this.poolFor(config, options);
    let sweep: Sweep;
    try {
      sweep = new Experiment(this.workspaceWith(pool), experimentName).submit(config);
    } catch (error) {
      void pool.dispose();
      throw error;
    }
    this.hold(sweep, pool);
    return { sweep, pool };
  }

  /**
   * Continues an interrupted sweep from what is stored: finished runs are kept, unfinished
   * ones re-run, and the budget stays exact. A sweep that trained a function (run by the engine
   * core's in-process runner, or imported) cannot be continued here.
   */
  continueSweep(sweepId: string, options: SubmitOptions = {}): Promise<RunningSweep> {
    return this.continueWith(sweepId, options, async (record, experiment, poolFor) => {
      const config = configFromRecord(record.config, undefined, await loadConfigPriors(this.store, record.config));
      await checkDatasetStored(config, this.datasets);
      const pool = await poolFor(config);
      return { sweep: await experiment(pool).continueSweep(sweepId, config), pool };
    });
  }

  /**
   * Continues a finished sweep with a larger `maxTotalRuns` (and, if given, a new
   * `maxDurationMinutes`): its runs are kept and its sampler goes on where it stopped. Refused
   * with a ConfigError naming the field (a budget not larger, an exhausted grid, a sweep not finished).
   */
  continueWithMoreRuns(sweepId: string, change: MoreRuns, options: SubmitOptions = {}): Promise<RunningSweep> {
    const more = expectMoreRuns(change);
    return this.continueWith(sweepId, options, async (record, experiment, poolFor) => {
      const raised = {
        ...record.config,
        maxTotalRuns: more.maxTotalRuns,
        maxDurationMinutes: more.maxDurationMinutes ?? record.config.maxDurationMinutes,
      };
      const config = configFromRecord(raised, undefined, await loadConfigPriors(this.store, record.config));
      await checkDatasetStored(config, this.datasets);
      const pool = await poolFor(config);
      try {
        return { sweep: await experiment(pool).continueWithMoreRuns(sweepId, config), pool };
      } catch (error) {
        void pool.dispose();
        throw error;
      }
    });
  }

  private async continueWith(
    sweepId: string,
    options: SubmitOptions,
    begin: (
      record: SweepRecord,
      experiment: (pool: WorkerPool) => Experiment,
      poolFor: (config: HyperDriveConfig) => Promise<WorkerPool>,
    ) => Promise<RunningSweep>,
  ): Promise<RunningSweep> {
    const record = await this.store.getSweep(sweepId);
    if (record === undefined)
      throw new Error(`no stored sweep ${JSON.stringify(sweepId)} in workspace ${JSON.stringify(this.name)}`);
    if (record.config.trial.kind === 'function')
      throw new ConfigError('trial', FUNCTION_TRIAL_RULE, record.config.trial);
    const busy = new Error(`sweep ${sweepId} is running in another tab or window; open it there`);
    const start = (): Promise<RunningSweep> =>
      begin(
        record,
        (pool) => new Experiment(this.workspaceWith(pool), record.experiment),
        (config) => this.poolFor(config, options),
      );
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (locks === undefined) {
      const running = await start();
      this.hold(running.sweep, running.pool);
      return running;
    }
    // Taken before anything is read or run, and only if free: two tabs pressing "continue" at
    // the same moment cannot both run the sweep (a check-then-act query could let both through).
    return new Promise<RunningSweep>((resolve, reject) => {
      locks
        .request(lockName(this.name, sweepId), { ifAvailable: true }, async (lock) => {
          if (lock === null) {
            reject(busy);
            return;
          }
          let running: RunningSweep;
          try {
            running = await start();
          } catch (error) {
            reject(error);
            return;
          }
          resolve(running);
          await running.sweep.waitForCompletion().finally(() => running.pool.dispose());
        })
        .catch(reject);
    });
  }

  /** An earlier sweep stored here, for `resumeFrom` (semantics §8 warm start). */
  loadPriorSweep(sweepId: string): Promise<PriorSweep> {
    return loadPriorSweep(this.store, sweepId);
  }

  /** Earlier runs of one sweep stored here (all when `runIds` is absent), for `resumeChildRuns`. */
  loadPriorRuns(sweepId: string, runIds?: readonly string[]): Promise<PriorRun[]> {
    return loadPriorRuns(this.store, sweepId, runIds);
  }

  /** Stored sweeps that say Queued or Running while no page runs them. */
  async listInterruptedSweeps(): Promise<SweepRecord[]> {
    const sweeps = await this.store.listSweeps(this.name);
    const held = await this.heldLocks();
    return sweeps.filter(
      (s) => (s.status === 'Queued' || s.status === 'Running') && !held.has(lockName(this.name, s.id)),
    );
  }

  /** Whether some page (this one or another tab) holds the sweep's lock, that is, runs it. */
  async isSweepHeld(sweepId: string): Promise<boolean> {
    return (await this.heldLocks()).has(lockName(this.name, sweepId));
  }

  /**
   * Saves a run's model to `indexeddb://NAME`, `downloads://NAME` (model.json + weights) or
   * `localstorage://NAME`: a given run's, or `{ bestOf: sweepId }` for the sweep's best run.
   */
  async exportModel(
    target: { readonly runId: string } | { readonly bestOf: string },
    destination: string,
  ): Promise<ModelExport> {
    const runId = 'runId' in target ? target.runId : await this.bestRunId(target.bestOf);
    return exportRunModel(this.store, runId, destination, await this.runPreparation(runId));
  }

  /**
   * The preparation a run's model was trained with (its sweep's data binding, fitted on the
   * dataset's training split), or null for a sweep without a binding. Prepared again from the
   * stored dataset when this page has not prepared it yet: preparation is deterministic (a
   * seeded split), so it is the same fit the trials used.
   */
  async runPreparation(runId: string): Promise<ModelPreparation | null> {
    const checkpoint = await this.store.latestCheckpoint(runId);
    const sweep = checkpoint === undefined ? undefined : await this.store.getSweep(checkpoint.sweepId);
    const binding = sweep === undefined ? null : dataBindingOf(sweep.config);
    if (binding === null) return null;
    return this.prepared.preparation(binding.dataset, binding.name, binding.preparation);
  }

  /** A run's model as `model.json` text and weight bytes. */
  async modelFiles(
    target: { readonly runId: string } | { readonly bestOf: string },
  ): Promise<RunModelFiles & { readonly runId: string }> {
    const runId = 'runId' in target ? target.runId : await this.bestRunId(target.bestOf);
    return { ...(await runModelFiles(this.store, runId, await this.runPreparation(runId))), runId };
  }

  /**
   * "Try it": a run's model (or the sweep's best) loaded on this page with the preparation it
   * was trained with, ready to predict a typed row or a dropped image. Dispose it when done.
   */
  async tryModel(target: { readonly runId: string } | { readonly bestOf: string }): Promise<TryModel> {
    return loadRunTryModel(await this.modelFiles(target));
  }

  private async bestRunId(sweepId: string): Promise<string> {
    const sweep = await this.store.getSweep(sweepId);
    if (sweep === undefined)
      throw new Error(`no stored sweep ${JSON.stringify(sweepId)} in workspace ${JSON.stringify(this.name)}`);
    return bestRunWithModel(sweep, await this.store.listRuns(sweepId)).id;
  }

  async close(): Promise<void> {
    this.samplerWorker?.terminate();
    this.samplerWorker = null;
    this.prepared.clear();
    this.datasets.close?.();
    await this.store.close();
  }

  private workspaceWith(runner: TrialRunner): Workspace {
    this.samplerWorker ??= startSamplerWorker();
    return new Workspace({
      name: this.name,
      store: this.store,
      runner,
      samplerHost: this.samplerWorker.connection.host,
    });
  }

  private poolFor(config: HyperDriveConfig, options: SubmitOptions): Promise<WorkerPool> {
    return WorkerPool.create({
      size: config.maxConcurrentRuns,
      backend: options.backend ?? 'auto',
      // A training module is somebody's code: it runs in the sandbox. The app's own built-in
      // models run in workers of the page's origin, the only place WebGPU is offered.
      isolation: config.trial.kind === 'builtin' ? 'page' : 'sandbox',
      userData: sweepDataSource(dataBindingOf(config), this.prepared),
      ...(this.assets === undefined ? {} : { assets: this.assets }),
      ...(options.calibrationCache === undefined ? {} : { calibrationCache: options.calibrationCache }),
    });
  }

  /** Holds the sweep's lock until it ends, then frees its workers. */
  private hold(sweep: Sweep, pool: WorkerPool): void {
    const done = sweep.waitForCompletion().finally(() => {
      // Its workers are gone, and with them every reason to keep its prepared arrays here.
      this.prepared.sweepEnded(sweep.id);
      return pool.dispose();
    });
    if (typeof navigator !== 'undefined' && navigator.locks !== undefined) {
      void navigator.locks.request(lockName(this.name, sweep.id), () => done);
    }
  }

  private async heldLocks(): Promise<Set<string>> {
    if (typeof navigator === 'undefined' || navigator.locks === undefined) return new Set();
    const state = await navigator.locks.query();
    return new Set((state.held ?? []).map((lock) => lock.name ?? ''));
  }
}

function lockName(workspace: string, sweepId: string): string {
  return `overdrive:${workspace}:sweep:${sweepId}`;
}
