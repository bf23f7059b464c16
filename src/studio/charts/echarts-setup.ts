// The one place that registers ECharts parts. Only the charts, components and renderer listed
// here end up in the bundle (echarts/core is tree-shaken), and this module is only reached
// through the dynamic import() in ./index.ts, so the app's first paint never waits for ECharts.
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import {
  LineChart,
  ParallelChart,
  ScatterChart,
  type LineSeriesOption,
  type ParallelSeriesOption,
  type ScatterSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  type GridComponentOption,
  type ParallelComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

/** Options of the cartesian charts (metric curves, 2-D scatter, best so far). */
export type ChartOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

export type ParallelAxisOption = NonNullable<ParallelComponentOption['parallelAxisDefault']>;

/**
 * Options of the parallel-coordinates chart. Spelled out because ECharts' ParallelAxisOption
 * has no `mainType`, which turns ComposeOption's keys into a string index signature.
 */
export type ParallelChartOption = ComposeOption<
  ParallelSeriesOption | TooltipComponentOption | VisualMapComponentOption
> & {
  parallel?: ParallelComponentOption;
  parallelAxis?: ParallelAxisOption[];
};

export type { EChartsType };

/** A canvas-rendered ECharts instance; the device pixel ratio follows the screen (crisp on HiDPI). */
export function initChart(element: HTMLElement): EChartsType {
  return init(element, null, { renderer: 'canvas' });
}

export { use };
