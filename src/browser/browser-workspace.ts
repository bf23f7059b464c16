import { configFromSpec } from '../experiment/config-from-spec.js';
import type { HyperDriveConfig } from '../experiment/config.js';
import { Experiment } from '../experiment/experiment.js';
import { loadConfigPriors, loadPriorRuns, loadPriorSweep } from '../experiment/prior-loader.js';
import type { PriorRun, PriorSweep } from '../experiment/prior.js';
import type { Sweep } from '../experiment/sweep.js';
import { Workspace } from '../experiment/workspace.js';
import type { ModelFiles } from '../export/model-files.js';
import { resolveBuiltin } from '../models/registry.js';
import type { BackendRequest } from '../pool/protocol.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { TrainFunction } from '../run/run.js';
import { InProcessRunner } from '../runner/in-process-runner.js';
import type { TrialRunner } from '../runner/runner.js';
import { IndexedDbStore, type IndexedDbStoreOptions } from '../store/indexeddb-store.js';
import type { SweepRecord } from '../store/records.js';
import { bestRunWithModel, exportRunModel, runModelFiles, type ModelExport } from './model-export.js';

export interface BrowserWorkspaceOptions {
  /** The workspace, and the IndexedDB database that holds it. Default `overdrive`. */
  readonly name?: string;
  readonly store?: Omit<IndexedDbStoreOptions, 'name'>;
}

export interface SubmitOptions {
  /** TF.js backend for the worker pool; default 'auto' (measured). */
  readonly backend?: BackendRequest;
}

/** A sweep started here, with the pool that runs it (disposed when the sweep ends). */
export interface RunningSweep {
  readonly sweep: Sweep;
  /** Null when the sweep trains a function in this thread. */
  readonly pool: WorkerPool | null;
}

/**
 * The browser runtime: sweeps persist in IndexedDB, and trials train in a pool of Web Workers
 * sized for each sweep by its `maxConcurrentRuns` and what the device holds. A running sweep
 * holds a Web Lock, so a stored sweep that says Running but whose lock nobody holds was
 * interrupted (its page reloaded or crashed) and can be continued.
 */
export class BrowserWorkspace {
  private constructor(
    readonly name: string,
    readonly store: IndexedDbStore,
  ) {}

  static async open(options: BrowserWorkspaceOptions = {}): Promise<BrowserWorkspace> {
    const name = options.name ?? 'overdrive';
    const store = await IndexedDbStore.open({ ...options.store, name });
    return new BrowserWorkspace(name, store);
  }

  /** Starts a sweep; its trials run in a fresh worker pool unless it trains a function. */
  async submit(experimentName: string, config: HyperDriveConfig, options: SubmitOptions = {}): Promise<RunningSweep> {
    const { runner, pool } = await this.runnerFor(config, options);
    const sweep = new Experiment(this.workspaceWith(runner), experimentName).submit(config);
    this.hold(sweep, pool);
    return { sweep, pool };
  }

  /**
   * Continues an interrupted sweep from what is stored: finished runs are kept, unfinished
   * ones re-run, and the budget stays exact. `train` is needed only for a function sweep.
   */
  async continueSweep(sweepId: string, options: SubmitOptions & { readonly train?: TrainFunction } = {}): Promise<RunningSweep> {
    const record = await this.store.getSweep(sweepId);
    if (record === undefined) throw new Error(`no stored sweep ${JSON.stringify(sweepId)} in workspace ${JSON.stringify(this.name)}`);
    const busy = new Error(`sweep ${sweepId} is running in another tab or window; open it there`);
    const start = async (): Promise<RunningSweep> => {
      const config = configFromSpec(record.config, options.train, await loadConfigPriors(this.store, record.config));
      const { runner, pool } = await this.runnerFor(config, options);
      const sweep = await new Experiment(this.workspaceWith(runner), record.experiment).continueSweep(sweepId, config);
      return { sweep, pool };
    };
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
          await running.sweep.waitForCompletion().finally(() => running.pool?.dispose());
        })
        .catch(reject);
    });
  }

  /** An earlier sweep stored here, for `resumeFrom` (SPEC §8 warm start). */
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
    return sweeps.filter((s) => (s.status === 'Queued' || s.status === 'Running') && !held.has(lockName(this.name, s.id)));
  }

  /**
   * Saves a run's model to `indexeddb://NAME`, `downloads://NAME` (model.json + weights) or
   * `localstorage://NAME`: a given run's, or `{ bestOf: sweepId }` for the sweep's best run.
   */
  async exportModel(target: { readonly runId: string } | { readonly bestOf: string }, destination: string): Promise<ModelExport> {
    const runId = 'runId' in target ? target.runId : await this.bestRunId(target.bestOf);
    return exportRunModel(this.store, runId, destination);
  }

  /** A run's model as `model.json` text and weight bytes. */
  async modelFiles(target: { readonly runId: string } | { readonly bestOf: string }): Promise<ModelFiles & { readonly runId: string }> {
    const runId = 'runId' in target ? target.runId : await this.bestRunId(target.bestOf);
    return { ...(await runModelFiles(this.store, runId)), runId };
  }

  private async bestRunId(sweepId: string): Promise<string> {
    const sweep = await this.store.getSweep(sweepId);
    if (sweep === undefined) throw new Error(`no stored sweep ${JSON.stringify(sweepId)} in workspace ${JSON.stringify(this.name)}`);
    return bestRunWithModel(sweep, await this.store.listRuns(sweepId)).id;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private workspaceWith(runner: TrialRunner): Workspace {
    return new Workspace({ name: this.name, store: this.store, runner });
  }

  private async runnerFor(config: HyperDriveConfig, options: SubmitOptions): Promise<{ runner: TrialRunner; pool: WorkerPool | null }> {
    if (config.trial.kind === 'function') {
      // A function cannot cross into a worker: it trains here, on the page's thread.
      return { runner: new InProcessRunner({ resolveBuiltin }), pool: null };
    }
    const pool = await WorkerPool.create({ size: config.maxConcurrentRuns, backend: options.backend ?? 'auto' });
    return { runner: pool, pool };
  }

  /** Holds the sweep's lock until it ends, then frees its workers. */
  private hold(sweep: Sweep, pool: WorkerPool | null): void {
    const done = sweep.waitForCompletion().finally(() => pool?.dispose());
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
