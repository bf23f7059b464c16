import { ConfigError } from '../errors.js';
import { compareBestFirst, isBetter } from '../metric/goal.js';
import { bestUpTo, formatNumber, otherRuns, plural } from './history.js';
import type { EvaluationPoints, EarlyTerminationPolicy, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
import {
  assertValidInput,
  isScheduled,
  notScheduledDecision,
  readBoolean,
  readInteger,
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
    readonly 'truncation-selection': TruncationSelectionEvidence;
  }
}

export const truncationSelectionEvidence = schema.object('truncation-selection evidence', {
  policy: schema.oneOf(['truncation-selection'] as const),
  value,
  truncationPercentage: schema.number,
  /** Runs compared at interval N, this one included. */
  comparedRuns: schema.count,
  /** floor(comparedRuns * truncationPercentage / 100). */
  cutCount: schema.count,
  /** 1 = best; ties share the better rank. */
  rank: schema.count,
  /** The best value that still falls in the truncated group (null when nothing is cut). */
  cutoff: schema.nullable(schema.number),
});
export type TruncationSelectionEvidence = Infer<typeof truncationSelectionEvidence>;

export interface TruncationSelectionPolicyOptions extends ScheduleOptions {
  /** Integer 1–99: the share of compared runs cut at each evaluation. */
  readonly truncationPercentage: number;
  /** When true, finished runs are left out of the comparison (default false). */
  readonly excludeFinishedJobs?: boolean;
}

const OWNER = 'TruncationSelectionPolicy';
const LABEL = 'Truncation selection';
const KNOWN_OPTIONS = ['truncationPercentage', 'excludeFinishedJobs', ...SCHEDULE_OPTION_NAMES] as const;
const PERCENTAGE_RULE = 'must be an integer between 1 and 99';

/**
 * semantics §5 Truncation selection: at each evaluation cancel the run if it ranks among the worst
 * `floor(n * truncationPercentage / 100)` of the n runs that have reached the same interval.
 */
export class TruncationSelectionPolicy implements EarlyTerminationPolicy {
  readonly kind = 'truncation-selection';
  readonly truncationPercentage: number;
  readonly excludeFinishedJobs: boolean;
  readonly evaluationInterval: number;
  readonly delayEvaluation: number;

  constructor(options: TruncationSelectionPolicyOptions) {
    const record = readOptionsObject(OWNER, options, KNOWN_OPTIONS);
    const percentage = readInteger(OWNER, record, 'truncationPercentage', 1, 99);
    if (percentage === undefined) {
      throw new ConfigError(`${OWNER}.truncationPercentage`, `is required and ${PERCENTAGE_RULE}`, undefined);
    }
    const schedule = readSchedule(OWNER, record);
    this.truncationPercentage = percentage;
    this.excludeFinishedJobs = readBoolean(OWNER, record, 'excludeFinishedJobs') ?? false;
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

    const value = bestUpTo(goal, run, interval);
    // Runs that have reached N but logged nothing finite still count in n: they are real
    // runs at this interval, ranked last (see the Decision in history.ts).
    const othersBest: (number | undefined)[] = [];
    for (const other of otherRuns(input)) {
      if (other.values.length < interval) continue;
      if (this.excludeFinishedJobs && other.finished) continue;
      othersBest.push(bestUpTo(goal, other, interval));
    }
    const finiteOthers = othersBest.filter((b) => b !== undefined).length;
    if (value === undefined && finiteOthers === 0) {
      return {
        kind: 'skip',
        policy: this.kind,
        interval,
        why: 'nothing-to-compare',
        explanation: `not evaluated at interval ${interval}: no run compared at this interval has a finite value (${LABEL})`,
      };
    }

    const comparedRuns = othersBest.length + 1;
    const cutCount = Math.floor((comparedRuns * this.truncationPercentage) / 100);
    const strictlyBetter =
      value === undefined ? finiteOthers : othersBest.filter((b) => b !== undefined && isBetter(goal, b, value)).length;
    const rank = strictlyBetter + 1;
    // Ties favour the run: it is cut only when at least n − cutCount runs beat it outright.
    // A diverged run is cut even when the floor leaves cutCount at 0 (Decision, history.ts).
    const cancel = value === undefined || (cutCount > 0 && strictlyBetter >= comparedRuns - cutCount);

    const ranked = [value, ...othersBest].sort((a, b) => compareBestFirst(goal, a, b));
    const cutoff = cutCount > 0 ? (ranked[comparedRuns - cutCount] ?? null) : null;
    const evidence: TruncationSelectionEvidence = {
      policy: 'truncation-selection',
      value: value ?? null,
      truncationPercentage: this.truncationPercentage,
      comparedRuns,
      cutCount,
      rank,
      cutoff,
    };

    const pct = `${this.truncationPercentage}%`;
    const cut =
      cutCount > 0
        ? `${plural(cutCount, 'run')} cut; cutoff ${formatNumber(cutoff)}`
        : `${pct} of ${plural(comparedRuns, 'run')} cuts none`;
    const place = `rank ${rank} of ${comparedRuns}`;
    let explanation: string;
    if (value === undefined) {
      explanation = `stopped at interval ${interval}: no finite value up to this interval (diverged), ${place} behind ${plural(finiteOthers, 'run')} with a finite value (${cut}) (${LABEL})`;
    } else if (cancel) {
      explanation = `stopped at interval ${interval}: ${place}, in the lowest ${pct} (${cut}) (${LABEL})`;
    } else if (cutCount > 0) {
      explanation = `continues at interval ${interval}: best ${formatNumber(value)}, ${place}, above the lowest ${pct} (${cut}) (${LABEL})`;
    } else {
      explanation = `continues at interval ${interval}: best ${formatNumber(value)}, ${place} (${cut}) (${LABEL})`;
    }
    return { kind: cancel ? 'cancel' : 'continue', policy: this.kind, interval, evidence, explanation };
  }

