import { ConfigError } from '../errors.js';
import { otherRuns } from './history.js';
import type { EvaluationPoints, EarlyTerminationPolicy, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
import { assertValidInput, readInteger, readOptionsObject } from './schedule.js';
import {
  describeRungs,
  firstRung,
  judgeRung,
  MAX_RUNG_INTERVAL,
  readRungOptions,
  rungAt,
  rungIntervals,
  type RungSchedule,
} from './successive-halving.js';
import type { OptunaPruner } from './row.js';
import type { Infer } from '../validate/index.js';
import * as schema from '../validate/schema.js';
import { ranking, rung, value } from './evidence-fields.js';

declare module './policy.js' {
  interface PolicyKinds {
    readonly asha: AshaEvidence;
  }
}

/** The numbers behind an ASHA decision at one rung (semantics §5 Beyond; see asha.ts). */
export const ashaEvidence = schema.object('asha evidence', {
  policy: schema.oneOf(['asha'] as const),
  /** The run's best value over intervals 1..resource (null when it logged no finite value). */
  value,
  ...rung,
  earlyStoppingRate: schema.count,
  ...ranking,
});
export type AshaEvidence = Infer<typeof ashaEvidence>;

export interface AshaPolicyOptions {
  /** eta, an integer 2–100 (default 3): a rung keeps the top 1/eta of the runs that reached it. */
  readonly reductionFactor?: number;
  /** r_min, an integer >= 1 (default 1): the interval of the first rung when earlyStoppingRate is 0. */
  readonly minInterval?: number;
  /**
   * R, an integer > minInterval: the interval at which a run is complete. No rung is placed at
   * or beyond it. Absent (the default): rungs go on, geometrically, for as long as a run reports.
   */
  readonly maxInterval?: number;
  /** s, an integer >= 0 (default 0): rungs sit at minInterval·reductionFactor^(s + k), k = 0, 1, ... */
  readonly earlyStoppingRate?: number;
}

const OWNER = 'AshaPolicy';
const LABEL = 'ASHA';
const KNOWN_OPTIONS = ['reductionFactor', 'minInterval', 'maxInterval', 'earlyStoppingRate'] as const;

/**
 * ASHA, asynchronous successive halving, in its stopping form (semantics §5 Beyond; the rules and
 * their Decisions are in successive-halving.ts). At a rung a run continues only if its best
 * value so far is in the top 1/reductionFactor of the values every run recorded at that rung.
 *
 * ASHA decides at its rungs, not on HyperDrive's evaluation schedule, so it takes neither
 * `evaluationInterval` nor `delayEvaluation`; the interface's fields say when it first decides.
 */
export class AshaPolicy implements EarlyTerminationPolicy {
  readonly kind = 'asha';
  readonly reductionFactor: number;
  readonly minInterval: number;
  readonly maxInterval: number | null;
  readonly earlyStoppingRate: number;
  /** Always 1: whether an interval is a rung is decided by `rungAt`, not by a period. */
  readonly evaluationInterval = 1;
  /** The first rung, minInterval·reductionFactor^earlyStoppingRate. */
  readonly delayEvaluation: number;
  private readonly schedule: RungSchedule;

  constructor(options: AshaPolicyOptions = {}) {
    const record = readOptionsObject(OWNER, options, KNOWN_OPTIONS);
    this.schedule = readRungOptions(OWNER, record, false);
    this.earlyStoppingRate = readInteger(OWNER, record, 'earlyStoppingRate', 0, 30) ?? 0;
    const first = firstRung(this.schedule, this.earlyStoppingRate);
    const { reductionFactor, minInterval, maxInterval } = this.schedule;
    const formula = `minInterval·reductionFactor^earlyStoppingRate = ${minInterval}·${reductionFactor}^${this.earlyStoppingRate}`;
    if (first > MAX_RUNG_INTERVAL) {
      throw new ConfigError(
        `${OWNER}.earlyStoppingRate`,
        `must leave the first rung (${formula}) at most ${MAX_RUNG_INTERVAL}`,
        this.earlyStoppingRate,
      );
    }
    if (maxInterval !== null && first >= maxInterval) {
      throw new ConfigError(
        `${OWNER}.maxInterval`,
        `must be greater than the first rung, ${formula} = ${first}, so that at least one rung lies below it`,
        maxInterval,
      );
    }
    this.reductionFactor = reductionFactor;
    this.minInterval = minInterval;
    this.maxInterval = maxInterval;
    this.delayEvaluation = first;
  }

  /** The rung intervals, at most `limit` of them (all, when maxInterval bounds them). */
  rungs(limit = 64): number[] {
    return rungIntervals(this.schedule, this.earlyStoppingRate, limit);
  }

  evaluationPoints(): EvaluationPoints {
    return { kind: 'listed', intervals: rungIntervals(this.schedule, this.earlyStoppingRate) };
  }

  decide(input: PolicyInput): PolicyDecision {
    assertValidInput(input);
    const { interval } = input;
    const rung = rungAt(this.schedule, this.earlyStoppingRate, interval);
    if (rung === undefined) {
      return {
        kind: 'skip',
        policy: this.kind,
        interval,
        why: 'not-scheduled',
        explanation: `not evaluated at interval ${interval}: ASHA decides only at its rungs, ${describeRungs(this.schedule, this.earlyStoppingRate)} (${LABEL})`,
      };
    }
    return judgeRung(
      input,
      otherRuns(input),
      {
        rung,
        resource: interval,
        reductionFactor: this.reductionFactor,
        where: `rung ${rung}, resource ${interval}`,
        label: LABEL,
      },
      this.kind,
      (ranking): AshaEvidence => ({
        policy: 'asha',
        value: ranking.value,
        rung,
        resource: interval,
        reductionFactor: this.reductionFactor,
        earlyStoppingRate: this.earlyStoppingRate,
        comparedRuns: ranking.comparedRuns,
        keepCount: ranking.keepCount,
        rank: ranking.rank,
        cutoff: ranking.cutoff,
      }),
    );
  }

  toRecord(): PolicyRecord {
    return {
      kind: this.kind,
      options: {
        reductionFactor: this.reductionFactor,
        minInterval: this.minInterval,
        ...(this.maxInterval === null ? {} : { maxInterval: this.maxInterval }),
        earlyStoppingRate: this.earlyStoppingRate,
      },
    };
  }
}

/** The Optuna script's pruner for ASHA. */
export const ASHA_OPTUNA: OptunaPruner = {
  name: 'optuna.pruners.SuccessiveHalvingPruner',
  lines(
    fields: {
      readonly reduction_factor: number;
      readonly min_interval: number;
      readonly max_interval?: number;
      readonly early_stopping_rate: number;
    },
    { warn },
  ) {
    warn(
      'early_termination',
      "Optuna's SuccessiveHalvingPruner judges a trial's latest value at a rung and, while a rung has fewer than reduction_factor trials, keeps only the best; Overdrive judges the best so far and keeps every run until the rung can be cut",
    );
    return [
      '# ASHA: the same rungs (min_resource * reduction_factor ** (min_early_stopping_rate + k)). Optuna',
      "# judges a trial's latest value at the rung, where Overdrive takes its best so far; and while a rung",
      '# holds fewer than reduction_factor trials Optuna keeps only the best of them, Overdrive every one.',
      ...(fields.max_interval === undefined
        ? []
        : [`# max_interval ${fields.max_interval}: the trial ends there anyway (train() decides how long it runs).`]),
      `pruner=${this.name}(min_resource=${fields.min_interval}, reduction_factor=${fields.reduction_factor}, min_early_stopping_rate=${fields.early_stopping_rate}),`,
    ];
  },
};
