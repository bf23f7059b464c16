// Slice plot: one small plot per hyperparameter, its value (x) against the run's best primary
// metric (y), as optuna-dashboard's slice plot. Log-scale parameters get log x axes, categories
// are strips (jittered bands, as in the 2-D scatter); points are coloured by run order, so it
// shows where later runs (what the sampler learned) went.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { metricExtent, plotColumn, type PlotColumn } from './columns.js';
import { axisStyle, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import type { BaseChartOptions } from './types.js';
import { pointTooltip } from './run-tooltip.js';
import { paramAxis, plotPosition } from './scatter-2d.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { makeColorRamp, withAlpha } from './theme.js';
import type { StudioChart } from '../view-model/chart-data.js';

export interface SliceChart extends StudioChart {
  readonly kind: 'slice';
  /** The parameters drawn, one plot each, in order. */
  parameters(): readonly string[];
}

/** Height of one parameter's plot, and the narrowest a plot may be before the grid wraps. */
const CELL_HEIGHT = 190;
const MIN_CELL_WIDTH = 260;
/** Colour steps from the first runs (muted) to the latest (accent). */
const ORDER_BUCKETS = 6;

class SliceImpl extends ChartLifecycle implements SliceChart {
  readonly kind = 'slice' as const;
  private readonly echarts: EChartsType;
  private seriesRuns: ChartRun[][] = [];
  private shown: string[] = [];
  private readonly sizes = { last: '', frame: '' };

  constructor(container: HTMLElement, options: BaseChartOptions) {
    super(container, 'slice-plot', 'Slice plot');
    this.echarts = this.own(initChart(this.shell.plot));
    selectOnClick(this.echarts, (params) => entryAt(this.seriesRuns, params), options.onSelect);
    this.start(options.data);
  }

  parameters(): readonly string[] {
    return this.shown;
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const key = `${contentKey(data)}|${this.highlightKey}|${width}|${this.revision}`;
    if (this.upToDate(key)) return;
    const withMetric = data?.runs.filter((r) => r.best !== null) ?? [];
    if (data === null || withMetric.length === 0 || data.params.length === 0) {
      this.shown = [];
      this.shell.setEmpty(
        data !== null && data.params.length === 0 && data.runs.length > 0
          ? 'This sweep has no hyperparameters to slice.'
          : 'No run has logged the primary metric yet. Each parameter gets a plot of its value against the metric.',
      );
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.setEmpty(null);
    this.shell.markDrawn(data.version);
    const columns = Math.max(1, Math.min(data.params.length, Math.floor(width / MIN_CELL_WIDTH)));
    const rows = Math.ceil(data.params.length / columns);
    const height = rows * CELL_HEIGHT;
    // The stage grows with the number of parameters (the container scrolls, the plots do not shrink).
    this.shell.stage.style.height = `${height}px`;
    syncSize(this.echarts, this.sizes, width, height);
    const plotted = data.params.map((c) => plotColumn(c, data.runs));
    this.shown = plotted.map((c) => c.name);
    const frame = JSON.stringify([plotted, width, height, this.revision]);
    applyOption(this.echarts, this.sizes, frame, this.option(data, plotted, columns, width));
    this.shell.setLabel(
      `Slice plot of ${withMetric.length} runs: ${data.primaryMetric} against each of ${plotted.length} parameters (${this.shown.join(', ')}).`,
    );
  }

  private option(data: ChartData, plotted: readonly PlotColumn[], columns: number, width: number): PanelOption {
    const theme = this.shell.theme;
    const axis = axisStyle(theme);
    const extent = metricExtent(data.runs) ?? [0, 1];
    const cellWidth = width / columns;
    const n = data.runs.length;
    const size = n <= 50 ? 8 : n <= 300 ? 6 : 4;
    const order = makeColorRamp([theme.muted, theme.accent]);
    const faded = this.highlighted.size > 0 ? 0.25 : 0.85;
    const grids: NonNullable<PanelOption['grid']> = [];
    const xAxes: NonNullable<PanelOption['xAxis']> = [];
    const yAxes: NonNullable<PanelOption['yAxis']> = [];
    const series: ScatterSeriesOption[] = [];
    this.seriesRuns = [];
    const span = extent[1] - extent[0];
    const large = n > 300;
    plotted.forEach((column, i) => {
      const col = i % columns;
      const row = Math.floor(i / columns);
      grids.push({
        left: col * cellWidth + 52,
        width: cellWidth - 72,
        top: row * CELL_HEIGHT + 12,
        height: CELL_HEIGHT - 62,
      });
      xAxes.push({ ...paramAxis(column, theme, 'x', Math.max(10, Math.floor(cellWidth / 8))), gridIndex: i });
      yAxes.push({
        type: 'value',
        gridIndex: i,
        min: extent[0] - span * 0.04,
        max: extent[1] + span * 0.04,
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
        ...(col === 0
          ? {
              name: truncate(data.primaryMetric, 16),
              nameLocation: 'middle' as const,
              nameGap: 40,
              nameTextStyle: axis.nameTextStyle,
            }
          : {}),
      });
      // A few series of one colour each (by run order), not a colour per point: ECharts resolves
      // per-item colours slowly and not at all in large mode.
      const buckets = Array.from({ length: ORDER_BUCKETS }, () => ({ rows: [] as number[][], runs: [] as ChartRun[] }));
      const lit: number[][] = [];
      const litRuns: ChartRun[] = [];
      for (const run of data.runs) {
        if (run.best === null) continue;
        const x = plotPosition(column, run, 3);
        if (x === null) continue;
        const point = [x, run.best];
        const bucket = buckets[Math.min(ORDER_BUCKETS - 1, Math.floor((run.index / Math.max(1, n)) * ORDER_BUCKETS))];
        bucket?.rows.push(point);
        bucket?.runs.push(run);
        if (this.highlighted.has(run.id)) {
          lit.push(point);
          litRuns.push(run);
        }
      }
      buckets.forEach((bucket, b) => {
        series.push({
          type: 'scatter',
          xAxisIndex: i,
          yAxisIndex: i,
          data: bucket.rows,
          symbolSize: size,
          animation: false,
          // Many runs: one path per series (each holds a sixth of them) instead of an element
          // per point, drawn in chunks across frames so no frame holds the page for long.
          large,
          largeThreshold: 100,
          // Each series holds a sixth of the runs per parameter, so the threshold sits below that:
          // otherwise no series is ever progressive and all 18 are painted in one task.
          progressive: 100,
          progressiveThreshold: 120,
          // No outline in large mode: stroking every point's path again doubled the paint, and
          // at 4 px the outline is not visible anyway.
          itemStyle: {
            color: order(b / (ORDER_BUCKETS - 1)),
            opacity: faded,
            borderColor: withAlpha(theme.bg, 0.7),
            borderWidth: large ? 0 : 0.5,
          },
        });
        this.seriesRuns.push(bucket.runs);
      });
      series.push({
        type: 'scatter',
        xAxisIndex: i,
        yAxisIndex: i,
        data: lit,
        symbolSize: size * 1.8,
        animation: false,
        z: 3,
        itemStyle: { color: theme.accent, borderColor: theme.fg, borderWidth: 1.5 },
      });
      this.seriesRuns.push(litRuns);
    });
    return {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) =>
        pointTooltip(params, entryAt(this.seriesRuns, params), this.data),
      ),
      grid: grids,
      xAxis: xAxes,
      yAxis: yAxes,
      series,
    };
  }
}

export function createSlice(container: HTMLElement, options: BaseChartOptions = {}): SliceChart {
  return new SliceImpl(container, options);
}
