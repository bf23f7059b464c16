// The ECharts parts the sweep page's analysis panels add to the shared set in echarts-setup.ts:
// the custom series (contour cells, timeline bars). Registered here, not there, so the panels
// stay in their own files; this module is only reached through the panels' dynamic import().
import { CustomChart, type CustomSeriesOption, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { use } from './echarts-setup.js';

use([CustomChart]);

/** Options of the panels: cartesian grids with line, scatter and custom series. */
export type PanelOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | CustomSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

export { initChart, type EChartsType } from './echarts-setup.js';
