import * as schema from '../validate/schema.js';

/*
 * Fields that several policies' evidence schemas share. Each policy declares its own evidence
 * schema in its file (the store keeps it, a sweep document is read through it); a policy's
 * numbers may be non-finite (a run that logged only NaN), so they are `schema.number`.
 */

/** The run's best value up to the interval (null when it logged no finite value). */
export const value = schema.nullable(schema.number);

/** A rung of successive halving (ASHA, and ASHA within a Hyperband bracket). */
export const rung = {
  /** 0-based rung index k: the rung at interval minInterval·reductionFactor^(earlyStoppingRate + k). */
  rung: schema.count,
  /** The rung's interval (its resource). */
  resource: schema.count,
  reductionFactor: schema.number,
};

/** Where the run ranks among those recorded at its rung. */
export const ranking = {
  /** Runs recorded at this rung (every run that reached it, finished ones too), this one included. */
  comparedRuns: schema.count,
  /** floor(comparedRuns / reductionFactor): how many runs the top 1/eta holds; 0 = too few to cut. */
  keepCount: schema.count,
  /** 1 = best; ties share the better rank. */
  rank: schema.count,
  /** The worst value still in the top keepCount (null when keepCount is 0). */
  cutoff: schema.nullable(schema.number),
};
