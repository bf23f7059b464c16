import { ConfigError } from '../errors.js';
import { fnv1a32 } from '../math/fnv1a.js';
import { otherRuns } from './history.js';
import type {
  EvaluationPoints,
  EarlyTerminationPolicy,
  PolicyDecision,
  PolicyInput,
  PolicyRecord,
  RunHistory,
} from './policy.js';
import { assertValidInput, readInteger, readOptionsObject } from './schedule.js';
import {
  describeRungs,
  firstRung,
  judgeRung,
  maxBrackets,
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
    readonly hyperband: HyperbandEvidence;
  }
}

/** ASHA's numbers, within the run's Hyperband bracket (see hyperband.ts); runs compared are the bracket's. */
export const hyperbandEvidence = schema.object('hyperband evidence', {
  policy: schema.oneOf(['hyperband'] as const),
  value,
  /** 0-based bracket; also its early-stopping rate s (first rung at minInterval·reductionFactor^s). */
  bracket: schema.count,
  brackets: schema.count,
  ...rung,
  ...ranking,
});
export type HyperbandEvidence = Infer<typeof hyperbandEvidence>;

export interface HyperbandPolicyOptions {
  /** eta, an integer 2–100 (default 3). */
  readonly reductionFactor?: number;
  /** r_min, an integer >= 1 (default 1): the first rung of bracket 0, the most aggressive one. */
  readonly minInterval?: number;
  /** R, required, an integer > minInterval: the interval at which a run is complete. */
  readonly maxInterval: number;
  /**
   * How many brackets, 1 to floor(log_eta(R / r_min)) + 1 (the default, every bracket). Bracket
   * s has its first rung at r_min·eta^s; fewer brackets drop the least aggressive ones.
   */
  readonly brackets?: number;
}

const OWNER = 'HyperbandPolicy';
const LABEL = 'Hyperband';
const KNOWN_OPTIONS = ['reductionFactor', 'minInterval', 'maxInterval', 'brackets'] as const;
// frac(i·(√5 − 1)/2) is the most evenly spread sequence in [0, 1) there is (three-distance
// theorem): consecutive runs land in different brackets, and the shares converge quickly.
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

/**
 * Hyperband on ASHA (semantics §5 Beyond; Li et al. 2020, §3.3): several ASHA brackets, bracket s
 * with early-stopping rate s, so that some runs are judged early and often and others late or
 * never. Each run belongs to one bracket and is compared only with the runs of its bracket.
 *
 * Decision (bracket assignment): deterministic, weighted as in the Hyperband paper (Li et al.
 * 2018) and Optuna's HyperbandPruner, bracket s getting ceil(B·eta^(B−1−s) / (B−s)) shares of B
 * brackets, so that every bracket spends about the same total budget. A run with creation
 * index i takes the bracket whose share of [0, 1) holds frac(i·0.618…); a run without an index
 * uses a 32-bit FNV-1a hash of its id divided by 2^32 instead.
 */
export class HyperbandPolicy implements EarlyTerminationPolicy {
  readonly kind = 'hyperband';
  readonly reductionFactor: number;
  readonly minInterval: number;
  readonly maxInterval: number;
  readonly brackets: number;
  /** Always 1: rungs decide, per bracket (see AshaPolicy). */
  readonly evaluationInterval = 1;
  /** The earliest rung of any bracket: minInterval. */
  readonly delayEvaluation: number;
  /** Bracket s's share of runs, cumulated: bracket s holds [cumulative[s−1], cumulative[s]). */
  private readonly cumulative: readonly number[];
  private readonly schedule: RungSchedule;

  constructor(options: HyperbandPolicyOptions) {
    const record = readOptionsObject(OWNER, options, KNOWN_OPTIONS);
    this.schedule = readRungOptions(OWNER, record, true);
    const { reductionFactor, minInterval } = this.schedule;
    const maxInterval = this.schedule.maxInterval ?? Number.NaN;
    const most = maxBrackets(reductionFactor, minInterval, maxInterval);
    const brackets = readInteger(OWNER, record, 'brackets', 1);
    if (brackets !== undefined && brackets > most) {
      throw new ConfigError(
        `${OWNER}.brackets`,
        `must be at most floor(log_${reductionFactor}(maxInterval / minInterval)) + 1 = ${most} for minInterval ${minInterval} and maxInterval ${maxInterval}`,
        brackets,
      );
    }
    this.reductionFactor = reductionFactor;
    this.minInterval = minInterval;
    this.maxInterval = maxInterval;
    this.brackets = brackets ?? most;
    this.delayEvaluation = minInterval;
    const weights = Array.from({ length: this.brackets }, (_, s) =>
      Math.ceil((this.brackets * reductionFactor ** (this.brackets - 1 - s)) / (this.brackets - s)),
    );
    const total = weights.reduce((a, b) => a + b, 0);
    let sum = 0;
    this.cumulative = weights.map((w) => {
      sum += w;
      return sum / total;
    });
  }

