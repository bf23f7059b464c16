import { ConfigError } from '../errors.js';
import type { SweepConfigRecord, SweepRecord } from '../store/records.js';
import { expectName } from '../validate/index.js';
import { HyperDriveConfig } from './config.js';
import { Orchestrator } from './orchestrator.js';
import { restoreRuns } from './restore.js';
import { moreRunsConfig } from './steering.js';
import { Sweep } from './sweep.js';
import type { Workspace } from './workspace.js';

/** A named group of sweeps inside a workspace. */
export class Experiment {
  readonly name: string;

  constructor(
    readonly workspace: Workspace,
    name: string,
  ) {
    this.name = expectName('Experiment.name', name);
  }

  /** Starts a sweep and returns its handle at once; training begins on a later turn. */
  submit(config: HyperDriveConfig): Sweep {
    if (!(config instanceof HyperDriveConfig)) {
      throw new ConfigError('config', 'must be a HyperDriveConfig (new HyperDriveConfig({...}))', config);
    }
    const orchestrator = new Orchestrator(
      { id: this.workspace.createSweepId(), workspace: this.workspace.name, experiment: this.name },
      config,
      {
        store: this.workspace.store,
        runner: this.workspace.runner,
        clock: this.workspace.clock,
        random: this.workspace.random,
        samplerHost: this.workspace.samplerHost,
      },
    );
    orchestrator.start();
    return new Sweep(orchestrator);
  }

  /**
   * Continues a sweep that a page reload or crash interrupted (stored as Queued or Running with
   * no page running it). Finished runs are kept, unfinished ones re-run in place, and new runs
   * are sampled only up to the original budget. `config` must describe the same sweep.
   */
  async continueSweep(sweepId: string, config: HyperDriveConfig): Promise<Sweep> {
    if (!(config instanceof HyperDriveConfig)) {
      throw new ConfigError('config', 'must be a HyperDriveConfig (new HyperDriveConfig({...}))', config);
    }
    const store = this.workspace.store;
    const record = await store.getSweep(sweepId);
    if (record === undefined || record.workspace !== this.workspace.name || record.experiment !== this.name) {
      throw new ConfigError('sweepId', `must name a stored sweep of experiment ${JSON.stringify(this.name)}`, sweepId);
    }
    if (record.status !== 'Queued' && record.status !== 'Running') {
      throw new ConfigError('sweepId', `must name an interrupted sweep; this one is ${record.status}`, sweepId);
    }
    const stored = JSON.stringify(comparable(record.config));
    const given = JSON.stringify(comparable(config.toRecord()));
    if (stored !== given) {
      throw new ConfigError('config', `must describe the same sweep as the stored one: ${stored}`, JSON.parse(given));
    }
    const [runs, metrics] = await Promise.all([store.listRuns(sweepId), store.listMetrics(sweepId)]);
    const orchestrator = new Orchestrator(
      { id: record.id, workspace: record.workspace, experiment: record.experiment },
      config,
      {
        store,
        runner: this.workspace.runner,
        clock: this.workspace.clock,
        random: this.workspace.random,
        samplerHost: this.workspace.samplerHost,
      },
      { record, runs, metrics },
    );
    orchestrator.start();
    return new Sweep(orchestrator);
  }

  /**
   * Continues a finished sweep with a larger `maxTotalRuns` (semantics §8, steering): its runs are kept,
   * its sampler goes on where it stopped (the same sequence, the same observations), and new runs
   * are sampled up to the new budget. `config` describes the same sweep with `maxTotalRuns` raised
   * (and `maxDurationMinutes` and `maxConcurrentRuns` as wanted). A grid whose configurations
   * have all run is refused, naming `maxTotalRuns`.
   */
  async continueWithMoreRuns(sweepId: string, config: HyperDriveConfig): Promise<Sweep> {
    if (!(config instanceof HyperDriveConfig)) {
      throw new ConfigError('config', 'must be a HyperDriveConfig (new HyperDriveConfig({...}))', config);
    }
    const store = this.workspace.store;
    const record = await this.storedSweep(sweepId);
    const [runs, metrics] = await Promise.all([store.listRuns(sweepId), store.listMetrics(sweepId)]);
    const restored = { record, runs, metrics };
    const raised = moreRunsConfig(
      record,
      { maxTotalRuns: config.maxTotalRuns, maxDurationMinutes: config.maxDurationMinutes },
      {
        sampled: runs.filter((r) => (r.resumedFrom ?? null) === null || r.resumedFrom?.sweepId === r.sweepId).length,
        spaceSize: config.hyperparameterSampling.size,
        elapsedMs: restoreRuns(restored, config).elapsedMs,
      },
    );
    const stored = JSON.stringify(comparable(raised));
    const given = JSON.stringify(comparable(config.toRecord()));
    if (stored !== given) {
      throw new ConfigError('config', `must describe the same sweep as the stored one: ${stored}`, JSON.parse(given));
    }
    const orchestrator = new Orchestrator(
      { id: record.id, workspace: record.workspace, experiment: record.experiment },
      config,
      { store, runner: this.workspace.runner, clock: this.workspace.clock, random: this.workspace.random },
      {
        ...restored,
        record: { ...record, config: raised },
        warning: `continued with more runs: maxTotalRuns ${record.config.maxTotalRuns} → ${raised.maxTotalRuns}, ${runs.length} run(s) kept`,
      },
    );
    orchestrator.start();
    return new Sweep(orchestrator);
  }

  private async storedSweep(sweepId: string): Promise<SweepRecord> {
    const record = await this.workspace.store.getSweep(sweepId);
    if (record === undefined || record.workspace !== this.workspace.name || record.experiment !== this.name) {
      throw new ConfigError('sweepId', `must name a stored sweep of experiment ${JSON.stringify(this.name)}`, sweepId);
    }
    return record;
  }

  /** Stored sweeps of this experiment, oldest first. */
  listSweeps(): Promise<SweepRecord[]> {
    return this.workspace.store.listSweeps(this.workspace.name, this.name);
  }
}

/** The parts of a sweep's definition that must match to continue it (not the function's name). */
function comparable(spec: SweepConfigRecord): Omit<SweepConfigRecord, 'trial' | 'maxConcurrentRuns'> {
  const { trial: _trial, maxConcurrentRuns: _concurrency, ...rest } = spec;
  return rest;
}
