/**
 * 5. Early-termination savings on real training. The 50 sampled configurations of each model are
 * trained once for real, to the end, in the browser's workers (a no-policy sweep, every epoch's
 * metrics stored); the recorded curves are then replayed through the real orchestrator and each
 * real policy in Node (bench/lib/replay.ts). One policy also runs live, on real training.
 */
import { type BenchContext, type Check, fixed, mark, ms, pct, signedPct, table } from '../lib/context.js';
import { replay, batchSizeOf, bestOf, type Recording, type ReplayResult, type ReplaySchedule } from '../lib/replay.js';
import { median } from '../lib/stats.js';
import type { BenchBackend, RecordedRun, SpaceName, SweepOutcome } from '../lib/types.js';
import { PRIMARY_METRIC, SAVINGS_SEED, policyCases, stepsPerEpoch, type PolicyCase } from '../lib/workloads.js';

const CONCURRENCY = 2;
/** HyperDrive's claim for Median(1,5): 25–35 % of the compute saved with no loss of primary metric. */
const CLAIM = { low: 0.25, high: 0.35 };

export interface PolicyOutcome {
  readonly id: string;
  readonly label: string;
  readonly steps: number;
  readonly saved: number;
  readonly best: number | null;
  readonly bestDelta: number | null;
  /** Did the run that is best without a policy train to the end under this one? */
  readonly noPolicyBestSurvived: boolean;
  readonly cancelled: number;
  readonly error: string | null;
  /** Savings under other schedules, to show how much they depend on it. */
  readonly sensitivity: Readonly<Record<string, number | null>>;
}

export interface LiveOutcome {
  readonly policy: string;
  readonly wallMs: number;
  readonly status: string;
  readonly steps: number;
  readonly saved: number;
  readonly best: number | null;
  readonly bestDelta: number | null;
  readonly noPolicyBestSurvived: boolean;
  readonly cancelled: number;
  /** The replay of the same policy on the recorded curves, for comparison. */
  readonly replaySaved: number;
  readonly replayBest: number | null;
  readonly replayCancelled: number;
  /** Runs cancelled in both, and in only one of the two. */
  readonly cancelledBoth: number;
  readonly cancelledOnlyLive: number;
  readonly cancelledOnlyReplay: number;
  /** Median |live − recorded| val_accuracy at the same epoch of the same configuration (training noise). */
  readonly curveNoise: number;
  /** Epochs a live cancelled run reported after the decision that cancelled it (median). */
  readonly decisionLagEpochs: number;
}

export interface ModelSavings {
  readonly model: 'mlp' | 'cnn';
  readonly trial: 'digits-mlp' | 'digits-cnn';
  readonly backend: BenchBackend;
  readonly runs: number;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly recordingWallMs: number;
  readonly recordingStatus: string;
  readonly completedRuns: number;
  readonly failedRuns: readonly string[];
  readonly noPolicySteps: number;
  readonly noPolicyBest: number | null;
  readonly noPolicyBestIndex: number | null;
  /** The no-policy replay reproduced the recording exactly (same steps and best). */
  readonly replayFaithful: boolean;
  readonly policies: readonly PolicyOutcome[];
  readonly live: LiveOutcome | null;
  /** The recorded runs (configurations, every epoch's metrics, report times): the raw data of the replay. */
  readonly recording: readonly RecordedRun[];
}

export interface SavingsResult {
  readonly seed: number;
  readonly concurrency: number;
  readonly models: readonly ModelSavings[];
}

function stepsOf(
  recording: { trainSamples: number },
  runs: readonly { intervals: number; params: RecordedRun['params'] }[],
): number {
  return runs.reduce((sum, r) => sum + r.intervals * stepsPerEpoch(recording.trainSamples, batchSizeOf(r.params)), 0);
}

async function replayPolicy(recording: Recording, c: PolicyCase, base: ReplayResult): Promise<PolicyOutcome> {
  try {
    const main = await replay(recording, c.spec, { concurrency: CONCURRENCY, schedule: 'recorded' });
    const sensitivity: Record<string, number | null> = {};
    for (const [key, concurrency, schedule] of [
      ['concurrency 2, epoch time ∝ steps', 2, 'steps'],
      ['concurrency 8, recorded epoch times', 8, 'recorded'],
    ] as const satisfies readonly (readonly [string, number, ReplaySchedule])[]) {
      const noPolicy = await replay(recording, null, { concurrency, schedule });
      const withPolicy = await replay(recording, c.spec, { concurrency, schedule });
      sensitivity[key] = 1 - withPolicy.steps / noPolicy.steps;
    }
    const noneBest = base.bestIndex;
    return {
      id: c.id,
      label: c.label,
      steps: main.steps,
      saved: 1 - main.steps / base.steps,
      best: main.best,
      bestDelta: main.best === null || base.best === null ? null : main.best - base.best,
      noPolicyBestSurvived: noneBest !== null && main.runs.find((r) => r.index === noneBest)?.status === 'Completed',
      cancelled: main.cancelledByPolicy,
      error: null,
      sensitivity,
    };
  } catch (error) {
    return {
      id: c.id,
      label: c.label,
      steps: Number.NaN,
      saved: Number.NaN,
      best: null,
      bestDelta: null,
      noPolicyBestSurvived: false,
      cancelled: 0,
      error: error instanceof Error ? error.message : String(error),
      sensitivity: {},
    };
  }
}

