import { runStatusText, terminationText } from '../experiment/termination-text.js';
import { compareBestFirst } from '../metric/goal.js';
import type { ParamSet } from '../space/expression.js';
import type {
  ErrorRecord,
  RunRecord,
  AfterDecision,
  RunStatus,
  SweepEndReason,
  SweepRecord,
  TerminationRecord,
} from '../store/records.js';

/** One run in the CLI's `--json` document. */
export interface RunReport {
  readonly id: string;
  readonly index: number;
  readonly status: RunStatus;
  /** The status in words: "Stopped early (Bandit, interval 5)" for a policy stop (`status` stays Canceled). */
  readonly statusText: string;
  readonly hyperparameters: ParamSet;
  readonly bestPrimaryMetric: number | null;
  readonly intervals: number;
  /** Why the run was stopped, in words and numbers; null when it was not. */
  readonly terminationReason: string | null;
  readonly termination: TerminationRecord | null;
  /** What the run logged after a policy stopped it: kept, never its best (null when nothing). */
  readonly afterDecision: AfterDecision | null;
  readonly error: ErrorRecord | null;
  readonly backend: string | null;
  readonly attempt: number;
  readonly durationSeconds: number | null;
}

/** The whole `--json` document: what a script needs to act on a finished sweep. */
export interface SweepReport {
  readonly sweep: {
    readonly id: string;
    readonly experiment: string;
    readonly status: SweepRecord['status'];
    readonly endReason: SweepEndReason | null;
    readonly error: ErrorRecord | null;
    readonly warnings: readonly string[];
    readonly concurrency: number;
    readonly durationSeconds: number | null;
  };
  readonly objective: { readonly primaryMetric: string; readonly goal: SweepRecord['config']['primaryMetricGoal'] };
  readonly counts: Readonly<Record<RunStatus, number>>;
  readonly best: {
    readonly runId: string;
    readonly bestPrimaryMetric: number;
    readonly hyperparameters: ParamSet;
  } | null;
  readonly runs: readonly RunReport[];
}

const seconds = (start: number | null, end: number | null): number | null =>
  start === null || end === null ? null : Math.round(end - start) / 1000;

export function buildSweepReport(sweep: SweepRecord, runs: readonly RunRecord[]): SweepReport {
  const goal = sweep.config.primaryMetricGoal;
  const counts: Record<RunStatus, number> = { Queued: 0, Running: 0, Completed: 0, Canceled: 0, Failed: 0 };
  for (const run of runs) counts[run.status] += 1;
  const ranked = runs
    .filter((r): r is RunRecord & { bestMetric: number } => r.bestMetric !== null)
    .sort((a, b) => compareBestFirst(goal, a.bestMetric, b.bestMetric) || a.index - b.index);
  const top = ranked[0];
  return {
    sweep: {
      id: sweep.id,
      experiment: sweep.experiment,
      status: sweep.status,
      endReason: sweep.endReason,
      error: sweep.error,
      warnings: sweep.warnings,
      concurrency: sweep.concurrency,
      durationSeconds: seconds(sweep.startedAt, sweep.endedAt),
    },
    objective: { primaryMetric: sweep.config.primaryMetricName, goal },
    counts,
    best: top === undefined ? null : { runId: top.id, bestPrimaryMetric: top.bestMetric, hyperparameters: top.params },
    runs: [...runs]
      .sort((a, b) => a.index - b.index)
      .map((run) => ({
        id: run.id,
        index: run.index,
        status: run.status,
        statusText: runStatusText(run),
        hyperparameters: run.params,
        bestPrimaryMetric: run.bestMetric,
        intervals: run.intervals,
        terminationReason: run.termination === null ? null : terminationText(run.termination),
        termination: run.termination,
        afterDecision: run.afterDecision ?? null,
        error: run.error,
        backend: run.backend,
        attempt: run.attempt,
        durationSeconds: seconds(run.startedAt, run.endedAt),
      })),
  };
}

/** One line of live progress, e.g. for a terminal. */
export function progressLine(sweep: SweepRecord, runs: readonly RunRecord[], now: number): string {
  const report = buildSweepReport(sweep, runs);
  const c = report.counts;
  const elapsed = sweep.startedAt === null ? 0 : (now - sweep.startedAt) / 1000;
  const best =
    report.best === null
      ? `no ${report.objective.primaryMetric} yet`
      : `best ${report.objective.primaryMetric} ${formatNumber(report.best.bestPrimaryMetric)} (run ${report.best.runId})`;
  return (
    `[${elapsed.toFixed(1)}s] ${sweep.status}: ${runs.length}/${sweep.config.maxTotalRuns} runs — ` +
    `${c.Running + c.Queued} running, ${c.Completed} done, ${c.Canceled} terminated, ${c.Failed} failed; ${best}`
  );
}

export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}
