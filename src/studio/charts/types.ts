import type { ChartData, ChartSelection, StudioChart } from '../view-model/chart-data.js';

/** The charts `createChart` can build (the names the sweep page's charts panel uses). */
export type ChartKind = 'metric' | 'parallel' | 'scatter-2d' | 'scatter-3d' | 'best-so-far';

/** Options every chart takes. */
export interface BaseChartOptions {
  /** Drawn right away (otherwise the chart shows its empty state until `update`). */
  readonly data?: ChartData;
  /** A person picked runs on the chart (brushed a range, clicked a point or line); `clear` when they unpicked. */
  readonly onSelect?: (selection: ChartSelection) => void;
}

export interface MetricChartOptions extends BaseChartOptions {
  /** The metric drawn first; default: the primary metric. */
  readonly metric?: string;
  /** The person picked another metric in the chart's own <select>. */
  readonly onMetricChange?: (metric: string) => void;
}

export interface ParallelCoordinatesOptions extends BaseChartOptions {
  /** Initial axis order by column name (parameter names; the primary metric by its name). Unknown names are ignored. */
  readonly axisOrder?: readonly string[];
  /** The person reordered the axes (drag and drop or keyboard on the axis strip). */
  readonly onAxisOrderChange?: (order: readonly string[]) => void;
}

export interface Scatter2DOptions extends BaseChartOptions {
  readonly x?: string;
  readonly y?: string;
  readonly onAxesChange?: (axes: ScatterAxes2D) => void;
}

export interface Scatter3DOptions extends BaseChartOptions {
  readonly x?: string;
  readonly y?: string;
  readonly z?: string;
  readonly onAxesChange?: (axes: ScatterAxes3D) => void;
}

export type BestSoFarOptions = BaseChartOptions;

export interface ScatterAxes2D {
  readonly x: string;
  readonly y: string;
}

export interface ScatterAxes3D extends ScatterAxes2D {
  readonly z: string;
}

export interface MetricChart extends StudioChart {
  readonly kind: 'metric';
  /** The metric drawn now. */
  readonly metric: string;
  /** Draws another logged metric (also what the chart's <select> does). */
  setMetric(name: string): void;
  /**
   * Marks one interval with a labelled vertical line (an opened stop decision, on the primary
   * metric); null removes it. The root says which in `data-marked-interval`.
   */
  markInterval(interval: number | null): void;
}

export interface ParallelCoordinatesChart extends StudioChart {
  readonly kind: 'parallel';
  /** Column names left to right. */
  getAxisOrder(): readonly string[];
  /** Reorders the axes; names not given keep their relative order after the given ones. */
  setAxisOrder(order: readonly string[]): void;
  /**
   * Brushes a range on one axis, exactly as dragging on it does, and reports the selection
   * through `onSelect`. For a category axis the range is in category positions (0 = first
   * category; [1, 1] selects the second). `null` clears that axis's brush.
   */
  brushAxis(column: string, range: readonly [number, number] | null): void;
  /** Clears every brush (reports `clear` when something was brushed). */
  clearBrush(): void;
  /** The runs the brushes select now, or null when nothing is brushed. */
  getSelection(): ReadonlySet<string> | null;
  /**
   * Where an axis is drawn, in CSS pixels relative to the chart's plot element: its x and the
   * y of its top (maximum) and bottom (minimum) ends. For overlays and tests (e.g. to brush by
   * dragging with a pointer); null when the chart is not showing that axis.
   */
  axisLayout(column: string): { readonly x: number; readonly top: number; readonly bottom: number } | null;
}

export interface Scatter2DChart extends StudioChart {
  readonly kind: 'scatter-2d';
  getAxes(): ScatterAxes2D | null;
  setAxes(axes: ScatterAxes2D): void;
}

export interface Scatter3DChart extends StudioChart {
  readonly kind: 'scatter-3d';
  /** False when the browser offered no WebGL: the chart then shows a message instead. */
  readonly webgl: boolean;
  getAxes(): ScatterAxes3D | null;
  setAxes(axes: ScatterAxes3D): void;
}

export interface BestSoFarChart extends StudioChart {
  readonly kind: 'best-so-far';
}

export interface ChartOptionsByKind {
  readonly metric: MetricChartOptions;
  readonly parallel: ParallelCoordinatesOptions;
  readonly 'scatter-2d': Scatter2DOptions;
  readonly 'scatter-3d': Scatter3DOptions;
  readonly 'best-so-far': BestSoFarOptions;
}

export interface ChartByKind {
  readonly metric: MetricChart;
  readonly parallel: ParallelCoordinatesChart;
  readonly 'scatter-2d': Scatter2DChart;
  readonly 'scatter-3d': Scatter3DChart;
  readonly 'best-so-far': BestSoFarChart;
}

/** The data-testid on the root element each chart creates inside its container. */
export const CHART_TEST_IDS: Readonly<Record<ChartKind, string>> = {
  metric: 'metric-chart',
  parallel: 'parallel-coordinates',
  'scatter-2d': 'scatter-2d',
  'scatter-3d': 'scatter-3d',
  'best-so-far': 'best-so-far',
};
