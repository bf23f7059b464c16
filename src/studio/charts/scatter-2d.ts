// 2-D scatter: any two hyperparameters, one point per run, coloured by the primary metric.
// Category parameters are drawn on a value axis at positions 0..n-1 with a stable per-run jitter,
// so runs with the same choice spread into a band instead of hiding behind each other.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { groupByColour, metricExtent, plotColumn, type PlotColumn } from './columns.js';
import { initChart, type ChartOption, type EChartsType } from './echarts-setup.js';
import { metricVisualMap } from './echarts-style.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { AxisPair, planeFrame, plotPosition } from './plane.js';
import { pointTooltip } from './run-tooltip.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { makeColorRamp, metricColorsLowToHigh, withAlpha } from './theme.js';
import type { Scatter2DChart, Scatter2DOptions, ScatterAxes2D } from './types.js';

class Scatter2DImpl extends ChartLifecycle implements Scatter2DChart {
  readonly kind = 'scatter-2d' as const;
  private readonly pair: AxisPair;
  private readonly echarts: EChartsType;
  private seriesRuns: ChartRun[][] = [];
  private readonly sizes = { last: '', frame: '' };

  constructor(
    container: HTMLElement,
    private readonly options: Scatter2DOptions,
  ) {
    super(container, 'scatter-2d', '2-D scatter');
    this.pair = new AxisPair('scatter', options, () => {
      this.scheduler.request('now');
      this.scheduler.flush();
      if (this.pair.axes !== null) this.options.onAxesChange?.(this.pair.axes);
    });
    this.shell.controls.append(...this.pair.elements);
    this.echarts = this.own(initChart(this.shell.plot));
    selectOnClick(this.echarts, (params) => this.runAt(params), options.onSelect);
    this.start(options.data);
  }

  getAxes(): ScatterAxes2D | null {
    return this.pair.axes;
  }

  setAxes(axes: ScatterAxes2D): void {
    this.pair.want(axes);
    this.scheduler.request('now');
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const key = `${contentKey(data)}|${this.pair.key}|${this.highlightKey}|${width}x${height}|${this.revision}`;
    if (this.upToDate(key)) return;
    const axes = this.pair.resolve(data?.params ?? [], data !== null && data.runs.length > 0);
    if (data === null || data.runs.length === 0) {
      this.shell.setEmpty(
        'No runs yet. Each run becomes a point at its two hyperparameter values, coloured by the primary metric.',
      );
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.markDrawn(data.version);
    if (axes === null) {
      this.shell.setEmpty(
        `A 2-D scatter needs at least two hyperparameters; this sweep has ${data.params.length === 0 ? 'none' : `only ${data.params.length === 1 ? 'one' : data.params.length}`}.`,
      );
      return;
    }
    this.shell.setEmpty(null);
    const xColumn = data.params.find((p) => p.name === axes.x);
    const yColumn = data.params.find((p) => p.name === axes.y);
    if (xColumn === undefined || yColumn === undefined) return;
    const x = plotColumn(xColumn, data.runs);
    const y = plotColumn(yColumn, data.runs);
    syncSize(this.echarts, this.sizes, width, height);
    const frame = JSON.stringify([x, y, width, height, this.revision, metricExtent(data.runs) === null]);
    applyOption(this.echarts, this.sizes, frame, this.option(data, x, y, width, height));
    this.shell.setLabel(
      `2-D scatter of ${data.runs.length} runs: ${axes.x} against ${axes.y}, coloured by ${data.primaryMetric}.`,
    );
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
      ...planeFrame(
        theme,
        { x, y },
        { width, height },
        { right: extent === null ? 24 : 84, bands: true, tooltip: (params) => this.tooltip(params) },
      ),
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