function liveComparison(
  recording: Recording,
  base: ReplayResult,
  live: SweepOutcome,
  replayed: ReplayResult,
  policyLabel: string,
): LiveOutcome {
  const steps = stepsOf(recording, live.runs);
  const best = bestOf(live.runs);
  const noneBest = base.bestIndex;
  const recorded = new Map(recording.runs.map((r) => [r.index, r]));
  const diffs: number[] = [];
  for (const run of live.runs) {
    const rec = recorded.get(run.index)?.metrics[PRIMARY_METRIC] ?? [];
    const mine = run.metrics[PRIMARY_METRIC] ?? [];
    for (let e = 0; e < Math.min(rec.length, mine.length); e++)
      diffs.push(Math.abs((mine[e] as number) - (rec[e] as number)));
  }
  const liveCancelled = new Set(live.runs.filter((r) => r.decisionInterval !== null).map((r) => r.index));
  const replayCancelled = new Set(replayed.runs.filter((r) => r.status === 'Canceled').map((r) => r.index));
  const lags = live.runs
    .filter((r) => r.decisionInterval !== null)
    .map((r) => r.intervals - (r.decisionInterval as number));
  return {
    policy: policyLabel,
    wallMs: live.wallMs,
    status: live.status,
    steps,
    saved: 1 - steps / base.steps,
    best: best?.bestMetric ?? null,
    bestDelta:
      best?.bestMetric === undefined || best.bestMetric === null || base.best === null
        ? null
        : best.bestMetric - base.best,
    noPolicyBestSurvived: noneBest !== null && live.runs.find((r) => r.index === noneBest)?.status === 'Completed',
    cancelled: liveCancelled.size,
    replaySaved: 1 - replayed.steps / base.steps,
    replayBest: replayed.best,
    replayCancelled: replayCancelled.size,
    cancelledBoth: [...liveCancelled].filter((i) => replayCancelled.has(i)).length,
    cancelledOnlyLive: [...liveCancelled].filter((i) => !replayCancelled.has(i)).length,
    cancelledOnlyReplay: [...replayCancelled].filter((i) => !liveCancelled.has(i)).length,
    curveNoise: median(diffs),
    decisionLagEpochs: median(lags),
  };
}