  /** The bracket (0-based, = its early-stopping rate) a run belongs to. */
  bracketOf(run: Pick<RunHistory, 'runId' | 'index'>): number {
    const u =
      run.index !== undefined && Number.isSafeInteger(run.index) && run.index >= 0
        ? (run.index * GOLDEN_FRACTION) % 1
        : fnv1a32(run.runId) / 2 ** 32;
    const found = this.cumulative.findIndex((edge) => u < edge);
    return found === -1 ? this.brackets - 1 : found;
  }

  /** Each bracket's expected share of the runs, in bracket order (sums to 1). */
  bracketShares(): number[] {
    return this.cumulative.map((edge, s) => edge - (this.cumulative[s - 1] ?? 0));
  }

  /** The rung intervals of bracket `bracket` (empty for a bracket that runs everything to the end). */
  rungs(bracket: number): number[] {
    return rungIntervals(this.schedule, bracket);
  }

  evaluationPoints(run: Pick<RunHistory, 'runId' | 'index'>): EvaluationPoints {
    return { kind: 'listed', intervals: this.rungs(this.bracketOf(run)) };
  }

  decide(input: PolicyInput): PolicyDecision {
    assertValidInput(input);
    const { run, interval } = input;
    const bracket = this.bracketOf(run);
    const label = `${LABEL}, bracket ${bracket} of ${this.brackets}`;
    const rung = rungAt(this.schedule, bracket, interval);
    if (rung === undefined) {
      const noRungs = firstRung(this.schedule, bracket) >= this.maxInterval;
      const explanation = noRungs
        ? `not evaluated at interval ${interval}: bracket ${bracket} has no rung below maxInterval ${this.maxInterval}, so its runs train to the end (${label})`
        : `not evaluated at interval ${interval}: bracket ${bracket} decides only at its rungs, ${describeRungs(this.schedule, bracket)} (${label})`;
      return { kind: 'skip', policy: this.kind, interval, why: 'not-scheduled', explanation };
    }
    const peers = otherRuns(input).filter((other) => this.bracketOf(other) === bracket);
    return judgeRung(
      input,
      peers,
      {
        rung,
        resource: interval,
        reductionFactor: this.reductionFactor,
        where: `rung ${rung} of bracket ${bracket}, resource ${interval}`,
        label,
      },
      this.kind,
      (ranking): HyperbandEvidence => ({
        policy: 'hyperband',
        value: ranking.value,
        bracket,
        brackets: this.brackets,
        rung,
        resource: interval,
        reductionFactor: this.reductionFactor,
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
        maxInterval: this.maxInterval,
        brackets: this.brackets,
      },
    };
  }
}

/** The Optuna script's pruner for Hyperband. */
export const HYPERBAND_OPTUNA: OptunaPruner = {
  name: 'optuna.pruners.HyperbandPruner',
  lines(
    fields: {
      readonly reduction_factor: number;
      readonly min_interval: number;
      readonly max_interval: number;
      readonly brackets: number;
    },
    { warn },
  ) {
    const lines = [
      "# Hyperband: Optuna's brackets are Overdrive's (bracket s starts at min_resource *",
      '# reduction_factor ** s), but Optuna assigns trials to brackets by a hash of the study name and',
      '# trial number, where Overdrive weighs them by run index, and judges within a bracket as its',
      '# SuccessiveHalvingPruner does (the latest value at a rung, not the best so far).',
    ];
    const all = maxBrackets(fields.reduction_factor, fields.min_interval, fields.max_interval);
    if (fields.brackets < all) {
      lines.push(`# brackets = ${fields.brackets}: Optuna always runs all ${all} brackets for these resources.`);
      warn(
        'early_termination.brackets',
        `Optuna's HyperbandPruner always runs all ${all} brackets; brackets = ${fields.brackets} has no counterpart`,
      );
    }
    warn(
      'early_termination',
      "Optuna's HyperbandPruner assigns brackets by a hash of study name and trial number, and judges within a bracket like its SuccessiveHalvingPruner",
    );
    lines.push(
      `pruner=${this.name}(min_resource=${fields.min_interval}, max_resource=${fields.max_interval}, reduction_factor=${fields.reduction_factor}),`,
    );
    return lines;
  },
};
