import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system-clock.js';
import { ConfigError } from '../errors.js';
import { MathRandom } from '../random/math-random.js';
import type { RandomSource } from '../random/random-source.js';
import type { SamplerHost } from '../sampling/sampler.js';
import { InProcessRunner } from '../trial-runner/in-process-runner.js';
import type { TrialRunner } from '../trial-runner/runner.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { expectName, expectPlainObject, rejectUnknownKeys } from '../validate/index.js';
import type { PriorRun, PriorSweep } from './prior.js';
import { loadPriorRuns, loadPriorSweep } from './prior-loader.js';

export interface WorkspaceOptions {
  /** Defaults to `overdrive` (semantics §1: the IndexedDB database name in the browser). */
  readonly name?: string;
  readonly store?: Store;
  readonly runner?: TrialRunner;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Makes sweep ids; defaults to `HD_` + a random UUID, like HyperDrive's parent run ids. */
  readonly createSweepId?: () => string;
  /** Where samplers run; in the orchestrator's thread when absent (the browser runtime passes a sampler worker). */
  readonly samplerHost?: SamplerHost | undefined;
}

/**
 * Where sweeps live and run: a store, a trial runner, a clock and a random source. With no
 * options it is in-memory with the in-process runner, so a script can run a sweep in Node.
 */
export class Workspace {
  readonly name: string;
  readonly store: Store;
  readonly runner: TrialRunner;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly createSweepId: () => string;
  readonly samplerHost: SamplerHost | undefined;

  constructor(options: WorkspaceOptions = {}) {
    const raw = expectPlainObject('Workspace', options);
    rejectUnknownKeys('Workspace', raw, ['name', 'store', 'runner', 'clock', 'random', 'createSweepId', 'samplerHost']);
    this.name = options.name === undefined ? 'overdrive' : expectName('Workspace.name', options.name);
    this.clock = options.clock ?? new SystemClock();
    this.store = options.store ?? new MemoryStore();
    this.runner = options.runner ?? new InProcessRunner({ clock: this.clock });
    this.random = options.random ?? new MathRandom();
    this.createSweepId = options.createSweepId ?? (() => `HD_${globalThis.crypto.randomUUID()}`);
    if (options.samplerHost !== undefined && typeof options.samplerHost !== 'function') {
      throw new ConfigError(
        'Workspace.samplerHost',
        'must be a function (sampling, random) => Sampler',
        options.samplerHost,
      );
    }
    this.samplerHost = options.samplerHost;
  }

  /** An earlier sweep of this workspace's store, for `resumeFrom` (semantics §8 warm start). */
  loadPriorSweep(sweepId: string): Promise<PriorSweep> {
    return loadPriorSweep(this.store, sweepId);
  }

  /** Earlier runs of one sweep (all of them when `runIds` is absent), for `resumeChildRuns`. */
  loadPriorRuns(sweepId: string, runIds?: readonly string[]): Promise<PriorRun[]> {
    return loadPriorRuns(this.store, sweepId, runIds);
  }
}
