import { formatValue } from '../dom.js';
import { type PolicyDecision, type PrimaryMetricGoal, policyRow } from '../engine.js';

/** A decision that carries evidence: the policy compared the run with others and ruled. */
export type JudgedDecision = Extract<PolicyDecision, { readonly kind: 'cancel' | 'continue' }>;

/** One number of the moment, named as a person reads it. */
export interface DecisionNumber {
  readonly label: string;
  readonly value: string;
}

/**
 * A stop (or continue) decision taught: the policy's rule as the registry states it, then the
 * same rule with the numbers of that moment filled in, and each number named. Pure, so the
 * arithmetic shown is tested in Node against the policies' own evidence.
 */
export interface DecisionExplanation {
  readonly policy: JudgedDecision['policy'];
  readonly interval: number;
  readonly stopped: boolean;
  /** The registry's rule, symbols and all. */
  readonly rule: string;
  /** The rule with this moment's numbers, one step per line, ending in the verdict. */
  readonly applied: readonly string[];
  readonly numbers: readonly DecisionNumber[];
}

/** What the explanation may read beyond the evidence: the other runs' curves, for Median's averages. */
export interface DecisionContext {
  readonly goal: PrimaryMetricGoal;
  /**
   * The running averages over intervals 1..N of the runs Median compared (when the stored curves
   * can give them), to show beside the median; left out when they cannot be recomputed exactly.
   */
  readonly runningAverages?: readonly number[];
}

const f = formatValue;

