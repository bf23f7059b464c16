// Slice plot: one small plot per hyperparameter, its value (x) against the run's best primary
// metric (y), as optuna-dashboard's slice plot. Log-scale parameters get log x axes, categories
// are strips (jittered bands, as in the 2-D scatter); points are coloured by run order, so it
// shows where later runs (what the sampler learned) went.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { metricExtent, plotColumn, type PlotColumn } from './columns.js';
import { axisStyle, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { h } from './dom.js';
import { FrameSteps } from './frame-steps.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import type { BaseChartOptions } from './types.js';
import { pointTooltip } from './run-tooltip.js';
import { paramAxis, plotPosition } from './plane.js';
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

/** One parameter's plot: its own ECharts instance in its own cell of the grid. */
interface SliceCell {
  readonly element: HTMLDivElement;
  readonly echarts: EChartsType;
  readonly sizes: { last: string; frame: string };
  /** The runs behind each series' points, for tooltips and clicks. */
  seriesRuns: ChartRun[][];
}

class SliceImpl extends ChartLifecycle implements SliceChart {
  readonly kind = 'slice' as const;
  /**
   * One ECharts instance per parameter, drawn one per animation frame: a single instance holding
   * every parameter's grid did all their layout and paint in one task (300+ ms at 1000 runs × 4
   * parameters on a loaded 2-core machine); a cell alone is a fraction of that.
   */
  private cells: SliceCell[] = [];
  private cellKey = '';
  private shown: string[] = [];
  private readonly steps = this.own(new FrameSteps());

  constructor(
    container: HTMLElement,
    private readonly options: BaseChartOptions,
  ) {
    super(container, 'slice-plot', 'Slice plot');
    this.own({ dispose: () => this.dropCells() });
    this.start(options.data);
  }

  parameters(): readonly string[] {
    return this.shown;
  }

  protected override onInvalidate(): void {
    for (const cell of this.cells) cell.sizes.frame = '';
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const key = `${contentKey(data)}|${this.highlightKey}|${width}|${this.revision}`;
    if (this.upToDate(key)) return;
    const withMetric = data?.runs.filter((r) => r.best !== null) ?? [];
    if (data === null || withMetric.length === 0 || data.params.length === 0) {
      this.steps.cancel();
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
    // The stage grows with the number of parameters (the container scrolls, the plots do not shrink).
    this.shell.stage.style.height = `${rows * CELL_HEIGHT}px`;
    const plotted = data.params.map((c) => plotColumn(c, data.runs));
    this.shown = plotted.map((c) => c.name);
    this.layoutCells(plotted.length, columns, width);
    const cellWidth = Math.floor(width / columns);
    const extent = metricExtent(data.runs) ?? [0, 1];
    this.steps.run(
      plotted.map((column, i) => () => {
        const cell = this.cells[i];
        if (cell === undefined) return;
        syncSize(cell.echarts, cell.sizes, cellWidth, CELL_HEIGHT);
        const frame = JSON.stringify([column, cellWidth, i % columns === 0, this.revision]);
        applyOption(
          cell.echarts,
          cell.sizes,
          frame,
          this.option(data, cell, column, extent, i % columns === 0, cellWidth),
        );
      }),
    );
    this.shell.setLabel(
      `Slice plot of ${withMetric.length} runs: ${data.primaryMetric} against each of ${plotted.length} parameters (${this.shown.join(', ')}).`,
    );
  }

  /** `count` cells in a grid of `columns`, each an ECharts instance (made or dropped as the parameters change). */
  private layoutCells(count: number, columns: number, width: number): void {
    const key = `${count}|${columns}|${width}`;
    if (key === this.cellKey) return;
    this.cellKey = key;
    while (this.cells.length > count) this.cells.pop()?.echarts.dispose();
    while (this.cells.length < count) {
      const element = h('div', { class: 'odc-slice-cell' });
      element.style.position = 'absolute';
      this.shell.plot.append(element);
      const cell: SliceCell = { element, echarts: initChart(element), sizes: { last: '', frame: '' }, seriesRuns: [] };
      selectOnClick(cell.echarts, (params) => entryAt(cell.seriesRuns, params), this.options.onSelect);
      this.cells.push(cell);
    }
    const cellWidth = Math.floor(width / columns);
    this.cells.forEach((cell, i) => {
      // Through the CSSOM: the Content-Security-Policy refuses style="..." markup.
      cell.element.style.left = `${(i % columns) * cellWidth}px`;
      cell.element.style.top = `${Math.floor(i / columns) * CELL_HEIGHT}px`;
      cell.element.style.width = `${cellWidth}px`;
      cell.element.style.height = `${CELL_HEIGHT}px`;
    });
  }

  private dropCells(): void {
    for (const cell of this.cells) cell.echarts.dispose();
    this.cells = [];
  }

  private option(
    data: ChartData,
    cell: SliceCell,
    column: PlotColumn,
    extent: readonly [number, number],
    firstColumn: boolean,
    cellWidth: number,
  ): PanelOption {
    const theme = this.shell.theme;
    const axis = axisStyle(theme);
    const n = data.runs.length;
    const size = n <= 50 ? 8 : n <= 300 ? 6 : 4;
    const order = makeColorRamp([theme.muted, theme.accent]);
    const faded = this.highlighted.size > 0 ? 0.25 : 0.85;
    const span = extent[1] - extent[0];
    const large = n > 300;
    const series: ScatterSeriesOption[] = [];
    cell.seriesRuns = [];
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
        data: bucket.rows,
        symbolSize: size,
        animation: false,
        // Many runs: one path per series (each holds a sixth of them) instead of an element per point.
        large,
        largeThreshold: 100,
        // No outline in large mode: stroking every point's path again doubled the paint, and
        // at 4 px the outline is not visible anyway.
        itemStyle: {
          color: order(b / (ORDER_BUCKETS - 1)),
          opacity: faded,
          borderColor: withAlpha(theme.bg, 0.7),
          borderWidth: large ? 0 : 0.5,
        },
      });
      cell.seriesRuns.push(bucket.runs);
    });
    series.push({
      type: 'scatter',
      data: lit,
      symbolSize: size * 1.8,
      animation: false,
      z: 3,
      itemStyle: { color: theme.accent, borderColor: theme.fg, borderWidth: 1.5 },
    });
    cell.seriesRuns.push(litRuns);
    return {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) =>
        pointTooltip(params, entryAt(cell.seriesRuns, params), this.data),
      ),
      grid: { left: 52, width: cellWidth - 72, top: 12, height: CELL_HEIGHT - 62 },
      xAxis: paramAxis(column, theme, 'x', Math.max(10, Math.floor(cellWidth / 8))),
      yAxis: {
        type: 'value',
        min: extent[0] - span * 0.04,
        max: extent[1] + span * 0.04,
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
        ...(firstColumn
          ? {
              name: truncate(data.primaryMetric, 16),
              nameLocation: 'middle' as const,
              nameGap: 40,
              nameTextStyle: axis.nameTextStyle,
            }
          : {}),
      },
      series,
    };
  }
}

export function createSlice(container: HTMLElement, options: BaseChartOptions = {}): SliceChart {
  return new SliceImpl(container, options);
}
