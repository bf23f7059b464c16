import { ConfigError } from '../errors.js';
import { isBetter } from '../metric/goal.js';
import type { PrimaryMetricGoal } from '../metric/goal.js';
import { bestUpTo, formatNumber, otherRuns } from './history.js';
import type { EvaluationPoints, EarlyTerminationPolicy, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
import {
  assertValidInput,
  isScheduled,
  notScheduledDecision,
  readOptionsObject,
  readPositiveNumber,
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
    readonly bandit: BanditEvidence;
  }
}

export const banditEvidence = schema.object('bandit evidence', {
  policy: schema.oneOf(['bandit'] as const),
  /** The run's best value over intervals 1..N (null when it logged no finite value). */
  value,
  /** best_N: the best of all runs' best values over their first N intervals. */
  best: schema.number,
  threshold: schema.number,
  slackFactor: schema.nullable(schema.number),
  slackAmount: schema.nullable(schema.number),
  comparedRuns: schema.count,
});
export type BanditEvidence = Infer<typeof banditEvidence>;

export type BanditPolicyOptions = ScheduleOptions &
  (
    | { readonly slackFactor: number; readonly slackAmount?: never }
    | { readonly slackAmount: number; readonly slackFactor?: never }
  );

const OWNER = 'BanditPolicy';
const LABEL = 'Bandit';
const KNOWN_OPTIONS = ['slackFactor', 'slackAmount', ...SCHEDULE_OPTION_NAMES] as const;

/** The cut-off and the arithmetic that produced it, for the explanation. */
interface Threshold {
  readonly value: number;
  readonly formula: string;
}

/**
 * semantics §5 Bandit: cancel a run whose best so far falls outside the slack allowed from the
 * best of all runs at the same interval.
 */
export class BanditPolicy implements EarlyTerminationPolicy {
  readonly kind = 'bandit';
  readonly slackFactor: number | null;
  readonly slackAmount: number | null;
  readonly evaluationInterval: number;
  readonly delayEvaluation: number;

  constructor(options: BanditPolicyOptions) {
    const record = readOptionsObject(OWNER, options, KNOWN_OPTIONS);
    const slackFactor = readPositiveNumber(OWNER, record, 'slackFactor');
    const slackAmount = readPositiveNumber(OWNER, record, 'slackAmount');
    if ((slackFactor === undefined) === (slackAmount === undefined)) {
      const given = slackFactor === undefined ? 'neither was given' : 'both were given';
      throw new ConfigError(OWNER, `needs exactly one of slackFactor and slackAmount; ${given}`, {
        slackFactor,
        slackAmount,
      });
    }
    const schedule = readSchedule(OWNER, record);
    this.slackFactor = slackFactor ?? null;
    this.slackAmount = slackAmount ?? null;
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
    // Other runs that have not reached N yet still count with what they have logged so far.
    let best = value;
    let comparedRuns = value === undefined ? 0 : 1;
    for (const other of otherRuns(input)) {
      const otherBest = bestUpTo(goal, other, interval);
      if (otherBest === undefined) continue;
      comparedRuns += 1;
      if (best === undefined || isBetter(goal, otherBest, best)) best = otherBest;
    }
    if (best === undefined) {
      return {
        kind: 'skip',
        policy: this.kind,
        interval,
        why: 'nothing-to-compare',
        explanation: `not evaluated at interval ${interval}: no run has a finite value up to this interval (${LABEL})`,
      };
    }

    const threshold = this.threshold(goal, best);
    // Strict comparison: a run exactly at the threshold is still within the slack.
    const cancel = value === undefined || (goal === 'MAXIMIZE' ? value < threshold.value : value > threshold.value);
    const evidence: BanditEvidence = {
      policy: 'bandit',
      value: value ?? null,
      best,
      threshold: threshold.value,
      slackFactor: this.slackFactor,
      slackAmount: this.slackAmount,
      comparedRuns,
    };
    const slack =
      this.slackFactor !== null
        ? `slack factor ${formatNumber(this.slackFactor)}`
        : `slack amount ${formatNumber(this.slackAmount)}`;
    const worse = goal === 'MAXIMIZE' ? '<' : '>';
    const notWorse = goal === 'MAXIMIZE' ? '≥' : '≤';
    let explanation: string;
    if (value === undefined) {
      explanation =
        `stopped at interval ${interval}: no finite value up to this interval (diverged), ` +
        `threshold ${threshold.formula} = ${formatNumber(threshold.value)} (${LABEL}, ${slack})`;
    } else if (cancel) {
      explanation =
        `stopped at interval ${interval}: best ${formatNumber(value)} ${worse} ` +
        `${threshold.formula} = ${formatNumber(threshold.value)} (${LABEL}, ${slack})`;
    } else {
      explanation =
        `continues at interval ${interval}: best ${formatNumber(value)} ${notWorse} ` +
        `threshold ${formatNumber(threshold.value)} (${LABEL})`;
    }
    return { kind: cancel ? 'cancel' : 'continue', policy: this.kind, interval, evidence, explanation };
  }