export function explainDecision(decision: JudgedDecision, context: DecisionContext): DecisionExplanation {
  const { interval } = decision;
  const stopped = decision.kind === 'cancel';
  const rule = policyRow(decision.policy).teaching.rule;
  const maximize = context.goal === 'MAXIMIZE';
  const worse = maximize ? '<' : '>';
  const notWorse = maximize ? '≥' : '≤';
  const verdict = stopped ? `→ stopped at interval ${interval}` : `→ continues after interval ${interval}`;
  const base = { policy: decision.policy, interval, stopped, rule };
  const e = decision.evidence;
  switch (e.policy) {
    case 'bandit': {
      const slack =
        e.slackFactor !== null ? `slack factor ${f(e.slackFactor)}` : `slack amount ${f(e.slackAmount ?? 0)}`;
      const cut = banditCutoffText(context.goal, e.best, e.slackFactor, e.slackAmount);
      const valueText = e.value === null ? 'no finite value (diverged)' : f(e.value);
      return {
        ...base,
        applied: [
          `cut-off = ${cut} = ${f(e.threshold)}`,
          e.value === null
            ? `this run's best: none finite ${verdict}`
            : `this run's best ${f(e.value)} ${stopped ? worse : notWorse} ${f(e.threshold)} ${verdict}`,
        ],
        numbers: [
          { label: 'interval', value: String(interval) },
          { label: 'best run’s value (best of all runs up to this interval)', value: f(e.best) },
          { label: 'slack', value: slack },
          { label: 'cut-off', value: f(e.threshold) },
          { label: 'this run’s value (its best up to this interval)', value: valueText },
          { label: 'runs compared', value: String(e.comparedRuns) },
        ],
      };
    }
    case 'median-stopping': {
      const averages = context.runningAverages;
      const shown =
        averages !== undefined && averages.length > 0
          ? `median(${[...averages]
              .sort((a, b) => a - b)
              .map((v) => f(v))
              .join(', ')}) = ${f(e.median)}`
          : `median of ${e.comparedRuns} running average${e.comparedRuns === 1 ? '' : 's'} = ${f(e.median)}`;
      return {
        ...base,
        applied: [
          shown,
          e.value === null
            ? `this run's best: none finite ${verdict}`
            : `this run's best ${f(e.value)} ${stopped ? `is worse than ${f(e.median)}` : `is not worse than ${f(e.median)}`} ${verdict}`,
        ],
        numbers: [
          { label: 'interval', value: String(interval) },
          {
            label: 'running averages of the other runs (1..N)',
            value:
              averages === undefined || averages.length === 0 ? `${e.comparedRuns} runs` : averages.map(f).join(', '),
          },
          { label: 'median', value: f(e.median) },
          {
            label: 'this run’s value (its best up to this interval)',
            value: e.value === null ? 'none finite' : f(e.value),
          },
        ],
      };
    }
    case 'truncation-selection': {
      const n = e.comparedRuns;
      const keep = n - e.cutCount;
      const percentile = n === 0 ? 0 : Math.round((e.rank / n) * 100);
      return {
        ...base,
        applied: [
          `cut = ⌊${n} · ${f(e.truncationPercentage)} / 100⌋ = ${e.cutCount} run${e.cutCount === 1 ? '' : 's'}, so ranks above ${keep} are stopped`,
          `this run ranks ${e.rank} of ${n} (${percentile}th percentile from the top): ${e.rank} ${stopped ? '>' : '≤'} ${keep} ${verdict}`,
        ],
        numbers: [
          { label: 'interval', value: String(interval) },
          { label: 'truncation percentage', value: `${f(e.truncationPercentage)} %` },
          { label: 'runs compared', value: String(n) },
          { label: 'rank (1 = best)', value: String(e.rank) },
          { label: 'percentile (from the top)', value: `${percentile} %` },
          {
            label: 'cut-off (best value in the stopped group)',
            value: e.cutoff === null ? 'none (nothing cut)' : f(e.cutoff),
          },
          { label: 'this run’s value', value: e.value === null ? 'none finite' : f(e.value) },
        ],
      };
    }
    case 'asha':
    case 'hyperband': {
      const bracket = e.policy === 'hyperband' ? `bracket ${e.bracket} of ${e.brackets}, ` : '';
      return {
        ...base,
        applied: [
          `${bracket}rung ${e.rung} at interval ${e.resource}: top-k = ⌊${e.comparedRuns} / ${f(e.reductionFactor)}⌋ = ${e.keepCount}`,
          e.keepCount === 0
            ? `too few runs at this rung to cut ${verdict}`
            : `this run ranks ${e.rank}: ${e.rank} ${stopped ? '>' : '≤'} ${e.keepCount} ${verdict}`,
        ],
        numbers: [
          { label: 'interval', value: String(interval) },
          ...(e.policy === 'hyperband' ? [{ label: 'bracket', value: `${e.bracket} of ${e.brackets}` }] : []),
          { label: 'rung', value: `${e.rung} (interval ${e.resource}, η = ${f(e.reductionFactor)})` },
          { label: 'runs recorded at the rung', value: String(e.comparedRuns) },
          { label: 'top-k that goes on', value: String(e.keepCount) },
          { label: 'rank (1 = best)', value: String(e.rank) },
          { label: 'cut-off (worst value still in the top-k)', value: e.cutoff === null ? 'none' : f(e.cutoff) },
          { label: 'this run’s value', value: e.value === null ? 'none finite' : f(e.value) },
        ],
      };
    }
  }
}

/** Bandit's cut-off formula with the numbers in, as semantics §5 computes it (see bandit.ts). */
function banditCutoffText(
  goal: PrimaryMetricGoal,
  best: number,
  slackFactor: number | null,
  slackAmount: number | null,
): string {
  const b = f(best);
  if (slackFactor !== null) {
    const sf = f(slackFactor);
    if (goal === 'MAXIMIZE') return best >= 0 ? `${b} / (1 + ${sf})` : `${b} − |${b}| · ${sf} / (1 + ${sf})`;
    return best >= 0 ? `${b} · (1 + ${sf})` : `${b} + |${b}| · ${sf}`;
  }
  const sa = f(slackAmount ?? 0);
  return goal === 'MAXIMIZE' ? `${b} − ${sa}` : `${b} + ${sa}`;
}

/**
 * Median's running averages over intervals 1..N of the curves given (the other runs' primary
 * curves), as the policy computes them: finite values only, runs that had not reached N or
 * logged nothing finite left out. The caller shows them only when their count matches the
 * decision's, since a run that reached N after the decision would otherwise slip in.
 */
export function runningAveragesAt(curves: readonly (readonly number[])[], interval: number): number[] {
  const averages: number[] = [];
  for (const values of curves) {
    if (values.length < interval) continue;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < interval; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      sum += v;
      count += 1;
    }
    if (count > 0) averages.push(sum / count);
  }
  return averages;
}
