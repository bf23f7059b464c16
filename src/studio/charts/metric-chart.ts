// Metric curves: one line per run, any logged metric against its interval.
//
// Scale: a sweep may hold 1000 runs x 100 intervals (100 000 segments). Stroking that in one go
// takes 30-200 ms of main-thread time on a modest machine, and ECharts redraws every series on
// every setOption (its scheduler restores all series), so neither 1000 series nor one big
// `lines` series can meet the 50 ms budget while metrics stream in. So ECharts draws only the
// frame (axes, ticks, names: its layout is what the lines are mapped into), and the lines go on
// two canvases stacked over it:
// - the bulk layer holds every run that is not running. Finished curves never change, so a
//   finished run is appended to it in a few microseconds; a full redraw (new axis range, resize,
//   theme, highlight, legend toggle) is drawn off-screen in time slices of ~8 ms and swapped in
//   when complete, so the old picture stays until the new one is whole (no flicker, no long task);
// - the live layer holds the running runs (at most the sweep's concurrency) and the hovered run,
//   and is redrawn at once on every update.
// Hovering, the tooltip and click-to-select hit-test the curves directly (nearest curve under the
// pointer), which is cheaper than any scene graph over 1000 polylines.
import type { ChartData, ChartRun, ChartSelection } from '../view-model/chart-data.js';
import { initChart, type ChartOption, type EChartsType } from './echarts-setup.js';
import { metricAxis, STEP_CHART_GRID, stepAxis, textStyle } from './echarts-style.js';
import { h, LabelledSelect } from './dom.js';
import { formatNumber, runLabel } from './format.js';
import { ChartLifecycle } from './lifecycle.js';
import { runTooltip } from './run-tooltip.js';
import { sizeCanvas, SlicedLayer } from './canvas-layer.js';
import { FloatingTooltip } from './floating-tooltip.js';
import { dataKey } from './shell.js';
import { makeColorRamp, metricColorsLowToHigh, withAlpha } from './theme.js';
import type { MetricChart, MetricChartOptions } from './types.js';

type Group = 'running' | 'completed' | 'stopped' | 'failed';

const GROUPS: ReadonlyArray<{
  readonly group: Group;
  readonly label: string;
  readonly key: 'bold' | 'solid' | 'dashed' | 'dotted';
}> = [
  { group: 'running', label: 'Running', key: 'bold' },
  { group: 'completed', label: 'Completed', key: 'solid' },
  { group: 'stopped', label: 'Stopped early', key: 'dashed' },
  { group: 'failed', label: 'Failed / canceled', key: 'dotted' },
];

// Bottom to top in the bulk layer: the stopped and failed runs under the completed ones.
const BULK_ORDER: Readonly<Record<Group, number>> = { stopped: 0, failed: 1, completed: 2, running: 3 };

const HOVER_RADIUS_PX = 10;

function groupOf(run: ChartRun): Group | null {
  if (run.terminated) return 'stopped';
  switch (run.status) {
    case 'Running':
      return 'running';
    case 'Completed':
      return 'completed';
    case 'Canceled':
    case 'Failed':
      return 'failed';
    case 'Queued':
      return null;
  }
}

interface Line {
  readonly id: string;
  readonly run: ChartRun;
  readonly values: readonly number[];
  readonly group: Group;
  readonly color: string;
  /** Changes whenever what is drawn for this run changes. */
  readonly signature: string;
}

/** Data to pixel mapping of the ECharts grid (linear on both axes), in CSS pixels. */
interface Transform {
  readonly xMin: number;
  readonly yMin: number;
  readonly x0: number;
  readonly sx: number;
  readonly y0: number;
  readonly sy: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly key: string;
}

function px(t: Transform, interval: number): number {
  return t.x0 + (interval - t.xMin) * t.sx;
}

function py(t: Transform, value: number): number {
  return t.y0 + (value - t.yMin) * t.sy;
}

interface Stroke {
  readonly width: number;
  readonly alpha: number;
  readonly dash: readonly number[];
}

interface BulkStyle {
  readonly strokes: Readonly<Record<Group, Stroke>>;
  readonly faded: number;
  readonly highlighted: ReadonlySet<string>;
}

