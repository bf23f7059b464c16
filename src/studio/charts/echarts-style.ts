// ECharts option parts shared by the charts, derived from the page's theme. Only types are
// imported from ECharts here, so this module adds nothing to the eager bundle.
import type { TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';
import { formatNumber, truncate } from './format.js';
import { metricColorsLowToHigh, withAlpha, type ChartTheme } from './theme.js';

export function textStyle(theme: ChartTheme): { color: string; fontFamily: string; fontSize: number } {
  return { color: theme.muted, fontFamily: theme.fontFamily, fontSize: 12 };
}

/** Axis line, ticks, labels and split lines in the page's colours (for value and log axes). */
export function axisStyle(theme: ChartTheme): {
  axisLine: { show: boolean; lineStyle: { color: string } };
  axisTick: { lineStyle: { color: string } };
  axisLabel: { color: string; fontFamily: string; fontSize: number; hideOverlap: boolean };
  splitLine: { lineStyle: { color: string } };
  nameTextStyle: { color: string; fontFamily: string; fontSize: number };
} {
  return {
    axisLine: { show: true, lineStyle: { color: theme.line } },
    axisTick: { lineStyle: { color: theme.line } },
    axisLabel: { color: theme.muted, fontFamily: theme.fontFamily, fontSize: 11, hideOverlap: true },
    splitLine: { lineStyle: { color: withAlpha(theme.line, 0.6) } },
    nameTextStyle: { color: theme.muted, fontFamily: theme.fontFamily, fontSize: 12 },
  };
}

/**
 * The range of a numeric plot column's axis (see `plotColumn`): log10 when the column is log
 * scaled, linear otherwise, over the column's extent. Shared by the scatter and parallel axes.
 */
export function numericAxisRange(column: { readonly log: boolean; readonly extent: readonly [number, number] }) {
  return {
    type: column.log ? ('log' as const) : ('value' as const),
    min: column.extent[0],
    max: column.extent[1],
    ...(column.log ? { logBase: 10 } : {}),
  };
}

/**
 * Plot area of the charts over steps (best so far, metric curves): margins fixed, axis labels
 * kept outside, so both line up when shown side by side.
 */
export const STEP_CHART_GRID = {
  left: 12,
  right: 20,
  top: 30,
  bottom: 30,
  outerBoundsMode: 'same',
  outerBoundsContain: 'axisLabel',
} as const;

/** X axis counting from 1 in whole steps (runs, intervals, reports), named below its middle. */
export function stepAxis(theme: ChartTheme, name: string, max: number) {
  const axis = axisStyle(theme);
  return {
    type: 'value' as const,
    min: 1,
    max,
    minInterval: 1,
    name,
    nameLocation: 'middle' as const,
    nameGap: 24,
    ...axis,
    splitLine: { show: false },
    axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
  };
}

/**
 * Y axis of a metric: its name at the top, left-aligned and cut to what the chart's width
 * holds, without axis line or ticks. `range` is a fixed `{ min, max }` or `{ scale: true }`.
 */
export function metricAxis(
  theme: ChartTheme,
  metric: string,
  width: number,
  range: { readonly min: number; readonly max: number } | { readonly scale: true },
) {
  const axis = axisStyle(theme);
  return {
    type: 'value' as const,
    ...range,
    name: truncate(metric, Math.max(12, Math.floor(width / 9))),
    nameLocation: 'end' as const,
    nameGap: 12,
    ...axis,
    nameTextStyle: { ...axis.nameTextStyle, align: 'left' as const },
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
  };
}

/**
 * Tooltip frame. Callers always pass a formatter that returns DOM nodes: ECharts' default
 * formatter and string formatters go through innerHTML, which must never see a parameter name.
 */
export function tooltipBase(
  theme: ChartTheme,
  formatter: NonNullable<TooltipComponentOption['formatter']>,
): TooltipComponentOption {
  return {
    trigger: 'item',
    confine: true,
    transitionDuration: 0,
    backgroundColor: theme.bg,
    borderColor: theme.line,
    borderWidth: 1,
    padding: [6, 10],
    textStyle: { color: theme.fg, fontFamily: theme.fontFamily, fontSize: 13 },
    extraCssText:
      'border-radius: 6px; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18); max-width: 22rem; white-space: normal;',
    formatter,
  };
}

/**
 * The colour scale for the primary metric, shown as a bar on the right: the best end (per goal)
 * is the most prominent colour, labelled with the extreme values.
 */
export function metricVisualMap(
  theme: ChartTheme,
  goal: 'MAXIMIZE' | 'MINIMIZE',
  extent: readonly [number, number],
  dimension: number,
  seriesIndex: number[],
  height: number,
): VisualMapComponentOption {
  return {
    type: 'continuous',
    show: true,
    min: extent[0],
    max: extent[1],
    dimension,
    seriesIndex,
    calculable: false,
    hoverLink: false,
    orient: 'vertical',
    right: 4,
    top: 'middle',
    itemWidth: 10,
    itemHeight: Math.max(60, Math.min(160, height * 0.45)),
    text: [formatNumber(extent[1]), formatNumber(extent[0])],
    textGap: 6,
    textStyle: { color: theme.muted, fontFamily: theme.fontFamily, fontSize: 11 },
    inRange: { color: [...metricColorsLowToHigh(theme, goal)] },
  };
}
