// Contour of two hyperparameters: the primary metric interpolated over the plane of any two
// parameters (inverse-distance weighting of the runs' best values, drawn as filled bands of
// equal metric), with the runs as points on top, as optuna-dashboard's contour plot.
// Log-scale parameters are interpolated and drawn in log space; categories sit at positions
// 0..n-1 (bands between them are an interpolation, as in Optuna's contour).
import type { CustomSeriesRenderItem } from 'echarts';
import type { ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun, StudioChart } from '../view-model/chart-data.js';
import { coordinate, metricExtent, plotColumn, type PlotColumn } from './columns.js';
import { metricVisualMap } from './echarts-style.js';
import { FrameSteps } from './frame-steps.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import { pointTooltip } from './run-tooltip.js';
import { AxisPair, planeFrame, plotPosition } from './plane.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { withAlpha } from './theme.js';
import type { BaseChartOptions, ScatterAxes2D } from './types.js';

export interface ContourOptions extends BaseChartOptions {
  readonly x?: string;
  readonly y?: string;
  readonly onAxesChange?: (axes: ScatterAxes2D) => void;
}

export interface ContourChart extends StudioChart {
  readonly kind: 'contour';
  getAxes(): ScatterAxes2D | null;
  setAxes(axes: ScatterAxes2D): void;
}

/** Cells per side of the interpolation grid, and the bands of equal metric they are drawn in. */
export const CONTOUR_GRID = 40;
export const CONTOUR_LEVELS = 10;

/** A position on a column's axis in [0, 1] (log space for log columns; categories by position). */
function unit(column: PlotColumn, value: number): number {
  if (column.kind === 'category') return (value + 0.5) / Math.max(1, column.labels.length);
  const [lo, hi] = column.extent;
  if (column.log) return (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1);
  return (value - lo) / (hi - lo || 1);
}

/** The axis value at unit position `t` (the inverse of `unit`). */
function fromUnit(column: PlotColumn, t: number): number {
  if (column.kind === 'category') return t * column.labels.length - 0.5;
  const [lo, hi] = column.extent;
  if (column.log) return 10 ** (Math.log10(lo) + t * (Math.log10(hi) - Math.log10(lo)));
  return lo + t * (hi - lo);
}

export interface ContourSurface {
  /** Per cell [x0, x1, y0, y1, metric], metric snapped to its band's middle. */
  readonly cells: number[][];
  readonly extent: readonly [number, number];
}

/**
 * The interpolated surface: each grid cell's metric is the inverse-squared-distance weighted
 * mean of the runs' best values, distances measured in unit axes (so a log axis and a linear
 * one count alike); a run at a cell's centre decides it outright.
 */
