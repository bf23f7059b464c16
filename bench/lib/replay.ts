/**
 * Replays recorded training curves through the real orchestrator and a real policy, in Node,
 * deterministically: the in-process runner, a VirtualClock, an in-memory store. A replayed
 * trial waits (in virtual time) as long as its real epoch took, logs what the real epoch logged,
 * in the same order, and stops as the built-in examples do once the run is cancelled. The
 * policies only ever see the primary metric's values and the order the reports arrive in, so
 * this decides exactly as the live sweep would have on these curves and this report order.
 */
import { Experiment } from '../../src/experiment/experiment.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { Workspace } from '../../src/experiment/workspace.js';
import { PrimaryMetricGoal } from '../../src/metric/goal.js';
import { policyFromRecord } from '../../src/policy/from-record.js';
import type { PolicyRecord } from '../../src/policy/policy.js';
import { SeededRandom } from '../../src/random/seeded-random.js';
import type { Run } from '../../src/run-logger/run.js';
import { InProcessRunner } from '../../src/trial-runner/in-process-runner.js';
import { RandomParameterSampling } from '../../src/sampling/random.js';
import type { ParamSet } from '../../src/space/expression.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { terminationText } from '../../src/experiment/termination-text.js';
import type { RecordedRun, SpaceName } from './types.js';
import { VirtualClock } from './virtual-clock.js';
import { PRIMARY_METRIC, searchSpace, stepsPerEpoch } from './workloads.js';

/** The metrics in the order the built-in examples log them each epoch (primary last). */
const EPOCH_METRICS = ['loss', 'accuracy', 'val_loss', PRIMARY_METRIC] as const;

export interface Recording {
  readonly space: SpaceName;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly seed: number;
  readonly runs: readonly RecordedRun[];
}

/** How long each replayed epoch takes in virtual time. */
export type ReplaySchedule = 'recorded' | 'steps';

export interface ReplayRun {
  readonly index: number;
  readonly status: string;
  readonly intervals: number;
  readonly bestMetric: number | null;
  readonly steps: number;
  readonly termination: string | null;
  readonly error: string | null;
}

export interface ReplayResult {
  readonly status: string;
  readonly endReason: string;
  readonly runs: readonly ReplayRun[];
  readonly steps: number;
  readonly best: number | null;
  readonly bestIndex: number | null;
  /** Runs a policy decision cancelled. */
  readonly cancelledByPolicy: number;
}

export function stableKey(params: ParamSet): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

/**
 * Same configuration, numbers equal to 1e-12 relative: Node's and Chromium's V8 may differ in
 * the last bit of Math.exp (it is not correctly rounded), so a loguniform draw from the same
 * seed can differ by one ulp between the recording (browser) and the replay (Node).
 */
export function sameParams(a: ParamSet, b: ParamSet): boolean {
  const keys = Object.keys(a).sort();
  if (keys.join('\u0000') !== Object.keys(b).sort().join('\u0000')) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    if (typeof x === 'number' && typeof y === 'number')
      return x === y || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
    if (typeof x === 'object' && typeof y === 'object') return sameParams(x, y);
    return x === y;
  });
}

export function batchSizeOf(params: ParamSet): number {
  const value = params['batch_size'];
  if (typeof value !== 'number') throw new Error(`recorded run without a numeric batch_size: ${stableKey(params)}`);
  return value;
}

/** Per-epoch durations of a recorded run, from its primary-metric report times. */
export function epochDurations(run: RecordedRun): number[] {
  const durations: number[] = [];
  let previous = run.startedAt ?? run.primaryTimes[0] ?? 0;
  for (const time of run.primaryTimes) {
    durations.push(Math.max(1, time - previous));
    previous = time;
  }
  return durations;
}

function runIndex(run: Run): number {
  const match = /_(\d+)$/.exec(run.id);
  if (match === null) throw new Error(`unexpected run id ${run.id}`);
  return Number(match[1]);
}

