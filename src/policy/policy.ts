import type { PrimaryMetricGoal } from '../metric/goal.js';

export type PolicyKind =
  | 'bandit'
  | 'median-stopping'
  | 'truncation-selection'
  | 'asha'
  | 'hyperband'
  | 'no-termination';

/** One run's primary-metric history as a policy sees it. */
export interface RunHistory {
  readonly runId: string;
  /** Primary-metric values in report order; index 0 is interval 1. May hold NaN/±Infinity. */
  readonly values: readonly number[];
  /** True once the run is in a terminal state; finished runs still take part in comparisons. */
  readonly finished: boolean;
  /**
   * 0-based creation index within its sweep (the orchestrator's `RunState.index`). Hyperband
   * assigns brackets by it; without it the bracket comes from a hash of `runId`, which is just
   * as deterministic but spreads small sweeps less evenly.
   */
  readonly index?: number;
}

export interface PolicyInput {
  readonly goal: PrimaryMetricGoal;
  /** The run being judged; it has just reported interval `interval` (= `run.values.length`). */
  readonly run: RunHistory;
  readonly interval: number;
  /** Every other run the policy may compare with (this sweep's, and warm-start parents'). */
  readonly others: readonly RunHistory[];
}

export interface BanditEvidence {
  readonly policy: 'bandit';
  /** The run's best value over intervals 1..N (null when it logged no finite value). */
  readonly value: number | null;
  /** best_N: the best of all runs' best values over their first N intervals. */
  readonly best: number;
  readonly threshold: number;
  readonly slackFactor: number | null;
  readonly slackAmount: number | null;
  readonly comparedRuns: number;
}

export interface MedianStoppingEvidence {
  readonly policy: 'median-stopping';
  readonly value: number | null;
  /** Median of the other runs' running averages over intervals 1..N. */
  readonly median: number;
  readonly comparedRuns: number;
}

export interface TruncationSelectionEvidence {
  readonly policy: 'truncation-selection';
  readonly value: number | null;
  readonly truncationPercentage: number;
  /** Runs compared at interval N, this one included. */
  readonly comparedRuns: number;
  /** floor(comparedRuns * truncationPercentage / 100). */
  readonly cutCount: number;
  /** 1 = best; ties share the better rank. */
  readonly rank: number;
  /** The best value that still falls in the truncated group (null when nothing is cut). */
  readonly cutoff: number | null;
}

/** The numbers behind an ASHA decision at one rung (semantics §5 Beyond; see asha.ts). */
export interface AshaEvidence {
  readonly policy: 'asha';
  /** The run's best value over intervals 1..resource (null when it logged no finite value). */
  readonly value: number | null;
  /** 0-based rung index k: the rung at interval minInterval·reductionFactor^(earlyStoppingRate + k). */
  readonly rung: number;
  /** The rung's interval (its resource). */
  readonly resource: number;
  readonly reductionFactor: number;
  readonly earlyStoppingRate: number;
  /** Runs recorded at this rung (every run that reached it, finished ones too), this one included. */
  readonly comparedRuns: number;
  /** floor(comparedRuns / reductionFactor): how many runs the top 1/eta holds; 0 = too few to cut. */
  readonly keepCount: number;
  /** 1 = best; ties share the better rank. */
  readonly rank: number;
  /** The worst value still in the top keepCount (null when keepCount is 0). */
  readonly cutoff: number | null;
}

/** ASHA's numbers, within the run's Hyperband bracket (see hyperband.ts). */
export interface HyperbandEvidence {
  readonly policy: 'hyperband';
  readonly value: number | null;
  /** 0-based bracket; also its early-stopping rate s (first rung at minInterval·reductionFactor^s). */
  readonly bracket: number;
  readonly brackets: number;
  readonly rung: number;
  readonly resource: number;
  readonly reductionFactor: number;
  /** Runs of the same bracket recorded at this rung, this one included. */
  readonly comparedRuns: number;
  readonly keepCount: number;
  readonly rank: number;
  readonly cutoff: number | null;
}

export type PolicyEvidence =
  | BanditEvidence
  | MedianStoppingEvidence
  | TruncationSelectionEvidence
  | AshaEvidence
  | HyperbandEvidence;

/**
 * A policy's verdict as a value: what to do, and why in numbers, so the UI can explain it
 * ("stopped at interval 5: best 0.62 < 0.8/(1+0.2) = 0.667, Bandit").
 */
export type PolicyDecision =
  | {
      readonly kind: 'skip';
      readonly policy: PolicyKind;
      readonly interval: number;
      readonly why: 'not-scheduled' | 'nothing-to-compare' | 'no-policy';
      readonly explanation: string;
    }
  | {
      readonly kind: 'continue';
      readonly policy: PolicyKind;
      readonly interval: number;
      readonly evidence: PolicyEvidence;
      readonly explanation: string;
    }
  | {
      readonly kind: 'cancel';
      readonly policy: PolicyKind;
      readonly interval: number;
      readonly evidence: PolicyEvidence;
      readonly explanation: string;
    };

export interface PolicyRecord {
  readonly kind: PolicyKind;
  readonly options: Readonly<Record<string, number | boolean>>;
}

/** An early-termination policy (semantics §5). `decide` is pure: same input, same decision. */
export interface EarlyTerminationPolicy {
  readonly kind: PolicyKind;
  readonly evaluationInterval: number;
  readonly delayEvaluation: number;
  decide(input: PolicyInput): PolicyDecision;
  toRecord(): PolicyRecord;
}
