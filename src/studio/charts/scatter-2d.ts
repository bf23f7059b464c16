// 2-D scatter: any two hyperparameters, one point per run, coloured by the primary metric.
// Category parameters are drawn on a value axis at positions 0..n-1 with a stable per-run jitter,
// so runs with the same choice spread into a band instead of hiding behind each other.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { coordinate, groupByColour, jitter, metricExtent, pickAxes, plotColumn, type PlotColumn } from './columns.js';
import { LabelledSelect } from './dom.js';
import { initChart, type ChartOption, type EChartsType } from './echarts-setup.js';
import { axisStyle, metricVisualMap, numericAxisRange, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { pointTooltip } from './run-tooltip.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { makeColorRamp, metricColorsLowToHigh, withAlpha, type ChartTheme } from './theme.js';
import type { Scatter2DChart, Scatter2DOptions, ScatterAxes2D } from './types.js';

/** How far jittered points spread around their category, as a fraction of the gap between categories. */
const JITTER_SPREAD = 0.55;

/** The position of a run on a plotted column: category positions are jittered. */
export function plotPosition(column: PlotColumn, run: ChartRun, salt: number): number | null {
  const value = coordinate(column, run);
  if (value === null) return null;
  return column.kind === 'category' ? value + jitter(run.id, salt) * JITTER_SPREAD : value;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An axis usable as x or y: ECharts types the two apart only by `mainType`. */
type AxisOption = DistributiveOmit<Exclude<NonNullable<ChartOption['xAxis']>, readonly unknown[]>, 'mainType'>;

/** A cartesian axis for a parameter column (value, log, or categories as labelled positions). */
export function paramAxis(column: PlotColumn, theme: ChartTheme, position: 'x' | 'y', labelChars: number): AxisOption {
  const axis = axisStyle(theme);
  const name = truncate(column.name, labelChars);
  const common = {
    name,
    nameLocation: 'middle' as const,
    nameGap: position === 'x' ? 28 : 44,
    nameTextStyle: axis.nameTextStyle,
    axisLine: axis.axisLine,
    axisTick: axis.axisTick,
  };
  if (column.kind === 'category') {
    const labels = column.labels;
    const centres = labels.map((_, i) => i);
    return {
      ...common,
      type: 'value',
      min: -0.5,
      max: labels.length - 0.5,
      // Ticks (and so split lines and bands) at the edges between categories, labels at their centres.
      axisTick: { show: false, customValues: [...centres.map((i) => i - 0.5), labels.length - 0.5] },
      splitLine: { show: true, lineStyle: { color: withAlpha(theme.line, 0.6) } },
      splitArea: { show: true, areaStyle: { color: [withAlpha(theme.line, 0.18), 'rgba(0, 0, 0, 0)'] } },
      axisLabel: {
        ...axis.axisLabel,
        customValues: centres,
        formatter: (value: number) => truncate(labels[Math.round(value)] ?? '', 14),
      },
    };
  }
  return {
    ...common,
    ...numericAxisRange(column),
    splitLine: axis.splitLine,
    axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
  };
}

class Scatter2DImpl extends ChartLifecycle implements Scatter2DChart {
  readonly kind = 'scatter-2d' as const;
  private readonly xSelect: LabelledSelect;
  private readonly ySelect: LabelledSelect;
  private readonly echarts: EChartsType;
  private wanted: [string | undefined, string | undefined];
  private axes: ScatterAxes2D | null = null;
  private seriesRuns: ChartRun[][] = [];
  private readonly sizes = { last: '', frame: '' };

  constructor(
    container: HTMLElement,
    private readonly options: Scatter2DOptions,
  ) {
    super(container, 'scatter-2d', '2-D scatter');
    this.wanted = [options.x, options.y];
    this.xSelect = new LabelledSelect('X axis', 'scatter-x', (value) => this.pick(0, value));
    this.ySelect = new LabelledSelect('Y axis', 'scatter-y', (value) => this.pick(1, value));
    this.shell.controls.append(this.xSelect.element, this.ySelect.element);
    this.echarts = this.own(initChart(this.shell.plot));
    selectOnClick(this.echarts, (params) => this.runAt(params), options.onSelect);
    this.start(options.data);
  }

  getAxes(): ScatterAxes2D | null {
    return this.axes;
  }

  setAxes(axes: ScatterAxes2D): void {
    this.wanted = [axes.x, axes.y];
    this.scheduler.request('now');
  }

  private pick(slot: 0 | 1, value: string): void {
    const other = slot === 0 ? 1 : 0;
    // Picking the parameter the other axis shows swaps the two.
    if (this.axes !== null && value === (other === 0 ? this.axes.x : this.axes.y))
      this.wanted[other] = slot === 0 ? this.axes.x : this.axes.y;
    this.wanted[slot] = value;
    this.scheduler.request('now');
    this.scheduler.flush();
    if (this.axes !== null) this.options.onAxesChange?.(this.axes);
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const key = `${contentKey(data)}|${this.wanted.join('\u0000')}|${this.highlightKey}|${width}x${height}|${this.revision}`;
    if (this.upToDate(key)) return;
    if (data === null || data.runs.length === 0) {
      this.setControls(null, data);
      this.shell.setEmpty(
        'No runs yet. Each run becomes a point at its two hyperparameter values, coloured by the primary metric.',
      );
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.markDrawn(data.version);
    const picked = pickAxes(data.params, this.wanted, 2);
    if (picked === null) {
      this.setControls(null, data);
      this.shell.setEmpty(
        `A 2-D scatter needs at least two hyperparameters; this sweep has ${data.params.length === 0 ? 'none' : `only ${data.params.length === 1 ? 'one' : data.params.length}`}.`,
      );
      return;
    }
    const [xName = '', yName = ''] = picked;
    this.axes = { x: xName, y: yName };
    // What is shown is what is wanted from now on: a later pick of one axis keeps the other.
    this.wanted = [xName, yName];
    this.setControls(this.axes, data);
    this.shell.setEmpty(null);
    const xColumn = data.params.find((p) => p.name === xName);
    const yColumn = data.params.find((p) => p.name === yName);
    if (xColumn === undefined || yColumn === undefined) return;
    const x = plotColumn(xColumn, data.runs);
    const y = plotColumn(yColumn, data.runs);
    syncSize(this.echarts, this.sizes, width, height);
    const frame = JSON.stringify([x, y, width, height, this.revision, metricExtent(data.runs) === null]);
    applyOption(this.echarts, this.sizes, frame, this.option(data, x, y, width, height));
    this.shell.setLabel(
      `2-D scatter of ${data.runs.length} runs: ${xName} against ${yName}, coloured by ${data.primaryMetric}.`,
    );
  }

  private setControls(axes: ScatterAxes2D | null, data: ChartData | null): void {
    const options = (data?.params ?? []).map((p) => ({ value: p.name, label: p.name }));
    this.xSelect.setOptions(options, axes?.x ?? '');
    this.ySelect.setOptions(options, axes?.y ?? '');
    this.xSelect.select.disabled = axes === null;
    this.ySelect.select.disabled = axes === null;
  }

  private option(data: ChartData, x: PlotColumn, y: PlotColumn, width: number, height: number): ChartOption {
    const theme = this.shell.theme;
    const extent = metricExtent(data.runs);
    const n = data.runs.length;
    const size = n <= 50 ? 11 : n <= 300 ? 8 : 6;
    const faded = this.highlighted.size > 0 ? 0.25 : 1;
    const colorAt = makeColorRamp(metricColorsLowToHigh(theme, data.goal));
    const groups = groupByColour(data.runs, extent, colorAt, this.highlighted, (run) => {
      const px = plotPosition(x, run, 1);
      const py = plotPosition(y, run, 2);
      return px === null || py === null ? null : [px, py, run.best ?? NaN];
    });
    // Series 0 is an empty target for the colour scale (see groupByColour); then the colour
    // groups, the runs without a metric, and the highlighted runs on top.
    this.seriesRuns = [[], ...groups.buckets.map((b) => b.runs), groups.without.runs, groups.emphasised.runs];
    const border = withAlpha(theme.bg, 0.8);
    const points = (
      rows: ScatterSeriesOption['data'],
      symbolSize: number,
      itemStyle: Record<string, string | number>,
      z: number,
    ): ScatterSeriesOption => ({
      type: 'scatter',
      data: rows ?? [],
      symbolSize,
      z,
      animation: false,
      progressive: 0,
      // Many points: one path per series instead of one element per point.
      large: n > 300,
      largeThreshold: 300,
      encode: { x: 0, y: 1 },
      itemStyle,
      emphasis: { scale: 1.6, itemStyle: { borderColor: theme.fg, borderWidth: 1.5 } },
    });
    const series: ScatterSeriesOption[] = [
      { type: 'scatter', data: [], silent: true },
      ...groups.buckets.map((b) =>
        points(b.rows, size, { color: b.color, opacity: 0.9 * faded, borderColor: border, borderWidth: 0.75 }, 2),
      ),
      points(
        groups.without.rows,
        size,
        { color: theme.noMetric, opacity: faded, borderColor: border, borderWidth: 0.75 },
        1,
      ),
      points(
        groups.emphasised.rows.map((value, i) => ({
          value,
          itemStyle: { color: groups.emphasised.colors[i] || theme.noMetric },
        })),
        size * 1.6,
        { opacity: 1, borderColor: theme.fg, borderWidth: 2 },
        3,
      ),
    ];
    const option: ChartOption = {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) => this.tooltip(params)),
      grid: {
        left: 56,
        right: extent === null ? 24 : 84,
        top: 16,
        bottom: 44,
        outerBoundsMode: 'same',
        outerBoundsContain: 'axisLabel',
      },
      xAxis: paramAxis(x, theme, 'x', Math.max(10, Math.floor(width / 8))),
      yAxis: paramAxis(y, theme, 'y', Math.max(10, Math.floor(height / 8))),
      series,
    };
    if (extent !== null) option.visualMap = metricVisualMap(theme, data.goal, extent, 2, [0], height);
    return option;
  }

  private runAt(params: unknown): ChartRun | undefined {
    return entryAt(this.seriesRuns, params);
  }

  private tooltip(params: unknown): HTMLElement | string {
    return pointTooltip(params, this.runAt(params), this.data);
  }
}

export function createScatter2D(container: HTMLElement, options: Scatter2DOptions = {}): Scatter2DChart {
  return new Scatter2DImpl(container, options);
}
