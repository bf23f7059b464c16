import type { PrimaryMetricGoal } from '../metric/goal.js';

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

/**
 * Each policy's kind, with the evidence its decisions carry (`never` when they carry none).
 * The interface is empty here: each implementation file declares its own entry
 * (`declare module './policy.js' { interface PolicyKinds { … } }`), and its registry row
 * (registry.ts) uses the kind, which the compiler requires to have a row. So a new policy's
 * kind and evidence are declared where the policy is, and nothing here changes.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each implementation file (declaration merging)
export interface PolicyKinds {}

/** The early-termination policies' names. */
export type PolicyKind = keyof PolicyKinds & string;

/** The numbers behind a decision, whichever policy made it (`policy` says which). */
export type PolicyEvidence = PolicyKinds[PolicyKind];

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

/**
 * The intervals at which a policy judges one run, as data a worker can hold: every `every`
 * intervals from `from` on (HyperDrive's evaluation schedule), or a listed set (ASHA and
 * Hyperband rungs). A trial waits for the verdict only at these reports (semantics §5 exact
 * decisions); `null` means the policy never judges the run, so nothing waits.
 */
export type EvaluationPoints =
  | { readonly kind: 'periodic'; readonly every: number; readonly from: number }
  | { readonly kind: 'listed'; readonly intervals: readonly number[] }
  | null;

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
  /** Where `decide` can judge this run (anything else is a `skip` with why `not-scheduled`). */
  evaluationPoints(run: Pick<RunHistory, 'runId' | 'index'>): EvaluationPoints;
  toRecord(): PolicyRecord;
}
