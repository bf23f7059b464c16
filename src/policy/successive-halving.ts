import { ConfigError } from '../errors.js';
import { isBetter } from '../metric/goal.js';
import { bestUpTo, formatNumber, plural } from './history.js';
import type { DecisionMoment, WorkedDecision } from './row.js';
import type { PolicyDecision, PolicyEvidence, PolicyInput, PolicyKind, RunHistory } from './policy.js';
import { readInteger } from './schedule.js';

/*
 * The rung arithmetic and the rung judgment that ASHA and Hyperband share (semantics §5 Beyond;
 * Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning", Algorithm 2).
 *
 * Overdrive can only stop runs, never pause and promote them, so ASHA is used in its stopping
 * form (as Optuna's SuccessiveHalvingPruner does): a run that reaches a rung continues only if
 * its value there is in the top 1/eta of the values recorded at that rung so far.
 *
 * Decisions (the paper is silent, since it promotes rather than stops):
 * - "Value at the rung" is the run's best finite value over intervals 1..r (per the goal),
 *   like every other policy here (history.ts): one noisy report cannot stop a run that was
 *   doing well, and a run's value at a rung never changes once it passed it.
 * - "Recorded at the rung" means every run that has reported at least r intervals, finished
 *   and stopped ones included: exactly the runs ASHA would have recorded there.
 * - Too few runs: with n runs at a rung the top 1/eta holds floor(n / eta) runs; while that is
 *   0 (n < eta) nothing can be ranked out, so the run continues and the decision says why.
 *   (Optuna instead keeps only the best of those first runs; that stops runs on the strength
 *   of one or two comparisons, which the slower browser sweeps cannot afford to get wrong.)
 * - Ties favour the run: it is stopped only when at least keepCount runs beat it outright.
 * - A run with no finite value up to r counts as worst (history.ts) and is stopped whenever a
 *   run at the rung has a finite value, even while the rung has too few runs to cut.
 */

/** Intervals are reports; nobody logs a million, and the bound keeps every rung a safe integer. */
export const MAX_RUNG_INTERVAL = 1_000_000;

/** The shared options, validated; `maxInterval` null = no top, rungs go on while the run reports. */
export interface RungSchedule {
  readonly reductionFactor: number;
  readonly minInterval: number;
  readonly maxInterval: number | null;
}

/** minInterval·eta^s, or Infinity once it would pass MAX_RUNG_INTERVAL. */
export function firstRung(schedule: RungSchedule, earlyStoppingRate: number): number {
  let r = schedule.minInterval;
  for (let i = 0; i < earlyStoppingRate; i += 1) {
    r *= schedule.reductionFactor;
    if (r > MAX_RUNG_INTERVAL) return Number.POSITIVE_INFINITY;
  }
  return r;
}

/**
 * The rung index k with interval === minInterval·eta^(s+k), below maxInterval (a run that
 * reaches maxInterval is complete; there is nothing left to decide), or undefined.
 */
export function rungAt(schedule: RungSchedule, earlyStoppingRate: number, interval: number): number | undefined {
  let r = firstRung(schedule, earlyStoppingRate);
  for (let k = 0; r <= interval && r <= MAX_RUNG_INTERVAL; k += 1) {
    if (r === interval) return schedule.maxInterval === null || r < schedule.maxInterval ? k : undefined;
    r *= schedule.reductionFactor;
  }
  return undefined;
}

/** The rung intervals of a bracket, at most `limit` of them (the explanations show a few). */
export function rungIntervals(
  schedule: RungSchedule,
  earlyStoppingRate: number,
  limit = Number.POSITIVE_INFINITY,
): number[] {
  const top = Math.min(schedule.maxInterval ?? Number.POSITIVE_INFINITY, MAX_RUNG_INTERVAL + 1);
  const result: number[] = [];
  for (
    let r = firstRung(schedule, earlyStoppingRate);
    r < top && result.length < limit;
    r *= schedule.reductionFactor
  ) {
    result.push(r);
  }
  return result;
}