  toRecord(): PolicyRecord {
    return {
      kind: this.kind,
      options: {
        truncationPercentage: this.truncationPercentage,
        excludeFinishedJobs: this.excludeFinishedJobs,
        evaluationInterval: this.evaluationInterval,
        delayEvaluation: this.delayEvaluation,
      },
    };
  }
}

/** The Optuna script's pruner for truncation selection. */
export const TRUNCATION_SELECTION_OPTUNA: OptunaPruner = {
  name: 'optuna.pruners.PercentilePruner',
  lines(
    fields: {
      readonly truncation_percentage: number;
      readonly evaluation_interval: number;
      readonly delay_evaluation: number;
      readonly exclude_finished_jobs: boolean;
    },
    { warn, schedule },
  ) {
    warn(
      'early_termination',
      "Optuna's PercentilePruner keeps the top percentile of completed trials' values at the step; Overdrive ranks each run's best against every run at the interval and cuts floor(n × percentage / 100)",
    );
    return [
      `# Truncation selection cuts the lowest ${fields.truncation_percentage}%: PercentilePruner keeps the top ${100 - fields.truncation_percentage}% of completed trials`,
      "# at each step (by their value at the step, where Overdrive ranks every run's best so far).",
      ...(fields.exclude_finished_jobs
        ? ['# exclude_finished_jobs has no Optuna counterpart: Optuna compares with completed trials only.']
        : []),
      `pruner=${this.name}(${100 - fields.truncation_percentage}.0, ${schedule(fields)}),`,
    ];
  },
};

/** Truncation selection's rule worked through with a decision's evidence: the rank, the percentile, the cut. */
export function truncationSelectionWorked(moment: DecisionMoment): WorkedDecision {
  const e = moment.evidence;
  if (e.policy !== 'truncation-selection') throw new Error(`truncationSelectionWorked was given ${e.policy} evidence`);
  const f = formatNumber;
  const n = e.comparedRuns;
  const keep = n - e.cutCount;
  const percentile = n === 0 ? 0 : Math.round((e.rank / n) * 100);
  const verdict = moment.stopped
    ? `→ stopped at interval ${moment.interval}`
    : `→ continues after interval ${moment.interval}`;
  return {
    applied: [
      `cut = ⌊${n} · ${f(e.truncationPercentage)} / 100⌋ = ${plural(e.cutCount, 'run')}, so ranks above ${keep} are stopped`,
      `this run ranks ${e.rank} of ${n} (${percentile}th percentile from the top): ${e.rank} ${moment.stopped ? '>' : '≤'} ${keep} ${verdict}`,
    ],
    numbers: [
      ['interval', String(moment.interval)],
      ['truncation percentage', `${f(e.truncationPercentage)} %`],
      ['runs compared', String(n)],
      ['rank (1 = best)', String(e.rank)],
      ['percentile (from the top)', `${percentile} %`],
      ['cut-off (best value in the stopped group)', e.cutoff === null ? 'none (nothing cut)' : f(e.cutoff)],
      ['this run’s value', e.value === null ? 'none finite' : f(e.value)],
    ],
  };
}