function traceLine(
  ctx: CanvasRenderingContext2D,
  t: Transform,
  values: readonly number[],
): { x: number; y: number } | null {
  ctx.beginPath();
  let pen = false;
  let last: { x: number; y: number } | null = null;
  let points = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const x = px(t, i + 1);
    const y = py(t, v);
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
    last = { x, y };
    points += 1;
  }
  // A single report is a point, not a line: draw it as a dot so the run is visible.
  if (points === 1 && last !== null) ctx.arc(last.x, last.y, Math.max(1.5, ctx.lineWidth), 0, Math.PI * 2);
  return last;
}

function drawCross(ctx: CanvasRenderingContext2D, x: number, y: number, size: number): void {
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(x - size, y - size);
  ctx.lineTo(x + size, y + size);
  ctx.moveTo(x - size, y + size);
  ctx.lineTo(x + size, y - size);
  ctx.stroke();
}

/** Draws one bulk line with its group's style (and the "×" end marker of an early-stopped run). */
function drawBulkLine(ctx: CanvasRenderingContext2D, t: Transform, line: Line, style: BulkStyle): void {
  const stroke = style.strokes[line.group];
  const emphasised = style.highlighted.has(line.run.id);
  const fade = style.highlighted.size > 0 && !emphasised ? style.faded : 1;
  ctx.globalAlpha = emphasised ? 1 : stroke.alpha * fade;
  ctx.lineWidth = emphasised ? Math.max(2.5, stroke.width + 1) : stroke.width;
  ctx.strokeStyle = line.color;
  ctx.setLineDash(stroke.dash);
  const end = traceLine(ctx, t, line.values);
  ctx.stroke();
  if (line.group === 'stopped' && end !== null) {
    ctx.lineWidth = emphasised ? 2 : 1.5;
    ctx.globalAlpha = Math.min(1, ctx.globalAlpha * 1.4);
    drawCross(ctx, end.x, end.y, 3.5);
  }
}

function clipTo(ctx: CanvasRenderingContext2D, t: Transform): void {
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.beginPath();
  // A little room so a line at the extreme value is not cut in half.
  ctx.rect(t.left - 2, t.top - 4, t.width + 6, t.height + 8);
  ctx.clip();
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
}

interface Hover {
  readonly line: Line;
  /** 0-based index of the nearest reported point. */
  readonly index: number;
}

class MetricChartImpl extends ChartLifecycle implements MetricChart {
  readonly kind = 'metric' as const;
  private readonly select: LabelledSelect;
  private readonly echarts: EChartsType;
  private readonly bulk = new SlicedLayer<Line>();
  private readonly live: HTMLCanvasElement;
  private readonly tooltip: FloatingTooltip;
  private readonly legend: HTMLUListElement;
  private readonly legendButtons = new Map<Group, HTMLButtonElement>();
  private readonly ramp: HTMLSpanElement;
  private readonly hidden = new Set<Group>();
  private metricName: string | null;
  private lines: Line[] = [];
  private transform: Transform | null = null;
  private axisKey = '';
  private legendKey = '';
  private hover: Hover | null = null;
  private selectedByChart = false;
  private marked: number | null = null;

  constructor(
    container: HTMLElement,
    private readonly options: MetricChartOptions,
  ) {
    super(container, 'metric-chart', 'Metric curves');
    this.metricName = options.metric ?? null;
    this.select = new LabelledSelect('Metric', 'metric-select', (value) => {
      this.setMetric(value);
      this.options.onMetricChange?.(value);
    });
    this.shell.controls.append(this.select.element);
    this.echarts = this.own(initChart(this.shell.plot));
    this.own(this.bulk);
    this.live = h('canvas', { class: 'odc-layer', 'aria-hidden': 'true' });
    this.shell.stage.append(this.bulk.canvas, this.live);
    this.tooltip = new FloatingTooltip(this.shell.stage);
    this.legend = h('ul', { class: 'odc-legend', 'aria-label': 'Run status' });
    for (const { group, label, key } of GROUPS) {
      const button = h(
        'button',
        { type: 'button', 'aria-pressed': 'true', 'data-group': group },
        h('span', { class: 'odc-key', 'data-style': key, 'aria-hidden': 'true' }),
        label,
      );
      button.addEventListener('click', () => this.toggleGroup(group));
      this.legendButtons.set(group, button);
      this.legend.append(h('li', {}, button));
    }
    this.ramp = h('span', { class: 'odc-ramp' });
    this.shell.footer.append(this.legend, this.ramp);
    this.followPointer(() => this.updateHover());
    this.shell.stage.addEventListener('click', () => this.onClick());
    this.start(options.data);
  }

  get metric(): string {
    return this.metricName ?? this.data?.primaryMetric ?? '';
  }

