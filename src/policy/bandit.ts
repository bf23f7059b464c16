import { ConfigError } from '../errors.js';
import { isBetter } from '../metric/goal.js';
import type { PrimaryMetricGoal } from '../metric/goal.js';
import { bestUpTo, formatNumber, otherRuns } from './history.js';
import type { BanditEvidence, EarlyTerminationPolicy, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
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
