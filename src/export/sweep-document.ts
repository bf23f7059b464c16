import type { DecisionRecord, RunRecord, SweepRecord } from '../store/records.js';
import { SEARCH_SPACE_LIMITS } from '../space/limits.js';

/**
 * A whole sweep as one portable, versioned document (semantics §10 "the whole sweep can be exported
 * as JSON"): the sweep record, every run, every metric point of every attempt and every policy
 * decision with its numbers, so that a page can show the sweep again with all its charts.
 *
 * Checkpoints and model weights are not included (`models: 'not included'`): they are binary,
 * often far larger than everything else together, and a run's model has its own export
 * (model-files.ts). Each run's `checkpoint` summary is kept, so an imported run still says
 * that it had one; its data is simply not in the store that imported it.
 *
 * In the text form (`sweepDocumentText`) the non-finite numbers runs may log, which JSON cannot
 * hold, are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`; wherever the format
 * expects a number, those three strings are read back as those numbers. In this in-memory form
 * they are plain numbers.
 */
export interface SweepDocument {
  readonly format: typeof SWEEP_DOCUMENT_FORMAT;
  readonly version: typeof SWEEP_DOCUMENT_VERSION;
  /** When it was exported, as an ISO 8601 UTC time. */
  readonly exportedAt: string;
  /** What wrote it, e.g. `Overdrive`. Informational only. */
  readonly generator: string;
  readonly models: typeof MODELS_NOT_INCLUDED;
  readonly sweep: SweepRecord;
  /** In creation order (`index`). Run ids are always `<sweep id>_<index>`. */
  readonly runs: readonly RunRecord[];
  readonly metrics: readonly MetricSeries[];
  /** In the order they were recorded. */
  readonly decisions: readonly DecisionRecord[];
}

/**
 * Every point one run attempt logged for one metric, as columns rather than one object per
 * point: a 400 000-point sweep is then a few megabytes of numbers instead of tens of megabytes of
 * repeated keys, and reading it back does not allocate an object per point.
 */
export interface MetricSeries {
  readonly runId: string;
  readonly attempt: number;
  readonly metric: string;
  /** The step of `values[0]`; the next values follow one step each unless `steps` is given. */
  readonly firstStep: number;
  /** Each value's step, present only when they are not consecutive (points lost to a failed store write). */
  readonly steps?: readonly number[];
  /** In logged order; NaN and ±Infinity are kept. */
  readonly values: readonly number[];
  /** Milliseconds since the epoch, one per value. */
  readonly times: readonly number[];
}

export const SWEEP_DOCUMENT_FORMAT = 'overdrive-sweep';
export const SWEEP_DOCUMENT_VERSION = 1;
export const MODELS_NOT_INCLUDED = 'not included';

/**
 * What `parseSweepDocument` accepts at most. The run cap is semantics §6's 1000-run ceiling; the
 * others keep a hostile or corrupt file from exhausting a tab's memory while staying far above
 * what a real sweep produces (1000 runs x 1000 intervals x 4 metrics is 4 000 000 points).
 */
export const SWEEP_DOCUMENT_LIMITS = Object.freeze({
  /** Characters of text, checked before parsing. */
  maxTextLength: 256 * 1024 * 1024,
  maxRuns: 1000,
  /** Metric points over all series. */
  maxMetricPoints: 4_000_000,
  maxMetricSeries: 100_000,
  maxDecisions: 1_000_000,
  maxWarnings: 1000,
  /** Ids, names, metric names, backends. */
  maxNameLength: 255,
  /** A trial module URL. */
  maxUrlLength: 2048,
  /** Warnings, explanations, error messages, string hyperparameter values (at most SEARCH_SPACE_LIMITS.maxStringLength). */
  maxTextFieldLength: Math.max(10_000, SEARCH_SPACE_LIMITS.maxStringLength),
  maxStackLength: 100_000,
  /**
   * Nesting of hyperparameters (nested choices) and of the stored search space: a nested choice
   * takes three levels of the stored form (the parameter, its options, the option's sub-space),
   * so every space the limits accept (SEARCH_SPACE_LIMITS, shared with the sweep file) fits.
   */
  maxDepth: 3 * SEARCH_SPACE_LIMITS.maxNestingDepth + 8,
  /**
   * Values in the stored search space and sampling options of the sweep's config: every value
   * the limits allow, and a few fields per parameter for its expression.
   */
  maxSpaceNodes: 2 * SEARCH_SPACE_LIMITS.maxValues + 8 * SEARCH_SPACE_LIMITS.maxParameters,
});

/** Recognises the document's own numbers for non-finite values (see SweepDocument). */
export function decodeNonFinite(value: unknown): number | undefined {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}
