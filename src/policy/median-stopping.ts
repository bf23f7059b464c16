import { isBetter } from '../metric/goal.js';
import { bestUpTo, formatNumber, otherRuns, plural, runningAverage } from './history.js';
import type { EvaluationPoints, EarlyTerminationPolicy, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
import {
  assertValidInput,
  isScheduled,
  notScheduledDecision,
  readOptionsObject,
  readSchedule,
  SCHEDULE_OPTION_NAMES,
} from './schedule.js';
import type { ScheduleOptions } from './schedule.js';
import type { DecisionMoment, OptunaPruner, WorkedDecision } from './row.js';
import type { Infer } from '../validate/index.js';
import * as schema from '../validate/schema.js';
import { value } from './evidence-fields.js';

declare module './policy.js' {
  interface PolicyKinds {
    readonly 'median-stopping': MedianStoppingEvidence;
  }
}

export const medianStoppingEvidence = schema.object('median-stopping evidence', {
  policy: schema.oneOf(['median-stopping'] as const),
  value,
  /** Median of the other runs' running averages over intervals 1..N. */
  median: schema.number,
  comparedRuns: schema.count,
});
export type MedianStoppingEvidence = Infer<typeof medianStoppingEvidence>;

export type MedianStoppingPolicyOptions = ScheduleOptions;

const OWNER = 'MedianStoppingPolicy';
const LABEL = 'Median stopping';

/** Median of a non-empty list; the mean of the two middle values when the count is even. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) throw new RangeError('median of an empty list');
  if (sorted.length % 2 === 1) return upper;
  const lower = sorted[mid - 1] ?? upper;
  return (lower + upper) / 2;
}

/**
 * semantics §5 Median stopping: cancel a run whose best so far is worse than the median of the
 * other runs' running averages at the same interval.
 */
export class MedianStoppingPolicy implements EarlyTerminationPolicy {
  readonly kind = 'median-stopping';
  readonly evaluationInterval: number;
  readonly delayEvaluation: number;

  constructor(options: MedianStoppingPolicyOptions = {}) {
    const record = readOptionsObject(OWNER, options, SCHEDULE_OPTION_NAMES);
    const schedule = readSchedule(OWNER, record);
    this.evaluationInterval = schedule.evaluationInterval;
    this.delayEvaluation = schedule.delayEvaluation;
  }

  evaluationPoints(): EvaluationPoints {
    return { kind: 'periodic', every: this.evaluationInterval, from: this.delayEvaluation };
  }

  decide(input: PolicyInput): PolicyDecision {
    assertValidInput(input);
    const { goal, run, interval } = input;
    if (!isScheduled(interval, this.evaluationInterval, this.delayEvaluation)) {
      return notScheduledDecision(this.kind, LABEL, interval, this);
    }

    // Only runs that have reached N are compared, so every average spans the same intervals;
    // a run with nothing finite in 1..N has no average and is left out rather than skewing it.
    const averages: number[] = [];
    for (const other of otherRuns(input)) {
      if (other.values.length < interval) continue;
      const average = runningAverage(other, interval);
      if (average !== undefined) averages.push(average);
    }
    if (averages.length === 0) {
      return {
        kind: 'skip',
        policy: this.kind,
        interval,
        why: 'nothing-to-compare',
        explanation: `not evaluated at interval ${interval}: no other run has reached interval ${interval} with a finite value (${LABEL})`,
      };
    }

    const mid = median(averages);
    const value = bestUpTo(goal, run, interval);
    // Strict: a best exactly equal to the median is not worse, so the run continues.
    const cancel = value === undefined || isBetter(goal, mid, value);
    const evidence: MedianStoppingEvidence = {
      policy: 'median-stopping',
      value: value ?? null,
      median: mid,
      comparedRuns: averages.length,
    };
    const of = `the median ${formatNumber(mid)} of ${plural(averages.length, "other run's running average", "other runs' running averages")}`;
    let explanation: string;
    if (value === undefined) {
      explanation = `stopped at interval ${interval}: no finite value up to this interval (diverged); ${of} (${LABEL})`;
    } else if (cancel) {
      explanation = `stopped at interval ${interval}: best ${formatNumber(value)} is worse than ${of} (${LABEL})`;
    } else {
      explanation = `continues at interval ${interval}: best ${formatNumber(value)} is not worse than ${of} (${LABEL})`;
    }
    return { kind: cancel ? 'cancel' : 'continue', policy: this.kind, interval, evidence, explanation };
  }

  toRecord(): PolicyRecord {
    return {
      kind: this.kind,
      options: { evaluationInterval: this.evaluationInterval, delayEvaluation: this.delayEvaluation },
    };
  }
}

/** The Optuna script's pruner for median stopping. */
export const MEDIAN_STOPPING_OPTUNA: OptunaPruner = {
  name: 'optuna.pruners.MedianPruner',
  lines(fields: { readonly evaluation_interval: number; readonly delay_evaluation: number }, { warn, schedule }) {
    warn(
      'early_termination',
      "Optuna's MedianPruner compares the trial's value at the step with the median of completed trials' values there; Overdrive compares the run's best with the median of every other run's running average",
    );
    return [
      "# Optuna compares the trial's intermediate value with the median of completed trials' values at",
      "# that step; Overdrive compares the run's best so far with the median of the other runs' running",
      '# averages (finished or not).',
      `pruner=${this.name}(${schedule(fields)}),`,
    ];
  },
};

/**
 * Median stopping's rule worked through with a decision's evidence; with the other runs' curves,
 * their running averages are recomputed as `decide` computes them and shown when their count is
 * the decision's.
 */
export function medianStoppingWorked(moment: DecisionMoment): WorkedDecision {
  const e = moment.evidence;
  if (e.policy !== 'median-stopping') throw new Error(`medianStoppingWorked was given ${e.policy} evidence`);
  const f = formatNumber;
  const n = moment.interval;
  const verdict = moment.stopped ? `→ stopped at interval ${n}` : `→ continues after interval ${n}`;
  const averages = (moment.otherCurves ?? [])
    .filter((values) => values.length >= n)
    .map((values, i) => runningAverage({ runId: String(i), values, finished: false }, n))
    .filter((a): a is number => a !== undefined);
  const exact = moment.otherCurves !== undefined && averages.length === e.comparedRuns && averages.length > 0;
  const sorted = [...averages].sort((a, b) => a - b);
  return {
    applied: [
      exact
        ? `median(${sorted.map(f).join(', ')}) = ${f(e.median)}`
        : `median of ${plural(e.comparedRuns, 'running average')} = ${f(e.median)}`,
      e.value === null
        ? `this run's best: none finite ${verdict}`
        : `this run's best ${f(e.value)} ${moment.stopped ? 'is worse than' : 'is not worse than'} ${f(e.median)} ${verdict}`,
    ],
    numbers: [
      ['interval', String(n)],
      ['running averages of the other runs (1..N)', exact ? sorted.map(f).join(', ') : plural(e.comparedRuns, 'run')],
      ['median', f(e.median)],
      ['this run’s value (its best up to this interval)', e.value === null ? 'none finite' : f(e.value)],
    ],
  };
}