export async function replay(
  recording: Recording,
  policy: PolicyRecord | null,
  options: { readonly concurrency: number; readonly schedule: ReplaySchedule },
): Promise<ReplayResult> {
  const clock = new VirtualClock();
  const byIndex = new Map(recording.runs.map((r) => [r.index, r]));

  const train = async (params: ParamSet, run: Run): Promise<void> => {
    const index = runIndex(run);
    const recorded = byIndex.get(index);
    if (recorded === undefined) throw new Error(`no recorded run ${index}`);
    if (!sameParams(recorded.params, params)) {
      throw new Error(`run ${index} sampled ${stableKey(params)}, the recording has ${stableKey(recorded.params)}`);
    }
    const durations = epochDurations(recorded);
    const perEpochSteps = stepsPerEpoch(recording.trainSamples, batchSizeOf(params));
    const epochs = recorded.metrics[PRIMARY_METRIC]?.length ?? 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      // Like trainEpochs: a cancelled run stops before its next epoch.
      if (run.isCanceled) return;
      await clock.sleep(
        options.schedule === 'recorded'
          ? (durations[epoch] ?? 1)
          : perEpochSteps /* 'steps': 1 virtual ms per training step */,
      );
      for (const name of EPOCH_METRICS) {
        const value = recorded.metrics[name]?.[epoch];
        if (value !== undefined) run.log(name, value);
      }
    }
  };

  const workspace = new Workspace({
    name: 'replay',
    clock,
    random: new SeededRandom(1),
    store: new MemoryStore(),
    runner: new InProcessRunner({ clock, cancelGraceMs: 60_000 }),
    createSweepId: () => 'HD_replay',
  });
  const config = new HyperDriveConfig({
    hyperparameterSampling: new RandomParameterSampling(
      searchSpace(recording.space, recording.epochs, recording.trainSamples),
      { seed: recording.seed },
    ),
    primaryMetricName: PRIMARY_METRIC,
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: recording.runs.length,
    maxConcurrentRuns: options.concurrency,
    train,
    ...(policy === null ? {} : { policy: policyFromRecord(policy) }),
  });
  const sweep = new Experiment(workspace, 'replay').submit(config);
  let finished = false;
  void sweep.waitForCompletion().then(() => {
    finished = true;
  });
  const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  // Far below the sweep's own max-duration timer (one week): reaching it means the replay stalled.
  const horizon = 24 * 3_600_000;
  for (;;) {
    await drain();
    await drain();
    if (finished) break;
    if (!clock.step(horizon))
      throw new Error('the replay stalled: no trial is waiting on the clock and the sweep did not end');
  }
  const record = await sweep.waitForCompletion();
  let cancelledByPolicy = 0;
  const runs: ReplayRun[] = sweep.getChildren().map((r) => {
    const recorded = byIndex.get(r.index);
    const batch = recorded === undefined ? 1 : batchSizeOf(recorded.params);
    if (r.termination?.kind === 'policy') cancelledByPolicy += 1;
    return {
      index: r.index,
      status: r.status,
      intervals: r.intervals,
      bestMetric: r.bestMetric,
      steps: r.intervals * stepsPerEpoch(recording.trainSamples, batch),
      termination: r.termination === null ? null : terminationText(r.termination),
      error: r.error?.message ?? null,
    };
  });
  const best = bestOf(runs);
  return {
    status: record.status,
    endReason: record.endReason?.kind ?? 'none',
    runs,
    steps: runs.reduce((sum, r) => sum + r.steps, 0),
    best: best?.bestMetric ?? null,
    bestIndex: best?.index ?? null,
    cancelledByPolicy,
  };
}

/** The run with the highest best metric (the lowest index among ties), or null. */
export function bestOf<T extends { readonly index: number; readonly bestMetric: number | null }>(
  runs: readonly T[],
): T | null {
  let best: T | null = null;
  for (const run of runs) {
    if (run.bestMetric === null || !Number.isFinite(run.bestMetric)) continue;
    if (best === null || (best.bestMetric as number) < run.bestMetric) best = run;
  }
  return best;
}
