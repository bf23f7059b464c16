/** A parameter's value in one run; `undefined` when the run's branch of a nested space lacks it. */
export type ImportanceValue = number | string | boolean | undefined;

/**
 * One parameter as the importance analysis sees it. Numbers are analysed over [low, high]
 * (log10 space when `log`); categories are one-hot encoded, as Optuna does.
 */
export type ImportanceParam =
  | {
      readonly name: string;
      readonly kind: 'number';
      readonly low: number;
      readonly high: number;
      /** Sampled on a log scale (loguniform and friends): analysed in log10 space. */
      readonly log: boolean;
    }
  | {
      readonly name: string;
      readonly kind: 'category';
      readonly choices: readonly (number | string | boolean)[];
    };

/** One finished run: its parameters and the value of the objective (the primary metric). */
export interface ImportanceRow {
  readonly values: Readonly<Record<string, ImportanceValue>>;
  readonly target: number;
}

export interface ImportanceInput {
  readonly params: readonly ImportanceParam[];
  readonly rows: readonly ImportanceRow[];
}

export interface ImportanceOptions {
  /** Seed of the forest's bootstrap samples and feature order (deterministic per seed). */
  readonly seed: number | string;
  /** Trees in the forest; Optuna's default is 64. */
  readonly trees?: number;
  /** Deepest split; Optuna's default is 64. */
  readonly maxDepth?: number;
}

/** One parameter's figures. */
export interface ParamImportance {
  readonly name: string;
  /**
   * fANOVA importance: the share of the forest's predicted-metric variance explained by this
   * parameter alone (mean over trees), normalised so the parameters sum to 1 as Optuna does.
   */
  readonly importance: number;
  /** Standard deviation of the unnormalised fraction over trees (how much the trees agree). */
  readonly spread: number;
  /**
   * Spearman's rank correlation of the parameter with the metric, in [-1, 1], over the runs
   * that have the parameter; null for categories and when undefined (fewer than 3 such runs, or
   * one side constant).
   */
  readonly correlation: number | null;
  /** Runs that have this parameter (nested spaces: the runs on its branch). */
  readonly runs: number;
}

export type ImportanceResult =
  | {
      readonly kind: 'importance';
      /** Sorted by importance, highest first. */
      readonly params: readonly ParamImportance[];
      readonly runs: number;
      /** Runs below `minRuns`: shown, but flagged as too few to trust. */
      readonly trusted: boolean;
      readonly minRuns: number;
    }
  | {
      /** Nothing to decompose: too few runs, no parameter, or a metric that never varies. */
      readonly kind: 'unavailable';
      readonly reason: string;
      readonly runs: number;
      readonly minRuns: number;
    };
