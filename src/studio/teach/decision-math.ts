import { type PolicyDecision, type PrimaryMetricGoal, policyRow } from '../engine.js';

/** A decision that carries evidence: the policy compared the run with others and ruled. */
export type JudgedDecision = Extract<PolicyDecision, { readonly kind: 'cancel' | 'continue' }>;

/** One number of the moment, named as a person reads it. */
export interface DecisionNumber {
  readonly label: string;
  readonly value: string;
}

/**
 * A stop (or continue) decision taught: the policy's rule as its registry row states it, then the
 * same rule with the numbers of that moment filled in (the row's `teaching.worked`, written beside
 * each policy's implementation from the evidence it stores), and each number named.
 */
export interface DecisionExplanation {
  readonly policy: JudgedDecision['policy'];
  readonly interval: number;
  readonly stopped: boolean;
  readonly rule: string;
  readonly applied: readonly string[];
  readonly numbers: readonly DecisionNumber[];
}

export interface DecisionContext {
  readonly goal: PrimaryMetricGoal;
  /** The other runs' primary-metric curves, for the policies that show more than the evidence (Median's averages). */
  readonly otherCurves?: readonly (readonly number[])[];
}

export function explainDecision(decision: JudgedDecision, context: DecisionContext): DecisionExplanation {
  const teaching = policyRow(decision.policy).teaching;
  const stopped = decision.kind === 'cancel';
  const worked = teaching.worked?.({
    evidence: decision.evidence,
    interval: decision.interval,
    stopped,
    goal: context.goal,
    ...(context.otherCurves === undefined ? {} : { otherCurves: context.otherCurves }),
  }) ?? { applied: [decision.explanation], numbers: [] };
  return {
    policy: decision.policy,
    interval: decision.interval,
    stopped,
    rule: teaching.rule,
    applied: worked.applied,
    numbers: worked.numbers.map(([label, value]) => ({ label, value })),
  };
}
