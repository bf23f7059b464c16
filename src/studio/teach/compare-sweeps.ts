import {
  bestRun,
  compareBestFirst,
  NO_FILE_POLICY_ROW,
  type MetricPoint,
  type RunRecord,
  samplingRow,
  type SweepRecord,
} from '../engine.js';

/** One stored sweep, as the comparison reads it. */
export interface SweepForComparison {
  readonly record: SweepRecord;
  readonly runs: readonly RunRecord[];
  /** Its metric points (any metrics; the primary metric's are used), in any order. */
  readonly points: readonly MetricPoint[];
}

/** A point of the best-so-far curve: after `compute` primary-metric intervals trained, the best was `best`. */
export interface ComputePoint {
  readonly compute: number;
  readonly best: number;
}

/** One sweep's column of the comparison. */
export interface SweepSummary {
  readonly id: string;
  /** The sweep's name, or its id when unnamed. */
  readonly label: string;
  readonly sampling: string;
  readonly policy: string;
  readonly seed: number | string | null;
  /** Best so far against cumulative intervals trained, in the order the intervals were reported. */
  readonly curve: readonly ComputePoint[];
  readonly finalBest: number | null;
  /** Primary-metric intervals trained, over every run. */
  readonly compute: number;
  /** 1 − compute / the baseline's compute, in percent (0 for the baseline itself). */
  readonly computeSavedPercent: number;
  readonly baseline: boolean;
  readonly runs: number;
  readonly runsStopped: number;
}

/**
 * A run a policy stopped in one sweep whose configuration, in a sweep drawn with the same seed
 * and sampling, trained to the end in another: with what it reached there.
 */
export interface StoppedWinner {
  readonly stoppedIn: string;
  readonly stoppedRunIndex: number;
  readonly stoppedAt: number;
  readonly ranIn: string;
  readonly ranRunIndex: number;
  /** Its best where it trained to the end. */
  readonly valueThere: number;
  /** It was (or tied) the best run of the sweep it trained to the end in. */
  readonly wonThere: boolean;
  /** Its best there beats the best the stopping sweep found. */
  readonly beatsStoppingSweep: boolean;
}

export interface SweepComparison {
  readonly primaryMetric: string;
  readonly goal: SweepRecord['config']['primaryMetricGoal'];
  readonly sweeps: readonly SweepSummary[];
  /** How the baseline was chosen, in words. */
  readonly baselineReason: string;
  /** Stopped runs that would have won, over every same-seed pair (empty when none or no pair). */
  readonly stoppedWinners: readonly StoppedWinner[];
  /** Pairs of sweeps with the same seed and sampling (what `stoppedWinners` could look at). */
  readonly sameSeedPairs: number;
  /** Why the sweeps cannot be compared (different primary metric or goal), or null. */
  readonly mismatch: string | null;
}

/**
 * Compares stored sweeps for the Sweeps page: how the best grew with the compute spent, the
 * final best, compute saved against a baseline (a no-policy sweep with the same seed and sampling
 * when one is selected, else the sweep that trained the most intervals), runs stopped, and which
 * stopped runs would have won where the same configuration trained to the end.
 */