export function contourSurface(
  x: PlotColumn,
  y: PlotColumn,
  runs: readonly ChartRun[],
  grid = CONTOUR_GRID,
  levels = CONTOUR_LEVELS,
): ContourSurface | null {
  const steps = contourSteps(x, y, runs, grid, levels);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * `contourSurface` one grid column per step, so a caller can spread the cells × runs of the
 * interpolation over several tasks (at 1000 runs one go held the page for well over 50 ms).
 */
export function* contourSteps(
  x: PlotColumn,
  y: PlotColumn,
  runs: readonly ChartRun[],
  grid = CONTOUR_GRID,
  levels = CONTOUR_LEVELS,
): Generator<void, ContourSurface | null, void> {
  const px: number[] = [];
  const py: number[] = [];
  const pv: number[] = [];
  for (const run of runs) {
    if (run.best === null || !Number.isFinite(run.best)) continue;
    const a = coordinate(x, run);
    const b = coordinate(y, run);
    if (a === null || b === null) continue;
    px.push(unit(x, a));
    py.push(unit(y, b));
    pv.push(run.best);
  }
  const extent = metricExtent(runs);
  if (pv.length < 2 || extent === null) return null;
  const [lo, hi] = extent;
  const band = (hi - lo) / levels;
  const cells: number[][] = [];
  // Cell edges on each axis once, not four log/pow conversions per cell.
  const xEdges = Array.from({ length: grid + 1 }, (_, i) => fromUnit(x, i / grid));
  const yEdges = Array.from({ length: grid + 1 }, (_, j) => fromUnit(y, j / grid));
  for (let i = 0; i < grid; i++) {
    if (i > 0) yield;
    const cx = (i + 0.5) / grid;
    for (let j = 0; j < grid; j++) {
      const cy = (j + 0.5) / grid;
      let w = 0;
      let s = 0;
      let exact: number | null = null;
      for (let k = 0; k < pv.length; k++) {
        const dx = (px[k] as number) - cx;
        const dy = (py[k] as number) - cy;
        const d2 = dx * dx + dy * dy;
        if (d2 < 1e-12) {
          exact = pv[k] as number;
          break;
        }
        const wk = 1 / (d2 * d2);
        w += wk;
        s += wk * (pv[k] as number);
      }
      const value = exact ?? s / w;
      const level = Math.min(levels - 1, Math.max(0, Math.floor((value - lo) / (band || 1))));
      cells.push([
        xEdges[i] as number,
        xEdges[i + 1] as number,
        yEdges[j] as number,
        yEdges[j + 1] as number,
        lo + (level + 0.5) * band,
      ]);
    }
  }
  return { cells, extent };
}

/**
 * The cells merged into strips: neighbouring cells of one grid column in the same band become one
 * rectangle. Bands are contiguous regions, so this draws the same picture with several times
 * fewer elements (ECharts builds, lays out and paints a display element per custom-series item,
 * which dominated the contour's draw at 1000 runs). Expects the cells in `contourSurface` order
 * (column by column, bottom to top).
 */
export function bandStrips(cells: readonly (readonly number[])[]): number[][] {
  const strips: number[][] = [];
  let open: number[] | null = null;
  for (const cell of cells) {
    const [x0 = 0, x1 = 0, y0 = 0, y1 = 0, value = 0] = cell;
    if (open !== null && open[0] === x0 && open[3] === y0 && open[4] === value) {
      open[3] = y1;
      continue;
    }
    open = [x0, x1, y0, y1, value];
    strips.push(open);
  }
  return strips;
}

interface SliceJob {
  cancel(): void;
}

/** Steps of work per task: stops after SLICE_MS and goes on in a later task (a timer, so input and paint get in between). */
const SLICE_MS = 8;

function runInSlices<T>(steps: Generator<void, T, void>, done: (value: T) => void): SliceJob {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let canceled = false;
  const work = (): void => {
    timer = null;
    const until = performance.now() + SLICE_MS;
    for (;;) {
      const step = steps.next();
      if (step.done === true) {
        if (!canceled) done(step.value);
        return;
      }
      if (performance.now() >= until) break;
    }
    if (!canceled) timer = setTimeout(work, 0);
  };
  work();
  return {
    cancel: () => {
      canceled = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

class ContourImpl extends ChartLifecycle implements ContourChart {
  readonly kind = 'contour' as const;
  private readonly pair: AxisPair;
  private readonly echarts: EChartsType;
  private seriesRuns: ChartRun[][] = [];
  private readonly sizes = { last: '', frame: '' };
  /** The interpolation in progress, replaced (and dropped) by any newer draw. */
  private job: SliceJob | null = null;
  private readonly steps = this.own(new FrameSteps());

  constructor(
    container: HTMLElement,
    private readonly options: ContourOptions,
  ) {
    super(container, 'contour-plot', 'Contour plot');
    this.pair = new AxisPair('contour', options, () => {
      this.scheduler.request('now');
      this.scheduler.flush();
      if (this.pair.axes !== null) this.options.onAxesChange?.(this.pair.axes);
    });
    this.shell.controls.append(...this.pair.elements);
    this.echarts = this.own(initChart(this.shell.plot));
    selectOnClick(this.echarts, (params) => entryAt(this.seriesRuns, params, 1), options.onSelect);
    this.own({ dispose: () => this.job?.cancel() });
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
    this.job?.cancel();
    this.job = null;
    this.steps.cancel();
    const picked = this.pair.resolve(data?.params ?? [], data !== null && data.runs.length > 0);
    if (data === null || picked === null) {
      this.shell.setEmpty(
        data === null || data.runs.length === 0
          ? 'No runs yet. The contour interpolates the primary metric over any two parameters.'
          : `A contour needs two hyperparameters; this sweep has ${data.params.length === 0 ? 'none' : 'only one'}.`,
      );
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.markDrawn(data.version);
    const { x: xName, y: yName } = picked;
    const xColumn = data.params.find((p) => p.name === xName);
    const yColumn = data.params.find((p) => p.name === yName);
    if (xColumn === undefined || yColumn === undefined) return;
    const x = plotColumn(xColumn, data.runs);
    const y = plotColumn(yColumn, data.runs);
    // Fewer cells for many runs: the interpolation costs cells × runs, and a finer grid shows no
    // more than the runs' own spacing.
    const steps = contourSteps(x, y, data.runs, data.runs.length > 300 ? 28 : CONTOUR_GRID);
    this.job = runInSlices(steps, (surface) => {
      this.job = null;
      this.finish(data, x, y, xName, yName, surface, width, height);
    });
  }

  private finish(
    data: ChartData,
    x: PlotColumn,
    y: PlotColumn,
    xName: string,
    yName: string,
    surface: ContourSurface | null,
    width: number,
    height: number,
  ): void {
    if (surface === null) {
      this.shell.setEmpty('The contour needs at least two runs with the primary metric and both parameters.');
      return;
    }
    this.shell.setEmpty(null);
    syncSize(this.echarts, this.sizes, width, height);
    const frame = JSON.stringify([x, y, width, height, this.revision, surface.extent]);
    const { option, points, lit } = this.option(data, x, y, surface, width, height);
    // Two frames: the axes and the surface first, the runs' points on top in the next, so their
    // layout and paint are not one task (ECharts does a setOption's work in its next frame).
    this.steps.run([
      () => applyOption(this.echarts, this.sizes, frame, option),
      () =>
        this.echarts.setOption(
          {
            series: [
              { id: 'points', data: points },
              { id: 'lit', data: lit },
            ],
          },
          { lazyUpdate: true },
        ),
    ]);
    this.shell.setLabel(
      `Contour of ${data.primaryMetric} over ${xName} and ${yName}, interpolated from ${data.runs.length} runs (points).`,
    );
  }

  private option(
    data: ChartData,
    x: PlotColumn,
    y: PlotColumn,
    surface: ContourSurface,
    width: number,
    height: number,
  ): { readonly option: PanelOption; readonly points: number[][]; readonly lit: number[][] } {
    const theme = this.shell.theme;
    const renderCell: CustomSeriesRenderItem = (_params, api) => {
      const from = api.coord([api.value(0), api.value(2)]);
      const to = api.coord([api.value(1), api.value(3)]);
      const x0 = Math.min(from[0] ?? 0, to[0] ?? 0);
      const y0 = Math.min(from[1] ?? 0, to[1] ?? 0);
      return {
        type: 'rect',
        shape: {
          x: x0,
          y: y0,
          // Half a pixel wider so neighbouring cells leave no hairline between them.
          width: Math.abs((to[0] ?? 0) - (from[0] ?? 0)) + 0.5,
          height: Math.abs((to[1] ?? 0) - (from[1] ?? 0)) + 0.5,
        },
        style: { fill: api.visual('color') as string },
      };
    };
    const points: number[][] = [];
    const pointRuns: ChartRun[] = [];
    const lit: number[][] = [];
    const litRuns: ChartRun[] = [];
    for (const run of data.runs) {
      const a = plotPosition(x, run, 1);
      const b = plotPosition(y, run, 2);
      if (a === null || b === null) continue;
      const target = this.highlighted.has(run.id) ? lit : points;
      target.push([a, b]);
      (this.highlighted.has(run.id) ? litRuns : pointRuns).push(run);
    }
    this.seriesRuns = [pointRuns, litRuns];
    const n = data.runs.length;
    const dots: ScatterSeriesOption = {
      id: 'points',
      // No data here: the next frame sets it. Merged by id, the points of the last draw stay
      // until then, so a live update does not blink them away for a frame.
      type: 'scatter',
      symbolSize: n <= 100 ? 6 : 4,
      z: 3,
      animation: false,
      large: n > 300,
      // ECharts' own threshold is 2000: without this, 1000 runs were 1000 symbol elements to
      // build and paint in one task instead of one path.
      largeThreshold: 300,
      itemStyle: {
        color: theme.fg,
        opacity: this.highlighted.size > 0 ? 0.35 : 0.85,
        borderColor: theme.bg,
        borderWidth: 0.75,
      },
    };
    const option: PanelOption = {
      ...planeFrame(
        theme,
        { x, y },
        { width, height },
        {
          right: 84,
          bands: false,
          tooltip: (params) => pointTooltip(params, entryAt(this.seriesRuns, params, 1), this.data),
        },
      ),
      visualMap: metricVisualMap(theme, data.goal, surface.extent, 4, [0], height),
      series: [
        {
          id: 'surface',
          type: 'custom',
          data: bandStrips(surface.cells),
          renderItem: renderCell,
          silent: true,
          z: 1,
          animation: false,
          clip: true,
          // Drawn in chunks across frames: hundreds of cells in one task would hold the page.
          progressive: 100,
          progressiveThreshold: 150,
        },
        dots,
        {
          id: 'lit',
          type: 'scatter',
          symbolSize: 12,
          z: 4,
          animation: false,
          itemStyle: { color: theme.accent, borderColor: withAlpha(theme.fg, 0.9), borderWidth: 2 },
        },
      ],
    };
    return { option, points, lit };
  }
}

export function createContour(container: HTMLElement, options: ContourOptions = {}): ContourChart {
  return new ContourImpl(container, options);
}
