import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { PolicyEvidence } from './evidence.js';

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

export type {
  AshaEvidence,
  BanditEvidence,
  HyperbandEvidence,
  MedianStoppingEvidence,
  PolicyEvidence,
  TruncationSelectionEvidence,
} from './evidence.js';

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