export function compareSweeps(sweeps: readonly SweepForComparison[]): SweepComparison {
  const first = sweeps[0];
  if (first === undefined) throw new Error('compareSweeps needs at least one sweep');
  const primaryMetric = first.record.config.primaryMetricName;
  const goal = first.record.config.primaryMetricGoal;
  const mismatch = sweeps.find(
    (s) => s.record.config.primaryMetricName !== primaryMetric || s.record.config.primaryMetricGoal !== goal,
  );
  const computes = sweeps.map((s) => s.runs.reduce((sum, run) => sum + run.intervals, 0));

  let baseline: number;
  let baselineReason: string;
  const noPolicyTwin = sweeps.findIndex(
    (s, i) =>
      s.record.config.policy.kind === NO_FILE_POLICY_ROW.kind &&
      sweeps.some((o, j) => j !== i && sameSeedAndSampling(s.record, o.record)),
  );
  if (noPolicyTwin >= 0) {
    baseline = noPolicyTwin;
    baselineReason = `${labelOf(sweeps[noPolicyTwin]?.record)}: no early termination, same seed and sampling`;
  } else {
    baseline = computes.reduce((best, c, i) => (c > (computes[best] ?? -1) ? i : best), 0);
    baselineReason = `${labelOf(sweeps[baseline]?.record)}: the most intervals trained`;
  }
  const baseCompute = computes[baseline] ?? 0;

  const summaries = sweeps.map((s, i): SweepSummary => {
    const config = s.record.config;
    const best = bestRun(s.runs, goal);
    const compute = computes[i] ?? 0;
    const seed = config.sampling.options['seed'];
    return {
      id: s.record.id,
      label: labelOf(s.record),
      sampling: config.sampling.kind,
      policy: config.policy.kind,
      seed: typeof seed === 'number' || typeof seed === 'string' ? seed : null,
      curve: bestSoFarCurve(s, primaryMetric, goal),
      finalBest: best?.bestMetric ?? null,
      compute,
      computeSavedPercent: i === baseline || baseCompute === 0 ? 0 : (1 - compute / baseCompute) * 100,
      baseline: i === baseline,
      runs: s.runs.length,
      runsStopped: s.runs.filter((r) => r.termination?.kind === 'policy').length,
    };
  });

  const stoppedWinners: StoppedWinner[] = [];
  let sameSeedPairs = 0;
  for (const a of sweeps) {
    for (const b of sweeps) {
      if (a === b || !sameSeedAndSampling(a.record, b.record)) continue;
      sameSeedPairs += 1;
      stoppedWinners.push(...stoppedThatWon(a, b, goal));
    }
  }
  return {
    primaryMetric,
    goal,
    sweeps: summaries,
    baselineReason,
    stoppedWinners,
    sameSeedPairs: sameSeedPairs / 2,
    mismatch:
      mismatch === undefined
        ? null
        : `${labelOf(mismatch.record)} optimises ${mismatch.record.config.primaryMetricGoal.toLowerCase()} ${mismatch.record.config.primaryMetricName}, ${labelOf(first.record)} ${goal.toLowerCase()} ${primaryMetric}: their values are not comparable`,
  };
}

/** The sweep's name, or its id when it has none. */
export function labelOf(record: SweepRecord | undefined): string {
  if (record === undefined) return '';
  return record.name ?? record.id;
}

/**
 * Two sweeps drew the same configurations: the same sampling method, options and search space,
 * and a seed (a grid needs none: it enumerates the same configurations in the same order).
 */
export function sameSeedAndSampling(a: SweepRecord, b: SweepRecord): boolean {
  const sa = a.config.sampling;
  const sb = b.config.sampling;
  return (
    (sa.options['seed'] !== undefined || samplingRow(sa.kind).enumerates) &&
    sa.kind === sb.kind &&
    stableJson(sa.options) === stableJson(sb.options) &&
    stableJson(sa.space) === stableJson(sb.space)
  );
}

function stoppedThatWon(
  a: SweepForComparison,
  b: SweepForComparison,
  goal: SweepRecord['config']['primaryMetricGoal'],
): StoppedWinner[] {
  const bBest = bestRun(b.runs, goal)?.bestMetric ?? null;
  const aBest = bestRun(a.runs, goal)?.bestMetric ?? null;
  const ranToEnd = new Map<string, RunRecord>();
  for (const run of b.runs) {
    if (run.status === 'Completed' && run.bestMetric !== null) ranToEnd.set(stableJson(run.params), run);
  }
  const found: StoppedWinner[] = [];
  for (const run of a.runs) {
    if (run.termination?.kind !== 'policy') continue;
    const twin = ranToEnd.get(stableJson(run.params));
    if (twin === undefined || twin.bestMetric === null) continue;
    const wonThere = bBest !== null && compareBestFirst(goal, twin.bestMetric, bBest) <= 0;
    const beatsStoppingSweep = aBest === null || compareBestFirst(goal, twin.bestMetric, aBest) < 0;
    if (!wonThere && !beatsStoppingSweep) continue;
    found.push({
      stoppedIn: labelOf(a.record),
      stoppedRunIndex: run.index,
      stoppedAt: run.termination.decision.interval,
      ranIn: labelOf(b.record),
      ranRunIndex: twin.index,
      valueThere: twin.bestMetric,
      wonThere,
      beatsStoppingSweep,
    });
  }
  return found;
}

/** Best so far over the primary metric's points in report order (time, then step), one point per interval. */
function bestSoFarCurve(
  sweep: SweepForComparison,
  metric: string,
  goal: SweepRecord['config']['primaryMetricGoal'],
): ComputePoint[] {
  const points = sweep.points
    .filter((p) => p.name === metric)
    .slice()
    .sort((p, q) => p.time - q.time || p.step - q.step);
  const curve: ComputePoint[] = [];
  let best: number | undefined;
  let compute = 0;
  for (const p of points) {
    compute += 1;
    if (Number.isFinite(p.value) && (best === undefined || compareBestFirst(goal, p.value, best) < 0)) best = p.value;
    if (best !== undefined) curve.push({ compute, best });
  }
  return curve;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
