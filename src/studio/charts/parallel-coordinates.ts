// Parallel coordinates: one axis per hyperparameter plus the primary metric, one line per run,
// coloured by the primary metric. Brushing a range on an axis (ECharts' axisAreaSelect) filters
// runs and reports them through onSelect; the axis order is changed on the strip above the chart.
//
// ECharts draws the frame: axes, labels, names, the brushes and the colour scale. The lines are
// drawn on a canvas beneath it (./canvas-layer.ts) because ECharts' parallel series costs
// ~100 µs per line on every redraw, too slow for 1000 runs inside the 50 ms budget; the
// hovered line is drawn on a canvas above it. Hovering and the tooltip hit-test the lines.
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { AxisOrderStrip, type AxisChip } from './axis-order.js';
import { sizeCanvas, SlicedLayer } from './canvas-layer.js';
import { coordinate, metricExtent, plotColumn, type PlotColumn } from './columns.js';
import { h } from './dom.js';
import { initChart, type EChartsType, type ParallelAxisOption, type ParallelChartOption } from './echarts-setup.js';
import { axisStyle, metricVisualMap, numericAxisRange, textStyle } from './echarts-style.js';
import { FloatingTooltip } from './floating-tooltip.js';
import { formatNumber, niceExtent, truncate } from './format.js';
import { ChartLifecycle } from './lifecycle.js';
import { runTooltip } from './run-tooltip.js';
import { contentKey, syncSize } from './shell.js';
import { makeColorRamp, metricColorsLowToHigh, withAlpha } from './theme.js';
import type { ParallelCoordinatesChart, ParallelCoordinatesOptions } from './types.js';

type Interval = readonly [number, number];

/** One axis: a parameter, or the primary metric (always a value axis on the run's best). */
type Column = { readonly key: string; readonly label: string } & (
  | { readonly kind: 'param'; readonly plot: PlotColumn }
  | { readonly kind: 'metric'; readonly extent: Interval }
);

const METRIC_KEY = 'metric';

/** The parallel component's box inside the plot (px); `right` leaves room for the colour scale. */
const MARGIN = { left: 56, right: 48, rightWithScale: 96, top: 42, bottom: 28 } as const;
const HOVER_RADIUS_PX = 6;
const paramKey = (name: string): string => `param:${name}`;

function columnValue(column: Column, run: ChartRun): number | null {
  if (column.kind === 'metric') return run.best !== null && Number.isFinite(run.best) ? run.best : null;
  return coordinate(column.plot, run);
}

function inIntervals(value: number | null, intervals: readonly Interval[]): boolean {
  if (value === null) return false;
  return intervals.some(([a, b]) => Math.min(a, b) <= value && value <= Math.max(a, b));
}

function isAreaSelectEvent(value: unknown): value is { parallelAxisId: string; intervals: number[][] } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['parallelAxisId'] === 'string' && Array.isArray(record['intervals']);
}

/**
 * Where a value sits on an axis, in pixels: the same mapping ECharts uses for the axis it draws
 * (explicit min/max, linear or log; categories at the centres of equal bands).
 */
function axisY(column: Column, value: number, top: number, bottom: number): number {
  const height = bottom - top;
  if (column.kind === 'metric')
    return bottom - ((value - column.extent[0]) / (column.extent[1] - column.extent[0] || 1)) * height;
  const plot = column.plot;
  if (plot.kind === 'category') return bottom - ((value + 0.5) / Math.max(1, plot.values.length)) * height;
  const [min, max] = plot.extent;
  const t = plot.log
    ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min) || 1)
    : (value - min) / (max - min || 1);
  return bottom - t * height;
}

/** One run's line, ready to stroke: flat [x0, y0, x1, y1, ...] over the axes it has values on. */
interface Polyline {
  readonly id: string;
  readonly run: ChartRun;
  readonly points: readonly number[];
  readonly color: string;
  readonly alpha: number;
  readonly width: number;
  readonly signature: string;
}

