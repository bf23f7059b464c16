/**
 * Plain data exchanged between the Node driver (bench/run.ts) and the bench page
 * (bench/pages/bench-page.ts) through Playwright's `page.evaluate`: nothing here may hold a
 * function, a class instance or a symbol.
 */
import type { PolicyRecord } from '../../src/policy/policy.js';
import type { ParamSet } from '../../src/space/expression.js';

export type BenchBackend = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

export interface PageInfo {
  readonly userAgent: string;
  readonly hardwareConcurrency: number;
  readonly crossOriginIsolated: boolean;
  readonly deviceMemoryGb: number | null;
}

export interface BackendProbe {
  readonly backend: BenchBackend;
  readonly available: boolean;
  /** What TF.js reports it settled on (it may fall back silently). */
  readonly settledOn: string | null;
  readonly error: string | null;
  /** WebGPU adapter (architecture / description), e.g. "swiftshader". */
  readonly adapter: string | null;
  /** One training step of the MLP, to tell "initialises" from "can train". */
  readonly stepMs: number | null;
}

/** The fixed digits-MLP configuration the overhead section trains both ways. */
export interface FixedMlp {
  readonly learning_rate: number;
  readonly batch_size: number;
  readonly hidden_layers: number;
  readonly hidden_units: number;
  readonly dropout: number;
  readonly optimizer: 'adam';
  readonly epochs: number;
  readonly train_samples: number;
}

export type OverheadVariant = 'plain' | 'plain+cancel-hook' | 'overdrive';

export interface OverheadSample {
  readonly variant: OverheadVariant;
  /** Wall time seen by the page, from the request to the result (sweep: submit to completion). */
  readonly ms: number;
  readonly finalValAccuracy: number | null;
  /**
   * Overdrive only, ms from submit (page clock): the run reported Running (its worker started
   * the trial), the last metric arrived, the run was Completed, the sweep was done (store flushed).
   */
  readonly phases: {
    readonly started: number;
    readonly lastMetric: number;
    readonly runCompleted: number;
    readonly done: number;
    /** Time the trial's checkpoint writes took to commit (strict durability), summed. */
    readonly checkpointWriteMs: number;
    /** IndexedDB write-batch transactions the trial's sweep committed (store stats). */
    readonly transactions: number;
  } | null;
}

export interface OverheadOpenResult {
  readonly ok: boolean;
  readonly error: string | null;
  /** The first (cold) run of each variant: worker start, TF.js, backend and data load included. */
  readonly coldMs: Readonly<Record<'plain' | 'overdrive', number | null>>;
}

/** Which search space a sweep on the page samples (spaces are built from bench/lib/workloads.ts). */
export type SpaceName = 'mlp-savings' | 'cnn-savings' | 'mlp-scaling';

export interface SweepPlan {
  readonly name: string;
  readonly space: SpaceName;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly seed: number;
  readonly maxTotalRuns: number;
  readonly concurrency: number;
  readonly backend: BenchBackend;
  /** Overrides navigator.hardwareConcurrency when sizing the pool (to run more workers than cores). */
  readonly hardwareConcurrency?: number;
  readonly policy: PolicyRecord | null;
  readonly trial: 'digits-mlp' | 'digits-cnn';
}

export interface RecordedRun {
  readonly index: number;
  readonly params: ParamSet;
  readonly status: string;
  readonly intervals: number;
  readonly bestMetric: number | null;
  readonly backend: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly termination: string | null;
  /** The interval of the policy decision that cancelled the run, if one did. */
  readonly decisionInterval: number | null;
  readonly error: string | null;
  /** Every metric, name -> values in logged order (one per epoch for the built-in examples). */
  readonly metrics: Readonly<Record<string, readonly number[]>>;
  /** Time (ms since the epoch, worker clock) of each primary-metric report. */
  readonly primaryTimes: readonly number[];
}

export interface SweepOutcome {
  readonly plan: SweepPlan;
  readonly status: string;
  readonly endReason: string;
  readonly error: string | null;
  readonly concurrency: number;
  readonly poolSize: number;
  readonly warnings: readonly string[];
  readonly wallMs: number;
  readonly runs: readonly RecordedRun[];
  readonly spawned: number;
  readonly retired: Readonly<Record<string, number>>;
}

export interface TrivialPlan {
  readonly trials: number;
  readonly concurrency: number;
  /** undefined: the pool's default (20). */
  readonly recycleAfterTrials?: number;
  readonly store: 'indexeddb' | 'memory';
}

export interface TrivialOutcome {
  readonly plan: TrivialPlan;
  readonly status: string;
  readonly wallMs: number;
  readonly perTrialMs: number;
  readonly completed: number;
  readonly spawned: number;
  readonly concurrency: number;
  /** Wall time of the first trial alone (pool start-up: worker, TF.js and module load). */
  readonly firstTrialMs: number;
  /**
   * Medians over the trials after the first, from the run records (ms, Date.now() clocks of page
   * and worker): created → started (dispatch to the worker until its 'started' event),
   * started → ended (the trial and its result's way back), ended → next created (scheduling).
   */
  readonly phases: { readonly dispatch: number; readonly run: number; readonly gap: number };
}

export interface IdbPlan {
  readonly runs: number;
  readonly pointsPerRun: number;
  /** Points per appendMetrics call (4 = one epoch of the built-in examples' four metrics). */
  readonly pointsPerCall: number;
}

export interface IdbOutcome {
  readonly plan: IdbPlan;
  readonly points: number;
  readonly appendMs: number;
  /** From the first append to flush() resolving (everything committed). */
  readonly totalMs: number;
  readonly pointsPerSecond: number;
  readonly transactions: number;
  readonly readBack: number;
}

/** Section 4: the stored sweep the Studio opens. */
export interface StudioSeedPlan {
  readonly runs: number;
  readonly intervals: number;
}

export interface StudioSeed {
  readonly workspace: string;
  readonly sweepId: string;
  readonly status: string;
  readonly runs: number;
  readonly points: number;
  readonly seedMs: number;
}

/** The verdict round trip: fast trials under a policy that judges every interval and stops none. */
export interface VerdictPlan {
  readonly runs: number;
  readonly intervals: number;
  readonly concurrency: number;
  /** Busy work per interval, in the worker. */
  readonly workMs: number;
  /** Where the pool starts its workers (the pool's default, 'sandbox', when absent). */
  readonly isolation?: 'sandbox' | 'page';
}

/**
 * The round trip split at the page, per verdict: worker -> page (from the report to the
 * orchestrator receiving its batch), on the page (delivery and decision; the reply leaves at its
 * end) and page -> worker (until the training function resumes). The split uses both threads'
 * `performance.timeOrigin + now()`; the three add up to the worker's own measurement.
 */
export interface VerdictHops {
  readonly toPageMs: readonly number[];
  readonly onPageMs: readonly number[];
  readonly toWorkerMs: readonly number[];
}

export interface VerdictOutcome {
  readonly plan: VerdictPlan;
  /** How long each `await run.log` of the primary metric took, measured in the worker. */
  readonly waitsMs: readonly number[];
  readonly hops: VerdictHops;
  /** The same without a policy (nothing waits: the cost of the await itself). */
  readonly noPolicyWaitsMs: readonly number[];
  readonly wallMs: number;
  readonly noPolicyWallMs: number;
}