  setMetric(name: string): void {
    if (name === this.metricName) return;
    this.metricName = name;
    this.select.select.value = name;
    this.scheduler.request('now');
  }

  markInterval(interval: number | null): void {
    if (interval === this.marked) return;
    this.marked = interval;
    if (interval === null) this.shell.root.removeAttribute('data-marked-interval');
    else this.shell.root.setAttribute('data-marked-interval', String(interval));
    this.drawLive();
  }

  protected override onInvalidate(): void {
    this.axisKey = '';
    this.bulk.invalidate();
  }

  private toggleGroup(group: Group): void {
    if (this.hidden.has(group)) this.hidden.delete(group);
    else this.hidden.add(group);
    this.legendButtons.get(group)?.setAttribute('aria-pressed', String(!this.hidden.has(group)));
    this.scheduler.request('now');
  }

  protected draw(): void {
    const data = this.data;
    const theme = this.shell.theme;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const metric = this.metric;
    const key = `${dataKey(data)}|${metric}|${this.highlightKey}|${[...this.hidden].join()}|${width}x${height}|${this.revision}`;
    if (this.upToDate(key)) return;

    const names = data === null ? [metric] : [...new Set([data.primaryMetric, ...data.metricNames])];
    this.select.setOptions(
      names.filter((n) => n !== '').map((n) => ({ value: n, label: n })),
      metric,
    );
    if (data === null) {
      this.showEmpty('No runs yet. Each run’s metric curve appears here as it reports.');
      return;
    }
    this.shell.markDrawn(data.version);
    if (data.runs.length === 0) {
      this.showEmpty(`No runs yet. Each run’s “${metric}” appears here, one line per run, as it reports.`);
      return;
    }

    // Lines, colours and extents.
    let bestLo = Infinity;
    let bestHi = -Infinity;
    for (const run of data.runs) {
      if (run.best === null || !Number.isFinite(run.best)) continue;
      bestLo = Math.min(bestLo, run.best);
      bestHi = Math.max(bestHi, run.best);
    }
    const colorAt = makeColorRamp(metricColorsLowToHigh(theme, data.goal));
    const counts: Record<Group, number> = { running: 0, completed: 0, stopped: 0, failed: 0 };
    const lines: Line[] = [];
    let maxLength = 0;
    let yLo = Infinity;
    let yHi = -Infinity;
    let anyValue = false;
    for (const run of data.runs) {
      const group = groupOf(run);
      if (group === null) continue;
      const values = run.curve(metric);
      if (values.length === 0) continue;
      counts[group] += 1;
      anyValue = true;
      if (this.hidden.has(group)) continue;
      const range = curveRange(values);
      if (range === null) continue;
      if (range.lo < yLo) yLo = range.lo;
      if (range.hi > yHi) yHi = range.hi;
      maxLength = Math.max(maxLength, values.length);
      const color =
        run.best === null || !Number.isFinite(run.best)
          ? theme.noMetric
          : colorAt(bestHi > bestLo ? (run.best - bestLo) / (bestHi - bestLo) : 1);
      const lastValue = values[values.length - 1] ?? NaN;
      lines.push({
        id: run.id,
        run,
        values,
        group,
        color,
        signature: `${group}|${values.length}|${lastValue}|${color}`,
      });
    }
    this.updateLegend(counts, data, bestLo, bestHi);
    if (!anyValue) {
      this.showEmpty(`No run has logged “${metric}” yet.`);
      return;
    }
    if (lines.length === 0) {
      this.showEmpty('Every run with this metric is hidden: turn a status back on in the legend below.');
      return;
    }
    this.shell.setEmpty(null);
    this.lines = lines;

    // The frame (ECharts), then the mapping the layers draw with.
    const [yMin, yMax] = niceValueExtent(yLo, yHi);
    const xMax = niceIntervalMax(maxLength);
    const isPrimary = metric === data.primaryMetric;
    const axisKey = `${yMin}|${yMax}|${xMax}|${metric}|${isPrimary}|${width}x${height}|${theme.scheme}|${theme.fg}|${theme.line}`;
    if (axisKey !== this.axisKey) {
      this.axisKey = axisKey;
      this.echarts.resize();
      this.echarts.setOption(this.frameOption(metric, isPrimary, yMin, yMax, xMax, width), {
        notMerge: true,
        lazyUpdate: false,
      });
      this.transform = this.readTransform(yMin, yMax, xMax);
    }
    const t = this.transform;
    if (t === null) return;

    // The bulk layer: every visible run that is not running.
    const n = lines.length;
    const alpha = n <= 20 ? 0.9 : n <= 100 ? 0.7 : n <= 400 ? 0.5 : 0.35;
    const width1 = n <= 100 ? 1.5 : 1;
    const style: BulkStyle = {
      strokes: {
        completed: { width: width1, alpha, dash: [] },
        failed: { width: width1, alpha: alpha * 0.7, dash: [1.5, 3] },
        stopped: { width: width1, alpha: alpha * 0.6, dash: [5, 3] },
        running: { width: 2.25, alpha: 1, dash: [] },
      },
      faded: 0.25,
      highlighted: this.highlighted,
    };
    const bulkKey = `${t.key}|${theme.scheme}|${theme.bg}|${alpha}|${width1}|${this.highlightKey}|${bestLo}|${bestHi}`;
    const highlighted = this.highlighted;
    const bulkLines = lines
      .filter((l) => l.group !== 'running')
      .sort((a, b) => {
        const ha = highlighted.has(a.id) ? 1 : 0;
        const hb = highlighted.has(b.id) ? 1 : 0;
        return ha - hb || BULK_ORDER[a.group] - BULK_ORDER[b.group] || a.run.index - b.run.index;
      });
    this.bulk.render(
      bulkLines,
      bulkKey,
      { prepare: (ctx) => clipTo(ctx, t), draw: (ctx, line) => drawBulkLine(ctx, t, line, style) },
      width,
      height,
    );
    this.drawLive();
    this.shell.setLabel(this.describe(data, metric, counts));
  }