/** "intervals 1, 3, 9, 27, ..." for an open-ended schedule, "intervals 3, 9" for a bounded one. */
export function describeRungs(schedule: RungSchedule, earlyStoppingRate: number): string {
  const shown = 5;
  const rungs = rungIntervals(schedule, earlyStoppingRate, shown + 1);
  const more = rungs.length > shown;
  const listed = rungs.slice(0, shown).join(', ');
  return `${rungs.length === 1 ? 'interval' : 'intervals'} ${listed}${more ? ', ...' : ''}`;
}

/** The number of brackets Hyperband can run: floor(log_eta(maxInterval / minInterval)) + 1. */
export function maxBrackets(reductionFactor: number, minInterval: number, maxInterval: number): number {
  let count = 1;
  // Integer arithmetic, not logarithms: Math.log(1000) / Math.log(10) is 2.9999999999999996, whose
  // floor would lose a bracket.
  for (let r = minInterval * reductionFactor; r <= maxInterval; r *= reductionFactor) count += 1;
  return count;
}

/** Reads the options ASHA and Hyperband share, with the same messages for both. */
export function readRungOptions(
  owner: string,
  record: Readonly<Record<string, unknown>>,
  maxIntervalRequired: boolean,
): RungSchedule {
  const reductionFactor = readInteger(owner, record, 'reductionFactor', 2, 100) ?? 3;
  const minInterval = readInteger(owner, record, 'minInterval', 1, MAX_RUNG_INTERVAL) ?? 1;
  const maxInterval = readInteger(owner, record, 'maxInterval', 2, MAX_RUNG_INTERVAL);
  if (maxInterval === undefined && maxIntervalRequired) {
    throw new ConfigError(
      `${owner}.maxInterval`,
      `is required and must be an integer between 2 and ${MAX_RUNG_INTERVAL}: the interval at which a run is complete (R), which sets the number of brackets`,
      undefined,
    );
  }
  if (maxInterval !== undefined && maxInterval <= minInterval) {
    throw new ConfigError(`${owner}.maxInterval`, `must be greater than minInterval (${minInterval})`, maxInterval);
  }
  return { reductionFactor, minInterval, maxInterval: maxInterval ?? null };
}

/** What `judgeRung` needs to know about the rung besides the runs. */
export interface RungContext {
  readonly rung: number;
  readonly resource: number;
  readonly reductionFactor: number;
  /** "rung 2, resource 9" or "rung 1 of bracket 2, resource 27". */
  readonly where: string;
  /** What closes every explanation: "ASHA" or "Hyperband, bracket 2 of 4". */
  readonly label: string;
}

/** The ranking at one rung, before it is dressed as a decision. */
export interface RungRanking {
  readonly value: number | null;
  readonly comparedRuns: number;
  readonly keepCount: number;
  readonly rank: number;
  readonly cutoff: number | null;
}

/**
 * Ranks the judged run among `peers` (the runs it competes with: same bracket, judged run
 * excluded) at the rung, and returns the decision with the evidence `makeEvidence` builds.
 */