  toRecord(): PolicyRecord {
    const slack: Record<string, number> = {};
    if (this.slackFactor !== null) slack['slackFactor'] = this.slackFactor;
    if (this.slackAmount !== null) slack['slackAmount'] = this.slackAmount;
    return {
      kind: this.kind,
      options: {
        ...slack,
        evaluationInterval: this.evaluationInterval,
        delayEvaluation: this.delayEvaluation,
      },
    };
  }

  /**
   * semantics §5 Decision: with a negative best the slack is taken on |best| so the threshold
   * always lies on the worse side of best. The MAXIMIZE factor form
   * `best − |best|·sf/(1+sf)` reduces to HyperDrive's `best/(1+sf)` for best ≥ 0, and that
   * literal form is used there so the documented numbers come out exactly.
   */
  private threshold(goal: PrimaryMetricGoal, best: number): Threshold {
    const b = formatNumber(best);
    if (this.slackFactor !== null) {
      const sf = this.slackFactor;
      const f = formatNumber(sf);
      if (goal === 'MAXIMIZE') {
        return best >= 0
          ? { value: best / (1 + sf), formula: `${b}/(1+${f})` }
          : { value: best - (Math.abs(best) * sf) / (1 + sf), formula: `${b} - |${b}|*${f}/(1+${f})` };
      }
      return best >= 0
        ? { value: best * (1 + sf), formula: `${b}*(1+${f})` }
        : { value: best + Math.abs(best) * sf, formula: `${b} + |${b}|*${f}` };
    }
    const sa = this.slackAmount ?? 0;
    const a = formatNumber(sa);
    return goal === 'MAXIMIZE'
      ? { value: best - sa, formula: `${b} - ${a}` }
      : { value: best + sa, formula: `${b} + ${a}` };
  }
}