  private showEmpty(message: string): void {
    this.lines = [];
    this.hover = null;
    this.tooltip.hide();
    this.shell.setEmpty(message);
    const ctx = this.live.getContext('2d');
    ctx?.clearRect(0, 0, this.live.width, this.live.height);
    this.bulk.clear();
    this.axisKey = '';
  }

  private frameOption(
    metric: string,
    isPrimary: boolean,
    yMin: number,
    yMax: number,
    xMax: number,
    width: number,
  ): ChartOption {
    const theme = this.shell.theme;
    return {
      animation: false,
      textStyle: textStyle(theme),
      grid: STEP_CHART_GRID,
      xAxis: stepAxis(theme, isPrimary ? 'Interval' : 'Report', xMax),
      yAxis: metricAxis(theme, metric, width, { min: yMin, max: yMax }),
      series: [],
    };
  }

  /** The grid's data-to-pixel mapping, read back from ECharts' layout. */
  private readTransform(yMin: number, yMax: number, xMax: number): Transform | null {
    const a = this.echarts.convertToPixel({ gridIndex: 0 }, [1, yMin]);
    const b = this.echarts.convertToPixel({ gridIndex: 0 }, [xMax, yMax]);
    const [ax, ay] = a;
    const [bx, by] = b;
    if (ax === undefined || ay === undefined || bx === undefined || by === undefined) return null;
    const sx = xMax > 1 ? (bx - ax) / (xMax - 1) : 0;
    const sy = yMax > yMin ? (by - ay) / (yMax - yMin) : 0;
    return {
      xMin: 1,
      yMin,
      x0: ax,
      sx,
      y0: ay,
      sy,
      left: Math.min(ax, bx),
      top: Math.min(ay, by),
      width: Math.abs(bx - ax),
      height: Math.abs(by - ay),
      key: [ax, ay, bx, by, xMax, yMin, yMax].map((v) => Math.round(v * 100) / 100).join(','),
    };
  }

