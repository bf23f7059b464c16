import type { Primitive, RunStatus } from '../engine.js';

/**
 * What every Studio chart draws from: plain data, rebuilt by the sweep model as metrics stream
 * in. Charts never read the store or the orchestrator themselves, so the same chart shows a
 * live sweep, a stored one and an imported one alike.
 */
export interface ChartData {
  /** Bumped on every change; a chart may skip work when it has drawn this version already. */
  readonly version: number;
  readonly primaryMetric: string;
  readonly goal: 'MAXIMIZE' | 'MINIMIZE';
  /** Every metric name any run logged, sorted; the primary metric among them when logged. */
  readonly metricNames: readonly string[];
  /** One column per hyperparameter leaf (nested choices flattened to dotted names). */
  readonly params: readonly ParamColumn[];
  /** Runs in creation order. */
  readonly runs: readonly ChartRun[];
  /** How many runs may train at once (the timeline's lanes); absent where unknown. */
  readonly concurrency?: number;
}

/** When and where a run trained (the timeline panel). */
export interface RunTiming {
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** The compute backend the worker reported, e.g. "wasm". */
  readonly backend: string | null;
  /** The worker pool's worker id, when a pool ran it and the record says so. */
  readonly worker: number | null;
}

export type ParamColumn =
  | {
      readonly name: string;
      readonly kind: 'number';
      readonly min: number;
      readonly max: number;
      /** loguniform / lognormal / qloguniform / qlognormal: draw the axis on a log scale. */
      readonly log: boolean;
    }
  | {
      readonly name: string;
      readonly kind: 'category';
      /** Every value seen (or allowed), in a stable order; strings, booleans and numbers alike. */
      readonly values: readonly Primitive[];
    };

export interface ChartRun {
  readonly id: string;
  /** Creation order from 0; shown to people as `index + 1`. */
  readonly index: number;
  readonly status: RunStatus;
  /** Flattened hyperparameters; a leaf absent from this run's branch of a nested space is missing. */
  readonly params: Readonly<Record<string, Primitive>>;
  /** Best finite primary metric, or null. */
  readonly best: number | null;
  /** Stopped by an early-termination policy (draw it visibly marked). */
  readonly terminated: boolean;
  /** One line for tooltips, e.g. "stopped at interval 5: best 0.62 < 0.667 (Bandit)". */
  readonly reason: string | null;
  /** When and where it trained; absent in data not made from run records. */
  readonly timing?: RunTiming;
  /** Values of a metric in logged order (index 0 = interval 1 for the primary metric); empty if never logged. */
  curve(metric: string): readonly number[];
}

/** What a chart emits when a person selects runs on it (brush, click). */
export type ChartSelection =
  | { readonly kind: 'runs'; readonly runIds: ReadonlySet<string> }
  | { readonly kind: 'clear' };

/** The small interface every Studio chart implements. */
export interface StudioChart {
  /** Draws `data`; cheap when nothing changed. Must not block the main thread for long (see README). */
  update(data: ChartData): void;
  /** Runs to emphasise (e.g. selected in the table); an empty set means none. */
  highlight(runIds: ReadonlySet<string>): void;
  /** Redraws for a new container size or colour scheme. */
  resize(): void;
  dispose(): void;
}
