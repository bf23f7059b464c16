import {
  AshaPolicy,
  BanditPolicy,
  Experiment,
  GridParameterSampling,
  HyperbandPolicy,
  HyperDriveConfig,
  MedianStoppingPolicy,
  PrimaryMetricGoal,
  RandomParameterSampling,
  TruncationSelectionPolicy,
  Workspace,
  choice,
  loguniform,
  uniform,
  type EarlyTerminationPolicy,
  type ParameterSampling,
  type RunRecord,
  type SweepRecord,
} from '../../../src/index.js';
import { WorkerPool } from '../../../src/pool/index.js';
import type { TrialDefinition } from '../../../src/trial-runner/runner.js';

/** Makes an ES module the pool can load from source text, so tests can write trials inline. */
function moduleUrl(source: string): string {
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

interface GpuInfo {
  readonly architecture: string;
  readonly vendor: string;
}

/** The WebGPU adapter this page would get: on a machine without a GPU, SwiftShader's. */
async function webgpuAdapterInPage(): Promise<GpuInfo | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: GpuInfo } | null> } }).gpu;
  const adapter = await gpu?.requestAdapter();
  return adapter?.info === undefined ? null : { architecture: adapter.info.architecture, vendor: adapter.info.vendor };
}

export interface SweepOptions {
  readonly name: string;
  readonly sampling: ParameterSampling;
  readonly primaryMetricName: string;
  readonly maxTotalRuns: number;
  readonly maxConcurrentRuns: number;
  readonly trial: TrialDefinition;
  readonly policy?: EarlyTerminationPolicy;
  readonly goal?: 'maximize' | 'minimize';
  readonly maxDurationMinutes?: number;
}

export interface RunSummary extends RunRecord {
  readonly metrics: Record<string, number | number[]>;
}

export interface SweepSummary {
  readonly record: SweepRecord;
  readonly concurrency: number;
  readonly warnings: readonly string[];
  readonly runs: readonly RunSummary[];
  /** Most runs seen running at once (from their start and end times). */
  readonly maxParallel: number;
  readonly seconds: number;
}

/** Runs one sweep on `pool` to the end and returns everything a test checks, as plain data. */
async function runSweep(pool: WorkerPool, options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  const workspace = new Workspace({ name: options.name, runner: pool });
  const sweep = new Experiment(workspace, options.name).submit(
    new HyperDriveConfig({
      hyperparameterSampling: options.sampling,
      primaryMetricName: options.primaryMetricName,
      primaryMetricGoal: options.goal === 'minimize' ? PrimaryMetricGoal.MINIMIZE : PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: options.maxTotalRuns,
      maxConcurrentRuns: options.maxConcurrentRuns,
      trial: options.trial,
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      ...(options.maxDurationMinutes === undefined ? {} : { maxDurationMinutes: options.maxDurationMinutes }),
    }),
  );
  const record = await sweep.waitForCompletion();
  const metrics = sweep.getMetrics();
  const runs = sweep.getChildren().map((run) => ({ ...run, metrics: metrics[run.id] ?? {} }));
  const edges = runs
    .filter((r) => r.startedAt !== null && r.endedAt !== null)
    .flatMap((r) => [
      { t: r.startedAt as number, d: 1 },
      { t: r.endedAt as number, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let maxParallel = 0;
  for (const edge of edges) {
    now += edge.d;
    maxParallel = Math.max(maxParallel, now);
  }
  return {
    record,
    concurrency: sweep.concurrency,
    warnings: sweep.warnings,
    runs,
    maxParallel,
    seconds: (performance.now() - started) / 1000,
  };
}

const poolHarness = {
  WorkerPool,
  Workspace,
  Experiment,
  HyperDriveConfig,
  RandomParameterSampling,
  GridParameterSampling,
  BanditPolicy,
  MedianStoppingPolicy,
  TruncationSelectionPolicy,
  AshaPolicy,
  HyperbandPolicy,
  PrimaryMetricGoal,
  choice,
  uniform,
  loguniform,
  moduleUrl,
  runSweep,
  webgpuAdapterInPage,
};

declare global {
  interface Window {
    poolHarness: typeof poolHarness;
  }
}

window.poolHarness = poolHarness;