export async function runSavings(
  ctx: BenchContext,
  options: { readonly cnnBackend: BenchBackend },
): Promise<SavingsResult> {
  const browser = await ctx.browser();
  const models: ModelSavings[] = [];
  const plans: {
    model: 'mlp' | 'cnn';
    trial: 'digits-mlp' | 'digits-cnn';
    space: SpaceName;
    backend: BenchBackend;
    runs: number;
    epochs: number;
    trainSamples: number;
  }[] = [
    {
      model: 'mlp',
      trial: 'digits-mlp',
      space: 'mlp-savings',
      backend: 'wasm',
      runs: ctx.quick ? 8 : 50,
      epochs: ctx.quick ? 6 : 20,
      trainSamples: ctx.quick ? 200 : 600,
    },
    // The CNN trains on the cpu backend (wasm has no conv2d gradients): fewer epochs and rows keep it affordable.
    {
      model: 'cnn',
      trial: 'digits-cnn',
      space: 'cnn-savings',
      backend: options.cnnBackend,
      runs: ctx.quick ? 6 : 50,
      epochs: ctx.quick ? 6 : 15,
      trainSamples: ctx.quick ? 200 : 400,
    },
  ];
  for (const plan of plans) {
    ctx.log(
      `savings: recording ${plan.runs} ${plan.trial} runs × ${plan.epochs} epochs on ${plan.backend} (no policy, to the end)`,
    );
    const sweepPlan = {
      name: `record-${plan.model}`,
      space: plan.space,
      epochs: plan.epochs,
      trainSamples: plan.trainSamples,
      seed: SAVINGS_SEED,
      maxTotalRuns: plan.runs,
      concurrency: CONCURRENCY,
      backend: plan.backend,
      policy: null,
      trial: plan.trial,
    } as const;
    const recorded = await browser.call('sweep', sweepPlan);
    ctx.log(`savings: recorded ${plan.trial} in ${ms(recorded.wallMs, 0)} (${recorded.status})`);
    const recording: Recording = {
      space: plan.space,
      epochs: plan.epochs,
      trainSamples: plan.trainSamples,
      seed: SAVINGS_SEED,
      runs: recorded.runs,
    };
    const base = await replay(recording, null, { concurrency: CONCURRENCY, schedule: 'recorded' });
    const recordedBest = bestOf(recorded.runs);
    const replayFaithful =
      base.steps === stepsOf(recording, recorded.runs) && base.best === (recordedBest?.bestMetric ?? null);
    const policies: PolicyOutcome[] = [];
    for (const c of policyCases(plan.epochs)) {
      const outcome = await replayPolicy(recording, c, base);
      policies.push(outcome);
      ctx.log(
        `savings: ${plan.model} ${c.label}: saved ${pct(outcome.saved)}, best ${fixed(outcome.best)} (${signedPct(outcome.bestDelta, 2)})${outcome.error === null ? '' : ` error ${outcome.error}`}`,
      );
    }
    let live: LiveOutcome | null = null;
    if (plan.model === 'mlp') {
      const median5 = policyCases(plan.epochs).find((c) => c.id === 'median');
      if (median5 !== undefined) {
        ctx.log(`savings: live ${median5.label} on ${plan.trial} (real training)`);
        const liveRun = await browser.call('sweep', { ...sweepPlan, name: 'live-median', policy: median5.spec });
        const replayed = await replay(recording, median5.spec, { concurrency: CONCURRENCY, schedule: 'recorded' });
        live = liveComparison(recording, base, liveRun, replayed, median5.label);
        ctx.log(
          `savings: live ${median5.label}: saved ${pct(live.saved)} vs replay ${pct(live.replaySaved)}; best ${fixed(live.best)} vs replay ${fixed(live.replayBest)}`,
        );
      }
    }
    models.push({
      model: plan.model,
      trial: plan.trial,
      backend: plan.backend,
      runs: plan.runs,
      epochs: plan.epochs,
      trainSamples: plan.trainSamples,
      recordingWallMs: recorded.wallMs,
      recordingStatus: recorded.status,
      completedRuns: recorded.runs.filter((r) => r.status === 'Completed').length,
      failedRuns: recorded.runs
        .filter((r) => r.status === 'Failed')
        .map((r) => `run ${r.index}: ${r.error ?? 'failed'}`),
      noPolicySteps: base.steps,
      noPolicyBest: base.best,
      noPolicyBestIndex: base.bestIndex,
      replayFaithful,
      policies,
      live,
      recording: recorded.runs,
    });
  }
  return { seed: SAVINGS_SEED, concurrency: CONCURRENCY, models };
}

function medianVerdict(p: PolicyOutcome | undefined): { text: string; pass: boolean | null } {
  if (p === undefined || !Number.isFinite(p.saved)) return { text: 'not measured', pass: null };
  const inRange = p.saved >= CLAIM.low && p.saved <= CLAIM.high;
  const noLoss = p.bestDelta !== null && p.bestDelta >= -0.005;
  const savedText = inRange
    ? 'within the claimed 25–35 %'
    : p.saved > CLAIM.high
      ? 'more than the claimed 25–35 %'
      : 'less than the claimed 25–35 %';
  const lossText =
    p.bestDelta === null
      ? 'best n/a'
      : noLoss
        ? `no loss (best ${signedPct(p.bestDelta, 2)})`
        : `a loss of ${signedPct(p.bestDelta, 2)} in the best val_accuracy`;
  return { text: `saved ${pct(p.saved)}: ${savedText}; ${lossText}`, pass: p.saved >= CLAIM.low && noLoss };
}

export function savingsChecks(result: SavingsResult): Check[] {
  return result.models.map((m) => {
    const verdict = medianVerdict(m.policies.find((p) => p.id === 'median'));
    return {
      section: 'Early termination',
      what: `HyperDrive's Median(1,5) claim on ${m.trial} (${m.runs} runs × ${m.epochs} epochs)`,
      figure: verdict.text,
      target: '25–35 % saved, no loss',
      pass: verdict.pass,
    };
  });
}