export function judgeRung(
  input: PolicyInput,
  peers: readonly RunHistory[],
  context: RungContext,
  policy: PolicyKind,
  makeEvidence: (ranking: RungRanking) => PolicyEvidence,
): PolicyDecision {
  const { goal, run, interval } = input;
  const { resource, reductionFactor, where, label } = context;
  const value = bestUpTo(goal, run, resource);
  // One pass over the peers (a decision at 1000 runs visits every one of them): how many reached
  // the rung, their finite values, and how many beat the judged run outright.
  const finite = new Float64Array(peers.length + 1);
  let finitePeers = 0;
  let reached = 0;
  let strictlyBetter = 0;
  for (const peer of peers) {
    if (peer.values.length < resource) continue;
    reached += 1;
    const v = bestUpTo(goal, peer, resource);
    if (v === undefined) continue;
    finite[finitePeers] = v;
    finitePeers += 1;
    if (value === undefined || isBetter(goal, v, value)) strictlyBetter += 1;
  }
  if (value === undefined && finitePeers === 0) {
    return {
      kind: 'skip',
      policy,
      interval,
      why: 'nothing-to-compare',
      explanation: `not evaluated at interval ${interval} (${where}): no run at this rung has a finite value (${label})`,
    };
  }

  const comparedRuns = reached + 1;
  const keepCount = Math.floor(comparedRuns / reductionFactor);
  const rank = strictlyBetter + 1;
  const cancel = value === undefined || (keepCount > 0 && strictlyBetter >= keepCount);
  // The cut-off is the keepCount-th best value at the rung (runs without a finite value rank
  // last, so there is none when fewer finite values than keepCount exist). A typed array sorts
  // numerically and natively, far faster than sorting boxed values with a comparator.
  let count = finitePeers;
  if (value !== undefined) finite[count++] = value;
  let cutoff: number | null = null;
  if (keepCount > 0 && keepCount <= count) {
    const sorted = finite.subarray(0, count).sort();
    cutoff = sorted[goal === 'MAXIMIZE' ? count - keepCount : keepCount - 1] as number;
  }
  const evidence = makeEvidence({ value: value ?? null, comparedRuns, keepCount, rank, cutoff });

  const top = `the top 1/${reductionFactor}`;
  const runs = `${plural(comparedRuns, 'run')} at this rung`;
  const kept = `the top ${keepCount} continue${keepCount === 1 ? 's' : ''}, cut-off ${formatNumber(cutoff)}`;
  let explanation: string;
  if (value === undefined) {
    explanation =
      `stopped at interval ${interval} (${where}): no finite value up to this interval (diverged), ` +
      `behind ${plural(finitePeers, 'run')} with a finite value at this rung (${label})`;
  } else if (keepCount === 0) {
    explanation =
      `continues at interval ${interval} (${where}): best ${formatNumber(value)}; only ${runs}, ` +
      `too few to keep ${top} (at least ${reductionFactor} needed) (${label})`;
  } else if (cancel) {
    explanation =
      `stopped at interval ${interval} (${where}): best ${formatNumber(value)} is not in ${top} of ${runs} ` +
      `(rank ${rank}; ${kept}) (${label})`;
  } else {
    explanation =
      `continues at interval ${interval} (${where}): best ${formatNumber(value)} is in ${top} of ${runs} ` +
      `(rank ${rank}; ${kept}) (${label})`;
  }
  return { kind: cancel ? 'cancel' : 'continue', policy, interval, evidence, explanation };
}

/** ASHA's (and Hyperband's, within the run's bracket) rule worked through with a decision's evidence. */
export function rungWorked(moment: DecisionMoment): WorkedDecision {
  const e = moment.evidence;
  if (e.policy !== 'asha' && e.policy !== 'hyperband') throw new Error(`rungWorked was given ${e.policy} evidence`);
  const f = formatNumber;
  const verdict = moment.stopped
    ? `→ stopped at interval ${moment.interval}`
    : `→ continues after interval ${moment.interval}`;
  const bracket = e.policy === 'hyperband' ? `bracket ${e.bracket} of ${e.brackets}, ` : '';
  return {
    applied: [
      `${bracket}rung ${e.rung} at interval ${e.resource}: top-k = ⌊${e.comparedRuns} / ${f(e.reductionFactor)}⌋ = ${e.keepCount}`,
      e.keepCount === 0
        ? `too few runs at this rung to cut ${verdict}`
        : `this run ranks ${e.rank}: ${e.rank} ${moment.stopped ? '>' : '≤'} ${e.keepCount} ${verdict}`,
    ],
    numbers: [
      ['interval', String(moment.interval)],
      ...(e.policy === 'hyperband' ? [['bracket', `${e.bracket} of ${e.brackets}`] as const] : []),
      ['rung', `${e.rung} (interval ${e.resource}, η = ${f(e.reductionFactor)})`],
      ['runs recorded at the rung', String(e.comparedRuns)],
      ['top-k that goes on', String(e.keepCount)],
      ['rank (1 = best)', String(e.rank)],
      ['cut-off (worst value still in the top-k)', e.cutoff === null ? 'none' : f(e.cutoff)],
      ['this run’s value', e.value === null ? 'none finite' : f(e.value)],
    ],
  };
}
