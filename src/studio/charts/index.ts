// The Studio charts. This module imports nothing from ECharts at load time: each chart module
// (and ECharts with it, in a shared chunk; echarts-gl only with the 3-D scatter) is fetched by
// dynamic import() when the first chart of its kind is created, so the app paints first.
//
// Each chart creates one root element inside the caller's container, with a stable data-testid:
// metric-chart, parallel-coordinates, scatter-2d, scatter-3d, best-so-far.
import type { ChartByKind, ChartKind, ChartOptionsByKind } from './types.js';

export type { ChartData, ChartRun, ChartSelection, ParamColumn, StudioChart } from '../view-model/chart-data.js';
export type {
  BaseChartOptions,
  BestSoFarChart,
  BestSoFarOptions,
  ChartByKind,
  ChartKind,
  ChartOptionsByKind,
  MetricChart,
  MetricChartOptions,
  ParallelCoordinatesChart,
  ParallelCoordinatesOptions,
  Scatter2DChart,
  Scatter2DOptions,
  Scatter3DChart,
  Scatter3DOptions,
  ScatterAxes2D,
  ScatterAxes3D,
} from './types.js';
export { CHART_TEST_IDS } from './types.js';

type Loader<K extends ChartKind> = (
  container: HTMLElement,
  options: ChartOptionsByKind[K] | undefined,
) => Promise<ChartByKind[K]>;

const LOADERS: { readonly [K in ChartKind]: Loader<K> } = {
  metric: async (container, options) => (await import('./metric-chart.js')).createMetricChart(container, options),
  parallel: async (container, options) =>
    (await import('./parallel-coordinates.js')).createParallelCoordinates(container, options),
  'scatter-2d': async (container, options) => (await import('./scatter-2d.js')).createScatter2D(container, options),
  'scatter-3d': async (container, options) => (await import('./scatter-3d.js')).createScatter3D(container, options),
  'best-so-far': async (container, options) => (await import('./best-so-far.js')).createBestSoFar(container, options),
};

/**
 * Creates a chart of `kind` inside `container` (which decides its size; the chart fills it and
 * follows it with a ResizeObserver). Shows "Loading chart…" in the container until the chart's
 * code has arrived; rejects, leaving an error text there, when it cannot be loaded.
 */
export async function createChart<K extends ChartKind>(
  kind: K,
  container: HTMLElement,
  options?: ChartOptionsByKind[K],
): Promise<ChartByKind[K]> {
  const placeholder = document.createElement('p');
  placeholder.textContent = 'Loading chart…';
  placeholder.setAttribute('data-chart-loading', kind);
  placeholder.style.color = 'var(--muted, GrayText)';
  container.append(placeholder);
  const load: Loader<K> = LOADERS[kind];
  try {
    const chart = await load(container, options);
    placeholder.remove();
    return chart;
  } catch (error) {
    placeholder.textContent = `This chart could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  }
}

/** `createChart` with its kind fixed: the public per-kind factories below. */
function chartFactory<K extends ChartKind>(
  kind: K,
): (container: HTMLElement, options?: ChartOptionsByKind[K]) => Promise<ChartByKind[K]> {
  return (container, options) => createChart(kind, container, options);
}

/** The charts one by one, loaded the same lazy way. */
export const createMetricChart = chartFactory('metric');
export const createParallelCoordinates = chartFactory('parallel');
export const createScatter2D = chartFactory('scatter-2d');
export const createScatter3D = chartFactory('scatter-3d');
export const createBestSoFar = chartFactory('best-so-far');
