import type { Infer } from '../validate/index.js';
import * as schema from '../validate/schema.js';

/*
 * The numbers behind each policy's decision, declared once: the policies build them, the store
 * keeps them, and a sweep document is read through the schema its `policy` field selects. A
 * policy's numbers may be non-finite (a run that logged only NaN), so they are `schema.number`.
 */

const value = schema.nullable(schema.number);

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

export const medianStoppingEvidence = schema.object('median-stopping evidence', {
  policy: schema.oneOf(['median-stopping'] as const),
  value,
  /** Median of the other runs' running averages over intervals 1..N. */
  median: schema.number,
  comparedRuns: schema.count,
});

export const truncationSelectionEvidence = schema.object('truncation-selection evidence', {
  policy: schema.oneOf(['truncation-selection'] as const),
  value,
  truncationPercentage: schema.number,
  /** Runs compared at interval N, this one included. */
  comparedRuns: schema.count,
  /** floor(comparedRuns * truncationPercentage / 100). */
  cutCount: schema.count,
  /** 1 = best; ties share the better rank. */
  rank: schema.count,
  /** The best value that still falls in the truncated group (null when nothing is cut). */
  cutoff: schema.nullable(schema.number),
});

/** A rung of successive halving (ASHA, and ASHA within a Hyperband bracket). */
const rung = {
  /** 0-based rung index k: the rung at interval minInterval·reductionFactor^(earlyStoppingRate + k). */
  rung: schema.count,
  /** The rung's interval (its resource). */
  resource: schema.count,
  reductionFactor: schema.number,
};

/** Where the run ranks among those recorded at its rung. */
const ranking = {
  /** Runs recorded at this rung (every run that reached it, finished ones too), this one included. */
  comparedRuns: schema.count,
  /** floor(comparedRuns / reductionFactor): how many runs the top 1/eta holds; 0 = too few to cut. */
  keepCount: schema.count,
  /** 1 = best; ties share the better rank. */
  rank: schema.count,
  /** The worst value still in the top keepCount (null when keepCount is 0). */
  cutoff: schema.nullable(schema.number),
};

/** The numbers behind an ASHA decision at one rung (semantics §5 Beyond; see asha.ts). */
export const ashaEvidence = schema.object('asha evidence', {
  policy: schema.oneOf(['asha'] as const),
  /** The run's best value over intervals 1..resource (null when it logged no finite value). */
  value,
  ...rung,
  earlyStoppingRate: schema.count,
  ...ranking,
});

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

/** Any policy's evidence, read through the schema its `policy` field names. */
export const policyEvidence = schema.variants('policy', 'policy evidence', {
  bandit: banditEvidence,
  'median-stopping': medianStoppingEvidence,
  'truncation-selection': truncationSelectionEvidence,
  asha: ashaEvidence,
  hyperband: hyperbandEvidence,
});

export type BanditEvidence = Infer<typeof banditEvidence>;
export type MedianStoppingEvidence = Infer<typeof medianStoppingEvidence>;
export type TruncationSelectionEvidence = Infer<typeof truncationSelectionEvidence>;
export type AshaEvidence = Infer<typeof ashaEvidence>;
export type HyperbandEvidence = Infer<typeof hyperbandEvidence>;
export type PolicyEvidence = Infer<typeof policyEvidence>;