function tracePolyline(ctx: CanvasRenderingContext2D, points: readonly number[]): void {
  ctx.beginPath();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] ?? 0;
    const y = points[i + 1] ?? 0;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
}

function prepare(ctx: CanvasRenderingContext2D): void {
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
}

function drawPolyline(ctx: CanvasRenderingContext2D, line: Polyline): void {
  ctx.globalAlpha = line.alpha;
  ctx.lineWidth = line.width;
  ctx.strokeStyle = line.color;
  tracePolyline(ctx, line.points);
  ctx.stroke();
}

/** The line's y at pixel x (between the two axes around x), or null when it does not span x. */
function yAt(points: readonly number[], x: number): number | null {
  for (let i = 0; i + 3 < points.length; i += 2) {
    const x0 = points[i] ?? 0;
    const x1 = points[i + 2] ?? 0;
    if (x < x0 || x > x1) continue;
    const y0 = points[i + 1] ?? 0;
    const y1 = points[i + 3] ?? 0;
    return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return null;
}

class ParallelCoordinatesImpl extends ChartLifecycle implements ParallelCoordinatesChart {
  readonly kind = 'parallel' as const;
  private readonly strip: AxisOrderStrip;
  private readonly echarts: EChartsType;
  private columns: Column[] = [];
  /** Axis order by column key; kept across updates, new columns join at the end (before the metric). */
  private order: string[] = [];
  /** `options.axisOrder` by name, resolved to keys once the columns are known. */
  private requestedOrder: readonly string[] | null;
  private readonly axisIds = new Map<string, string>();
  private readonly brushes = new Map<string, Interval[]>();
  private structureKey = '';
  private selectionKey: string | null = null;
  private readonly layer = new SlicedLayer<Polyline>();
  private readonly hoverCanvas: HTMLCanvasElement;
  private readonly tooltip: FloatingTooltip;
  /** The lines as drawn last, in drawing order (hit-testing prefers the last, topmost). */
  private lines: Polyline[] = [];
  private hover: Polyline | null = null;
  private pendingFocus: string | null = null;
  private readonly sizes = { last: '' };

  constructor(
    container: HTMLElement,
    private readonly options: ParallelCoordinatesOptions,
  ) {
    super(container, 'parallel-coordinates', 'Parallel coordinates');
    this.strip = new AxisOrderStrip((key, to, via) => this.moveAxis(key, to, via));
    this.shell.controls.append(this.strip.element);
    this.requestedOrder = options.axisOrder ?? null;
    this.echarts = this.own(initChart(this.shell.plot));
    this.own(this.layer);
    this.echarts.on('axisareaselected', (event: unknown) => this.onAreaSelect(event));
    // Lines under the ECharts canvas (its axes and labels stay readable on top), the hovered line above.
    this.shell.stage.prepend(this.layer.canvas);
    this.hoverCanvas = h('canvas', { class: 'odc-layer', 'aria-hidden': 'true' });
    this.shell.stage.append(this.hoverCanvas);
    this.tooltip = new FloatingTooltip(this.shell.stage);
    this.followPointer(() => this.updateHover());
    this.start(options.data);
  }

  getAxisOrder(): readonly string[] {
    return this.orderedColumns().map((c) => c.label);
  }

  setAxisOrder(order: readonly string[]): void {
    if (this.data === null) {
      this.requestedOrder = order;
      return;
    }
    const keys = order.map((name) => this.keyOf(name)).filter((k): k is string => k !== null);
    const rest = this.order.filter((k) => !keys.includes(k));
    this.order = [...new Set([...keys, ...rest])];
    this.structureKey = '';
    this.scheduler.request('now');
  }

  brushAxis(column: string, range: readonly [number, number] | null): void {
    const key = this.keyOf(column);
    if (key === null) throw new Error(`No axis named ${JSON.stringify(column)}`);
    const intervals: Interval[] = range === null ? [] : [[Math.min(range[0], range[1]), Math.max(range[0], range[1])]];
    const id = this.axisIds.get(key);
    if (id !== undefined && this.structureKey !== '') {
      // Exactly what a drag on the axis dispatches: ECharts draws the brush and fires the event.
      this.echarts.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: id, intervals });
    } else {
      this.setBrush(key, intervals);
    }
  }

  clearBrush(): void {
    for (const key of [...this.brushes.keys()]) this.brushAxis(this.labelOf(key), null);
  }

  getSelection(): ReadonlySet<string> | null {
    return this.computeSelection();
  }

  axisLayout(column: string): { readonly x: number; readonly top: number; readonly bottom: number } | null {
    const key = this.keyOf(column);
    const ordered = this.orderedColumns();
    const index = ordered.findIndex((c) => c.key === key);
    if (index < 0 || this.data === null || this.shell.root.hasAttribute('data-empty')) return null;
    // ECharts spaces the axes evenly across the component's box (no axis expansion is used).
    const width = this.shell.plot.clientWidth;
    const height = this.shell.plot.clientHeight;
    const right = metricExtent(this.data.runs) === null ? MARGIN.right : MARGIN.rightWithScale;
    const span = width - MARGIN.left - right;
    const x = MARGIN.left + (ordered.length > 1 ? (span * index) / (ordered.length - 1) : 0);
    return { x, top: MARGIN.top, bottom: height - MARGIN.bottom };
  }

  private keyOf(name: string): string | null {
    if (this.data?.params.some((p) => p.name === name) === true) return paramKey(name);
    if (name === this.data?.primaryMetric) return METRIC_KEY;
    return null;
  }

  private labelOf(key: string): string {
    return this.columns.find((c) => c.key === key)?.label ?? key.replace(/^param:/, '');
  }

  protected override onInvalidate(): void {
    this.structureKey = '';
  }

  private moveAxis(key: string, to: number, via: 'keyboard' | 'drag'): void {
    const keys = this.orderedColumns().map((c) => c.key);
    const from = keys.indexOf(key);
    if (from < 0) return;
    keys.splice(from, 1);
    keys.splice(to, 0, key);
    this.order = keys;
    this.structureKey = '';
    this.pendingFocus = via === 'keyboard' ? key : null;
    this.shell.announce(`${this.labelOf(key)} moved to position ${to + 1} of ${keys.length}.`);
    this.options.onAxisOrderChange?.(this.getAxisOrder());
    this.scheduler.request('now');
  }

  private orderedColumns(): Column[] {
    const byKey = new Map(this.columns.map((c) => [c.key, c]));
    const ordered: Column[] = [];
    for (const key of this.order) {
      const column = byKey.get(key);
      if (column !== undefined) {
        ordered.push(column);
        byKey.delete(key);
      }
    }
    // Columns not placed yet: parameters in data order, the metric last.
    for (const column of this.columns) if (byKey.has(column.key) && column.kind === 'param') ordered.push(column);
    for (const column of this.columns) if (byKey.has(column.key) && column.kind === 'metric') ordered.push(column);
    return ordered;
  }

  private axisId(key: string): string {
    let id = this.axisIds.get(key);
    if (id === undefined) {
      id = `odc-axis-${this.axisIds.size}`;
      this.axisIds.set(key, id);
    }
    return id;
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const key = `${contentKey(data)}|${this.highlightKey}|${this.order.join('\u0000')}|${width}x${height}|${this.revision}|${this.selectionKey ?? ''}|${this.structureKey === '' ? 'rebuild' : ''}`;
    if (this.upToDate(key)) return;
    if (data === null || data.runs.length === 0 || data.params.length === 0) {
      this.lines = [];
      this.hover = null;
      this.tooltip.hide();
      this.layer.clear();
      this.hoverCanvas.getContext('2d')?.clearRect(0, 0, this.hoverCanvas.width, this.hoverCanvas.height);
    }
    if (data === null || data.runs.length === 0) {
      this.strip.render([]);
      this.shell.setEmpty('No runs yet. Each run becomes one line across its hyperparameters and the primary metric.');
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.markDrawn(data.version);
    if (data.params.length === 0) {
      this.strip.render([]);
      this.shell.setEmpty('This sweep has no hyperparameters to compare.');
      return;
    }
    this.shell.setEmpty(null);

    const extent = metricExtent(data.runs);
    this.columns = [
      ...data.params.map(
        (p): Column => ({ key: paramKey(p.name), label: p.name, kind: 'param', plot: plotColumn(p, data.runs) }),
      ),
      {
        key: METRIC_KEY,
        label: data.primaryMetric,
        kind: 'metric',
        extent: extent === null ? [0, 1] : niceExtent(extent[0], extent[1]),
      },
    ];
    if (this.requestedOrder !== null) {
      const requested = this.requestedOrder;
      this.requestedOrder = null;
      this.setAxisOrder(requested);
    }
    const ordered = this.orderedColumns();
    this.order = ordered.map((c) => c.key);
    for (const key of [...this.brushes.keys()]) if (!this.columns.some((c) => c.key === key)) this.brushes.delete(key);

    const chips: AxisChip[] = ordered.map((c) => ({ key: c.key, label: c.label, metric: c.kind === 'metric' }));
    this.strip.render(chips, this.pendingFocus);
    this.pendingFocus = null;

    // The axes change shape (order, type, categories, theme, size): rebuild without merging,
    // then restore the brushes. Otherwise merge: ECharts keeps the axes and their brushes.
    const structure = JSON.stringify([
      ordered.map((c) => [
        c.key,
        c.kind === 'param' ? (c.plot.kind === 'category' ? c.plot.labels : [c.plot.log, ...c.plot.extent]) : c.extent,
      ]),
      width,
      height,
      this.revision,
    ]);
    const rebuild = structure !== this.structureKey;
    this.structureKey = structure;
    syncSize(this.echarts, this.sizes, width, height);
    const option = this.option(extent, ordered, data.goal, width, height, rebuild);
    this.echarts.setOption(option, rebuild ? { notMerge: true, lazyUpdate: false } : { lazyUpdate: true });
    if (rebuild) {
      for (const [brushKey, intervals] of this.brushes) {
        const id = this.axisIds.get(brushKey);
        if (id !== undefined && intervals.length > 0)
          this.echarts.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: id, intervals }, { silent: true });
      }
    }
    this.shell.setLabel(
      `Parallel coordinates: ${data.runs.length} runs across ${ordered.map((c) => c.label).join(', ')}.`,
    );
    // New runs may fall inside a brushed range.
    this.reportSelection();
    this.drawLines(data, ordered, extent, width, height, structure);
  }

  private drawLines(
    data: ChartData,
    ordered: readonly Column[],
    extent: Interval | null,
    width: number,
    height: number,
    structure: string,
  ): void {
    const theme = this.shell.theme;
    const top = MARGIN.top;
    const bottom = height - MARGIN.bottom;
    const right = extent === null ? MARGIN.right : MARGIN.rightWithScale;
    const span = width - MARGIN.left - right;
    const xs = ordered.map((_, i) => MARGIN.left + (ordered.length > 1 ? (span * i) / (ordered.length - 1) : span / 2));
    const colorAt = makeColorRamp(metricColorsLowToHigh(theme, data.goal));
    const n = data.runs.length;
    const base = n <= 30 ? 0.85 : n <= 150 ? 0.6 : n <= 500 ? 0.42 : 0.3;
    const selection = this.computeSelection();
    const anyHighlight = this.highlighted.size > 0;
    const ranked: Array<{ line: Polyline; rank: number }> = [];
    for (const run of data.runs) {
      const points: number[] = [];
      ordered.forEach((column, i) => {
        // Missing leaves (nested spaces) and unplottable values are skipped: the line joins its neighbours.
        const value = columnValue(column, run);
        if (value === null) return;
        points.push(xs[i] ?? 0, axisY(column, value, top, bottom));
      });
      if (points.length < 2) continue;
      const hasMetric = run.best !== null && Number.isFinite(run.best);
      const t =
        hasMetric && extent !== null && run.best !== null ? (run.best - extent[0]) / (extent[1] - extent[0] || 1) : 0;
      const score = data.goal === 'MAXIMIZE' ? t : 1 - t;
      const inactive = selection !== null && !selection.has(run.id);
      const emphasised = this.highlighted.has(run.id);
      const color = hasMetric ? colorAt(t) : theme.noMetric;
      const alpha = emphasised ? 1 : inactive ? 0.06 : base * (anyHighlight ? 0.3 : 1);
      const width1 = emphasised ? 2.75 : 1;
      // Drawing order: brushed-out lines, runs without a metric, then worse to better, highlighted last.
      const rank = emphasised ? 3 : inactive ? 0 : hasMetric ? 1 + score : 0.5;
      ranked.push({
        line: {
          id: run.id,
          run,
          points,
          color,
          alpha,
          width: width1,
          signature: `${run.best}|${color}|${alpha}|${width1}|${points.length}`,
        },
        rank,
      });
    }
    ranked.sort((a, b) => a.rank - b.rank);
    this.lines = ranked.map((r) => r.line);
    const key = `${structure}|${theme.scheme}|${theme.bg}|${base}|${this.highlightKey}|${this.selectionKey ?? ''}|${extent?.join() ?? ''}`;
    this.layer.render(this.lines, key, { prepare, draw: drawPolyline }, width, height);
    if (this.hover !== null) this.hover = this.lines.find((l) => l.id === this.hover?.id) ?? null;
    this.drawHover();
  }

  private drawHover(): void {
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    sizeCanvas(this.hoverCanvas, width, height);
    const ctx = this.hoverCanvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.hoverCanvas.width, this.hoverCanvas.height);
    const line = this.hover;
    if (line === null) return;
    prepare(ctx);
    ctx.globalAlpha = 0.9;
    ctx.lineWidth = 5;
    ctx.strokeStyle = this.shell.theme.bg;
    tracePolyline(ctx, line.points);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = line.color;
    tracePolyline(ctx, line.points);
    ctx.stroke();
  }

  private updateHover(): void {
    const pointer = this.pointer;
    let next: Polyline | null = null;
    if (pointer !== null) {
      let bestDistance = HOVER_RADIUS_PX;
      // Topmost first: the last drawn line wins a tie, as it is the one seen.
      for (let i = this.lines.length - 1; i >= 0; i--) {
        const line = this.lines[i];
        if (line === undefined || line.alpha < 0.1) continue;
        const y = yAt(line.points, pointer.x);
        if (y === null) continue;
        const distance = Math.abs(y - pointer.y);
        if (distance < bestDistance) {
          bestDistance = distance;
          next = line;
        }
      }
    }
    if (next?.id !== this.hover?.id) {
      this.hover = next;
      this.drawHover();
    }
    const data = this.data;
    if (next === null || data === null || pointer === null) {
      this.tooltip.hide();
      return;
    }
    this.tooltip.show(runTooltip(next.run, data, { swatch: next.color }), pointer.x, pointer.y);
  }

  private option(
    extent: Interval | null,
    ordered: readonly Column[],
    goal: ChartData['goal'],
    width: number,
    height: number,
    rebuild: boolean,
  ): ParallelChartOption {
    const theme = this.shell.theme;
    const axis = axisStyle(theme);
    const dims = this.columns;
    const metricDim = dims.findIndex((c) => c.kind === 'metric');
    const spacing = (width - 100) / Math.max(1, ordered.length - 1);
    const option: ParallelChartOption = {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: textStyle(theme),
      // An empty series: the lines are drawn on the layer beneath; the colour scale needs a target.
      series: [{ type: 'parallel', data: [], silent: true }],
    };
    if (extent !== null && metricDim >= 0) {
      option.visualMap = metricVisualMap(theme, goal, extent, metricDim, [0], height);
    }
    if (rebuild) {
      option.parallel = {
        left: MARGIN.left,
        right: extent === null ? MARGIN.right : MARGIN.rightWithScale,
        top: MARGIN.top,
        bottom: MARGIN.bottom,
        parallelAxisDefault: {
          nameLocation: 'end',
          nameGap: 14,
          realtime: false,
          areaSelectStyle: {
            width: 22,
            borderWidth: 1,
            borderColor: theme.accent,
            color: withAlpha(theme.accent, 0.18),
            opacity: 1,
          },
        },
      };
      option.parallelAxis = ordered.map((c) => this.axisOption(c, dims.indexOf(c), axis, spacing));
    }
    return option;
  }

  private axisOption(
    column: Column,
    dim: number,
    axis: ReturnType<typeof axisStyle>,
    spacing: number,
  ): ParallelAxisOption {
    const maxLabel = Math.max(4, Math.floor(spacing / 7));
    const theme = this.shell.theme;
    // Labels sit on the lines: a background keeps them readable under a thousand runs.
    const label = { ...axis.axisLabel, backgroundColor: withAlpha(theme.bg, 0.85), padding: [1, 3], borderRadius: 3 };
    const common = {
      id: this.axisId(column.key),
      dim,
      name: truncate(column.label, Math.max(6, Math.floor(spacing / 7.5))),
      nameTextStyle: {
        ...axis.nameTextStyle,
        color: column.kind === 'metric' ? theme.fg : axis.nameTextStyle.color,
        fontWeight: column.kind === 'metric' ? ('bold' as const) : ('normal' as const),
      },
      axisLine: axis.axisLine,
      axisTick: axis.axisTick,
    };
    if (column.kind === 'metric') {
      return {
        ...common,
        type: 'value',
        min: column.extent[0],
        max: column.extent[1],
        axisLabel: { ...label, formatter: (v: number) => formatNumber(v) },
      };
    }
    const plot = column.plot;
    if (plot.kind === 'category') {
      const labels = plot.labels.map((l) => truncate(l, maxLabel));
      return { ...common, type: 'category', data: labels, axisLabel: { ...label, interval: 0 } };
    }
    return {
      ...common,
      ...numericAxisRange(plot),
      axisLabel: { ...label, formatter: (v: number) => formatNumber(v) },
    };
  }

  private onAreaSelect(event: unknown): void {
    if (!isAreaSelectEvent(event)) return;
    const key = [...this.axisIds].find(([, id]) => id === event.parallelAxisId)?.[0];
    if (key === undefined) return;
    const intervals = event.intervals
      .filter((i): i is [number, number] => i.length === 2 && i.every((v) => typeof v === 'number'))
      .map(([a, b]): Interval => [a, b]);
    this.setBrush(key, intervals);
  }

  private setBrush(key: string, intervals: Interval[]): void {
    if (intervals.length === 0) this.brushes.delete(key);
    else this.brushes.set(key, intervals);
    this.reportSelection();
    // The brushed-out lines fade.
    this.scheduler.request('now');
  }

  private computeSelection(): Set<string> | null {
    if (this.brushes.size === 0) return null;
    const data = this.data;
    const selected = new Set<string>();
    if (data === null) return selected;
    const brushed = [...this.brushes].map(([key, intervals]) => ({
      column: this.columns.find((c) => c.key === key),
      intervals,
    }));
    for (const run of data.runs) {
      if (
        brushed.every(
          ({ column, intervals }) => column !== undefined && inIntervals(columnValue(column, run), intervals),
        )
      )
        selected.add(run.id);
    }
    return selected;
  }

  /** Emits the brushed runs when they changed (a brush moved, or new runs fell inside one). */
  private reportSelection(): void {
    const selection = this.computeSelection();
    const key = selection === null ? null : [...selection].sort().join('\u0000');
    if (key === this.selectionKey) return;
    this.selectionKey = key;
    this.options.onSelect?.(selection === null ? { kind: 'clear' } : { kind: 'runs', runIds: selection });
  }
}

export function createParallelCoordinates(
  container: HTMLElement,
  options: ParallelCoordinatesOptions = {},
): ParallelCoordinatesChart {
  return new ParallelCoordinatesImpl(container, options);
}