  /** Running runs (emphasised, with a dot at their newest report) and the hovered run. */
  private drawLive(): void {
    const t = this.transform;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    sizeCanvas(this.live, width, height);
    const ctx = this.live.getContext('2d');
    if (ctx === null || t === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.live.width, this.live.height);
    ctx.save();
    clipTo(ctx, t);
    const theme = this.shell.theme;
    const anyHighlight = this.highlighted.size > 0;
    for (const line of this.lines) {
      if (line.group !== 'running') continue;
      const emphasised = !anyHighlight || this.highlighted.has(line.run.id);
      const lineWidth = this.highlighted.has(line.run.id) ? 3 : 2.25;
      ctx.setLineDash([]);
      // A halo in the background colour lifts a running curve off the finished ones beneath it.
      ctx.globalAlpha = emphasised ? 0.85 : 0.2;
      ctx.lineWidth = lineWidth + 2.5;
      ctx.strokeStyle = theme.bg;
      traceLine(ctx, t, line.values);
      ctx.stroke();
      ctx.globalAlpha = emphasised ? 1 : 0.3;
      ctx.lineWidth = lineWidth;
      ctx.strokeStyle = line.color;
      const end = traceLine(ctx, t, line.values);
      ctx.stroke();
      if (end !== null) {
        ctx.beginPath();
        ctx.arc(end.x, end.y, 3.5, 0, Math.PI * 2);
        ctx.fillStyle = line.color;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = theme.bg;
        ctx.stroke();
      }
    }
    const marked = this.marked;
    if (marked !== null && this.metric === this.data?.primaryMetric) {
      // An opened stop decision: the interval it was made at, across the whole plot.
      const x = px(t, marked);
      ctx.globalAlpha = 0.9;
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = theme.fg;
      ctx.beginPath();
      ctx.moveTo(x, t.top);
      ctx.lineTo(x, t.top + t.height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = theme.fg;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(`interval ${marked}`, x + 4, t.top + 12);
    }
    const hover = this.hover;
    if (hover !== null) {
      const { line, index } = hover;
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      ctx.lineWidth = 5;
      ctx.strokeStyle = withAlpha(theme.bg, 0.9);
      traceLine(ctx, t, line.values);
      ctx.stroke();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = line.color;
      traceLine(ctx, t, line.values);
      ctx.stroke();
      const v = line.values[index];
      if (v !== undefined && Number.isFinite(v)) {
        ctx.beginPath();
        ctx.arc(px(t, index + 1), py(t, v), 4.5, 0, Math.PI * 2);
        ctx.fillStyle = line.color;
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = theme.bg;
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  private updateLegend(counts: Readonly<Record<Group, number>>, data: ChartData, lo: number, hi: number): void {
    for (const { group, label } of GROUPS) {
      const button = this.legendButtons.get(group);
      if (button === undefined) continue;
      const text = `${label} (${counts[group]})`;
      const last = button.lastChild;
      if (last instanceof Text) {
        if (last.data !== text) last.data = text;
      } else button.append(text);
      button.parentElement?.toggleAttribute('hidden', counts[group] === 0 && !this.hidden.has(group));
    }
    const theme = this.shell.theme;
    const legendKey = `${lo}|${hi}|${data.goal}|${data.primaryMetric}|${theme.scheme}`;
    if (legendKey === this.legendKey) return;
    this.legendKey = legendKey;
    if (lo > hi) {
      this.ramp.replaceChildren();
      return;
    }
    const bar = h('span', { class: 'odc-ramp-bar', 'aria-hidden': 'true' });
    // Low to high, left to right; the better end is the more prominent colour for either goal.
    bar.style.background = `linear-gradient(to right, ${metricColorsLowToHigh(theme, data.goal).join(', ')})`;
    this.ramp.replaceChildren(
      h('span', {}, `Colour: best ${data.primaryMetric}`),
      h('span', {}, formatNumber(lo)),
      bar,
      h('span', {}, formatNumber(hi)),
      h('span', {}, data.goal === 'MAXIMIZE' ? '(higher is better)' : '(lower is better)'),
    );
  }

  private describe(data: ChartData, metric: string, counts: Readonly<Record<Group, number>>): string {
    const total = counts.running + counts.completed + counts.stopped + counts.failed;
    const parts = [
      `Metric curves: ${metric} against ${metric === data.primaryMetric ? 'interval' : 'report number'} for ${total} runs`,
    ];
    if (counts.running > 0) parts.push(`${counts.running} running`);
    if (counts.stopped > 0) parts.push(`${counts.stopped} stopped early`);
    let best: ChartRun | null = null;
    for (const run of data.runs) {
      if (run.best === null) continue;
      if (
        best === null ||
        best.best === null ||
        (data.goal === 'MAXIMIZE' ? run.best > best.best : run.best < best.best)
      )
        best = run;
    }
    if (best !== null && best.best !== null)
      parts.push(`best ${data.primaryMetric} ${formatNumber(best.best)} (${runLabel(best.index)})`);
    return `${parts.join(', ')}.`;
  }

  private onClick(): void {
    this.updateHover();
    const hover = this.hover;
    if (hover !== null) {
      this.selectedByChart = true;
      this.emit({ kind: 'runs', runIds: new Set([hover.line.run.id]) });
    } else if (this.selectedByChart) {
      this.selectedByChart = false;
      this.emit({ kind: 'clear' });
    }
  }

  private emit(selection: ChartSelection): void {
    this.options.onSelect?.(selection);
  }

  private updateHover(): void {
    const next = this.pointer === null ? null : this.hitTest(this.pointer.x, this.pointer.y);
    const same = next?.line.run.id === this.hover?.line.run.id && next?.index === this.hover?.index;
    this.hover = next;
    if (!same) this.drawLive();
    this.placeTooltip();
  }

  /** The curve nearest to the pointer (vertical distance at the pointer's interval), within a few pixels. */
  private hitTest(x: number, y: number): Hover | null {
    const t = this.transform;
    if (t === null || t.sx === 0 || x < t.left - 4 || x > t.left + t.width + 4) return null;
    const at = (x - t.x0) / t.sx + t.xMin;
    let best: Hover | null = null;
    let bestDistance = HOVER_RADIUS_PX;
    const emphasisOnly = this.highlighted.size > 0;
    for (let pass = 0; pass < (emphasisOnly ? 2 : 1); pass++) {
      for (const line of this.lines) {
        // With a highlight, the highlighted runs win the first pass: they are on top.
        if (emphasisOnly && pass === 0 && !this.highlighted.has(line.run.id)) continue;
        const values = line.values;
        const i = Math.floor(at) - 1;
        const f = at - 1 - i;
        const a = values[Math.max(0, Math.min(values.length - 1, i))];
        const b = values[Math.max(0, Math.min(values.length - 1, i + 1))];
        if (a === undefined || b === undefined) continue;
        if (at > values.length + 0.5 || at < 0.5) continue;
        let value: number;
        if (Number.isFinite(a) && Number.isFinite(b) && i >= 0 && i + 1 < values.length) value = a + (b - a) * f;
        else if (Number.isFinite(a)) value = a;
        else if (Number.isFinite(b)) value = b;
        else continue;
        const distance = Math.abs(py(t, value) - y);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = { line, index: Math.max(0, Math.min(values.length - 1, Math.round(at) - 1)) };
        }
      }
      if (best !== null) break;
    }
    return best;
  }

  private placeTooltip(): void {
    const hover = this.hover;
    const data = this.data;
    const pointer = this.pointer;
    if (hover === null || data === null || pointer === null) {
      this.tooltip.hide();
      this.shell.stage.style.cursor = '';
      return;
    }
    this.shell.stage.style.cursor = 'pointer';
    const { line, index } = hover;
    const value = line.values[index];
    const metric = this.metric;
    const content = runTooltip(line.run, data, {
      swatch: line.color,
      lead: [
        [
          `${metric} @ ${metric === data.primaryMetric ? 'interval' : 'report'} ${index + 1}`,
          value === undefined ? '—' : formatNumber(value),
        ],
        ['reports', String(line.values.length)],
      ],
    });
    this.tooltip.show(content, pointer.x, pointer.y);
  }
}

interface CurveRange {
  readonly length: number;
  readonly lo: number;
  readonly hi: number;
}

// Finished curves are the same arrays version after version: their range is computed once.
// Keyed by the array and checked against its length, since a curve may grow in place.
const rangeCache = new WeakMap<readonly number[], CurveRange | null>();

function curveRange(values: readonly number[]): CurveRange | null {
  const cached = rangeCache.get(values);
  if (cached !== undefined && (cached === null ? 0 : cached.length) === values.length) return cached;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = lo > hi ? null : { length: values.length, lo, hi };
  if (range !== null || values.length === 0) rangeCache.set(values, range);
  return range;
}

/** Rounded y bounds, so the frame (and the bulk layer) only change when the data leave them. */
function niceValueExtent(lo: number, hi: number): readonly [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  let span = hi - lo;
  if (span === 0) span = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const snap = (v: number): number => Number(v.toPrecision(12));
  return [snap(Math.floor((lo - span * 0.02) / step) * step), snap(Math.ceil((hi + span * 0.02) / step) * step)];
}

/** The x axis ends at the longest curve, rounded up to 5, 10, 25, 50 ... so it grows in steps, not every report. */
function niceIntervalMax(longest: number): number {
  if (longest <= 2) return 2;
  if (longest <= 10) return longest;
  for (const step of [5, 10, 25, 50, 100, 250, 500, 1000]) {
    if (longest <= step * 10) return Math.ceil(longest / step) * step;
  }
  return Math.ceil(longest / 1000) * 1000;
}

export function createMetricChart(container: HTMLElement, options: MetricChartOptions = {}): MetricChart {
  return new MetricChartImpl(container, options);
}