export function renderSavings(result: SavingsResult): string[] {
  const lines: string[] = [
    "**Method.** Each model's configurations are sampled with `RandomParameterSampling` (seed " +
      `${result.seed}) over learning rate (log-uniform 1e-4–3e-2), hidden layers (1–3), hidden units, dropout (0–0.5) and batch size (16–128); the CNN also over filters (4, 8, 16) and kernel size (2, 3, 5). ` +
      `They are trained **once, for real, to the end** in Chromium's workers (a no-policy Overdrive sweep at concurrency ${result.concurrency}, TF.js, every epoch's metrics stored with their times). ` +
      'The recorded curves are then **replayed through the real orchestrator and each real policy** in Node: `InProcessRunner`, `MemoryStore` and a virtual clock; ' +
      'each replayed trial waits (in virtual time) as long as its real epoch took, logs what the real epoch logged in the same order, and stops as the built-in examples do when cancelled; ' +
      `the same concurrency (${result.concurrency}), the same sampling seed (the replay checks every configuration against the recording), the same report order.`,
    '',
    '**Why this is equivalent for the decisions:** a policy sees only the primary metric values each run has reported and which runs reported what before the decision (semantics §5; `decide` is pure). ' +
      'The replay feeds the orchestrator the identical values in the recorded order of reports, so each policy takes the decision it would take on those curves live. What it leaves out is training noise (a live run of the same configuration gives a slightly different curve) and the live decision latency (metrics reach the page in batches while the worker trains on); the live run below measures both.',
    '',
    '"Training steps" = epochs a run reported × ceil(train_samples / batch_size), summed over the runs; saved = 1 − steps / steps without a policy. "Best" = the best val_accuracy any run reported (cancelled runs count with what they reached).',
    '',
  ];
  for (const m of result.models) {
    lines.push(
      `### ${m.trial}: ${m.runs} runs × ${m.epochs} epochs, ${m.trainSamples} training rows, backend ${m.backend}`,
      '',
      `Recording: ${ms(m.recordingWallMs, 0)} (${m.recordingStatus}, ${m.completedRuns}/${m.runs} runs completed${m.failedRuns.length > 0 ? `; failed: ${m.failedRuns.join('; ')}` : ''}); ` +
        `no-policy steps ${m.noPolicySteps.toLocaleString('en-US')}, best val_accuracy ${fixed(m.noPolicyBest)} (run ${m.noPolicyBestIndex ?? 'n/a'}). ` +
        `The no-policy replay ${m.replayFaithful ? 'reproduces the recording exactly (same steps, same best)' : '**differs from the recording**'}.`,
      '',
    );
    const sensitivityKeys = [...new Set(m.policies.flatMap((p) => Object.keys(p.sensitivity)))];
    lines.push(
      ...table(
        [
          'policy',
          'steps trained',
          'saved vs no policy',
          'runs cancelled',
          'best val_accuracy',
          'Δ best',
          'no-policy best run survived',
          ...sensitivityKeys.map((k) => `saved (${k})`),
        ],
        m.policies.map((p) =>
          p.error !== null
            ? [p.label, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', ...sensitivityKeys.map(() => '')].map((c, i) =>
                i === 1 ? `error: ${p.error}` : c,
              )
            : [
                p.label,
                p.steps.toLocaleString('en-US'),
                p.id === 'none' ? '—' : pct(p.saved),
                String(p.cancelled),
                fixed(p.best, 4),
                p.id === 'none' ? '—' : signedPct(p.bestDelta, 2),
                p.id === 'none' ? '—' : p.noPolicyBestSurvived ? 'yes' : 'no',
                ...sensitivityKeys.map((k) => (p.id === 'none' ? '—' : pct(p.sensitivity[k] ?? null))),
              ],
        ),
      ),
      '',
    );
    const verdict = medianVerdict(m.policies.find((p) => p.id === 'median'));
    lines.push(
      `**HyperDrive's Median(1,5) claim (25–35 % saved, no loss) on ${m.trial}:** ${mark(verdict.pass)} ${verdict.text}.`,
      '',
    );
    if (m.live !== null) {
      const l = m.live;
      lines.push(
        `**Live check: ${l.policy} on real training** (same seed and configurations, concurrency ${result.concurrency}, ${ms(l.wallMs, 0)}, ${l.status}):`,
        '',
        ...table(
          ['', 'saved vs no policy', 'runs cancelled', 'best val_accuracy', 'no-policy best run survived'],
          [
            ['replay of the recording', pct(l.replaySaved), String(l.replayCancelled), fixed(l.replayBest, 4), ''],
            ['live', pct(l.saved), String(l.cancelled), fixed(l.best, 4), l.noPolicyBestSurvived ? 'yes' : 'no'],
          ],
        ),
        '',
        `Cancelled in both: ${l.cancelledBoth}; only live: ${l.cancelledOnlyLive}; only in the replay: ${l.cancelledOnlyReplay}. ` +
          `Training noise: the same configuration's val_accuracy differs between the recording and the live run by a median ${fixed(l.curveNoise, 4)} at the same epoch. ` +
          `Decision latency: a live cancelled run reported a median ${fixed(l.decisionLagEpochs, 1)} epoch(s) after the decision that cancelled it (the replay stops at the decision), which the live savings pay for.`,
        '',
      );
    }
  }
  return lines;
}