// Python text; see the header of sweep-file/to-optuna-script.ts for what an Optuna script holds.
/** The Optuna script's pruner for Bandit: BanditPruner, which the script defines (Optuna ships none). */
export const BANDIT_OPTUNA: OptunaPruner = {
  name: 'BanditPruner',
  preamble: [
    'class BanditPruner(optuna.pruners.BasePruner):',
    '    """Overdrive\'s (and HyperDrive\'s) Bandit policy, semantics §5, which Optuna does not ship.',
    '',
    '    At step N (when N % evaluation_interval == 0 and N >= delay_evaluation), best_N is the best of',
    "    every trial's best value over its first N steps (running and pruned trials included). A trial",
    '    whose best up to N is worse than best_N / (1 + slack_factor), or than best_N - slack_amount, is',
    '    pruned; MINIMIZE mirrors it, and a negative best_N takes the slack on |best_N|. A trial with no',
    '    finite value up to N is pruned whenever another has one.',
    '    """',
    '',
    '    def __init__(self, slack_factor=None, slack_amount=None, evaluation_interval=1, delay_evaluation=0):',
    '        if (slack_factor is None) == (slack_amount is None):',
    '            raise ValueError("BanditPruner needs exactly one of slack_factor and slack_amount")',
    '        self.slack_factor = slack_factor',
    '        self.slack_amount = slack_amount',
    '        self.evaluation_interval = evaluation_interval',
    '        self.delay_evaluation = delay_evaluation',
    '',
    '    def prune(self, study, trial):',
    '        step = trial.last_step',
    '        if step is None or step % self.evaluation_interval != 0 or step < self.delay_evaluation:',
    '            return False',
    '        maximize = study.direction == optuna.study.StudyDirection.MAXIMIZE',
    '',
    '        def best_up_to(t):',
    '            values = [v for s, v in t.intermediate_values.items() if s <= step and math.isfinite(v)]',
    '            if not values:',
    '                return None',
    '            return max(values) if maximize else min(values)',
    '',
    '        value = best_up_to(trial)',
    '        bests = [best_up_to(t) for t in study.get_trials(deepcopy=False) if t.number != trial.number]',
    '        bests = [b for b in bests + [value] if b is not None]',
    '        if not bests:',
    '            return False',
    '        best = max(bests) if maximize else min(bests)',
    '        if value is None:',
    '            return True',
    '        threshold = self.threshold(best, maximize)',
    '        # Strict: a trial exactly at the threshold is still within the slack.',
    '        return value < threshold if maximize else value > threshold',
    '',
    '    def threshold(self, best, maximize):',
    '        if self.slack_factor is not None:',
    '            sf = self.slack_factor',
    '            if maximize:',
    '                return best / (1 + sf) if best >= 0 else best - abs(best) * sf / (1 + sf)',
    '            return best * (1 + sf) if best >= 0 else best + abs(best) * sf',
    '        return best - self.slack_amount if maximize else best + self.slack_amount',
  ],
  lines(
    fields: {
      readonly slack_factor?: number;
      readonly slack_amount?: number;
      readonly evaluation_interval: number;
      readonly delay_evaluation: number;
    },
    { py },
  ) {
    const slack =
      fields.slack_factor !== undefined
        ? `slack_factor=${py(fields.slack_factor)}`
        : `slack_amount=${py(fields.slack_amount ?? 0)}`;
    return [
      '# Bandit (semantics §5) has no Optuna pruner; BanditPruner above implements it exactly.',
      `pruner=${this.name}(${slack}, evaluation_interval=${fields.evaluation_interval}, delay_evaluation=${fields.delay_evaluation}),`,
    ];
  },
};

/** Bandit's rule worked through with a decision's evidence (the Studio's opened decision). */
export function banditWorked(moment: DecisionMoment): WorkedDecision {
  const e = moment.evidence;
  if (e.policy !== 'bandit') throw new Error(`banditWorked was given ${e.policy} evidence`);
  const f = formatNumber;
  const maximize = moment.goal === 'MAXIMIZE';
  const verdict = moment.stopped
    ? `→ stopped at interval ${moment.interval}`
    : `→ continues after interval ${moment.interval}`;
  const b = f(e.best);
  let cut: string;
  if (e.slackFactor !== null) {
    const sf = f(e.slackFactor);
    if (maximize) cut = e.best >= 0 ? `${b} / (1 + ${sf})` : `${b} − |${b}| · ${sf} / (1 + ${sf})`;
    else cut = e.best >= 0 ? `${b} · (1 + ${sf})` : `${b} + |${b}| · ${sf}`;
  } else {
    cut = maximize ? `${b} − ${f(e.slackAmount)}` : `${b} + ${f(e.slackAmount)}`;
  }
  const compare = moment.stopped ? (maximize ? '<' : '>') : maximize ? '≥' : '≤';
  return {
    applied: [
      `cut-off = ${cut} = ${f(e.threshold)}`,
      e.value === null
        ? `this run's best: none finite ${verdict}`
        : `this run's best ${f(e.value)} ${compare} ${f(e.threshold)} ${verdict}`,
    ],
    numbers: [
      ['interval', String(moment.interval)],
      ['best run’s value (best of all runs up to this interval)', b],
      ['slack', e.slackFactor !== null ? `slack factor ${f(e.slackFactor)}` : `slack amount ${f(e.slackAmount)}`],
      ['cut-off', f(e.threshold)],
      ['this run’s value (its best up to this interval)', e.value === null ? 'none finite (diverged)' : f(e.value)],
      ['runs compared', String(e.comparedRuns)],
    ],
  };
}
