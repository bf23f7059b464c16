// Timeline of runs on the workers: one bar per run from when it started training to when it
// ended, on the concurrency slot it occupied, coloured by the backend it trained on; the gaps
// between bars are drawn too, so a slot left idle (the sampler waiting, a worker starting, a
// slow store) shows as what it is.
import type { ChartData, ChartRun, StudioChart } from '../view-model/chart-data.js';
import { SlicedLayer } from './canvas-layer.js';
import { h, tooltipContent } from './dom.js';
import { axisStyle, textStyle } from './echarts-style.js';
import { FloatingTooltip } from './floating-tooltip.js';
import { formatNumber } from './format.js';
import { ChartLifecycle } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import { runTooltip, statusText } from './run-tooltip.js';
import { syncSize } from './shell.js';
import { withAlpha } from './theme.js';
import type { BaseChartOptions } from './types.js';

export interface TimelineChart extends StudioChart {
  readonly kind: 'timeline';
  /** The lanes and idle share last drawn (for tests and the bench). */
  summary(): TimelineSummary | null;
}

export interface TimelineBar {
  readonly run: ChartRun;
  readonly lane: number;
  readonly start: number;
  readonly end: number;
  /** Still training: `end` is now. */
  readonly open: boolean;
}

export interface TimelineGap {
  readonly lane: number;
  readonly start: number;
  readonly end: number;
}

export interface TimelineSummary {
  readonly lanes: number;
  readonly runs: number;
  /** From the first start to the last end (or now), ms. */
  readonly spanMs: number;
  /** Share of lane time with no run training, over the span. */
  readonly idleShare: number;
  readonly backends: readonly string[];
}

/** Gaps shorter than this are not drawn (a slot handed straight to the next run). */
const MIN_GAP_MS = 1;

/**
 * Places runs on lanes: by start time, each on the lowest lane free by then (a lane is one of
 * the `concurrency` slots; the runs a pool trains at once never need more). Gaps are each lane's
 * idle stretches between the first start and `until`.
 */
export function layoutTimeline(
  runs: readonly ChartRun[],
  concurrency: number,
  now: number,
): { bars: TimelineBar[]; gaps: TimelineGap[]; summary: TimelineSummary } {
  const started = runs
    .filter((r) => r.timing !== undefined && r.timing.startedAt !== null)
    .map((run) => {
      const timing = run.timing;
      const start = timing?.startedAt ?? 0;
      const open = timing?.endedAt === null || timing?.endedAt === undefined;
      return { run, start, end: Math.max(start, open ? now : (timing?.endedAt ?? start)), open };
    })
    .sort((a, b) => a.start - b.start || a.run.index - b.run.index);
  const laneEnds: number[] = [];
  const bars: TimelineBar[] = [];
  for (const item of started) {
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(item.end);
    } else laneEnds[lane] = item.end;
    bars.push({ ...item, lane });
  }
  const lanes = Math.max(laneEnds.length, bars.length === 0 ? 0 : concurrency);
  const first = started[0]?.start ?? 0;
  const last = bars.reduce((m, b) => Math.max(m, b.end), first);
  const gaps: TimelineGap[] = [];
  let busy = 0;
  for (let lane = 0; lane < lanes; lane++) {
    let cursor = first;
    for (const bar of bars) {
      if (bar.lane !== lane) continue;
      if (bar.start - cursor >= MIN_GAP_MS) gaps.push({ lane, start: cursor, end: bar.start });
      busy += bar.end - bar.start;
      cursor = Math.max(cursor, bar.end);
    }
    if (last - cursor >= MIN_GAP_MS) gaps.push({ lane, start: cursor, end: last });
  }
  const spanMs = last - first;
  const backends = [...new Set(bars.map((b) => b.run.timing?.backend ?? 'not reported'))].sort();
  return {
    bars,
    gaps,
    summary: {
      lanes,
      runs: bars.length,
      spanMs,
      idleShare: spanMs <= 0 || lanes === 0 ? 0 : Math.max(0, 1 - busy / (spanMs * lanes)),
      backends,
    },
  };
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 120
    ? `${formatNumber(Number(s.toFixed(s < 10 ? 2 : 1)))} s`
    : `${formatNumber(Number((s / 60).toFixed(1)))} min`;
}

/** One bar or idle gap as the layer draws it: a rectangle on a lane, with its style's key. */
interface TimelineItem {
  readonly id: string;
  readonly signature: string;
  readonly lane: number;
  /** ms since the first start. */
  readonly from: number;
  readonly to: number;
  readonly style: ItemStyle;
}

interface ItemStyle {
  readonly fill: string | null;
  readonly stroke: string;
  readonly lineWidth: number;
  readonly dash: readonly number[];
  readonly rounded: boolean;
}

/** Data (ms since the first start, lane) to stage pixels, read back from ECharts' grid. */
interface LaneTransform {
  readonly x0: number;
  readonly sx: number;
  /** Centre of lane 0 and the distance between lane centres (px). */
  readonly y0: number;
  readonly band: number;
  readonly key: string;
}

/**
 * ECharts draws the frame (axes, lane bands, labels); the bars and gaps are drawn on a canvas
 * layer (./canvas-layer.ts) and hit-tested here. As two custom series of 1000 items each, ECharts
 * built, styled and painted 2000 path elements on every redraw: a live sweep's redraw (once a
 * second while bars grow) cost 50-70 ms of main-thread CPU on an idle core, mostly in painting
 * them, and the panel's first render in a tab more. On the layer a redraw is a few rectangles per
 * millisecond, in slices, off the caller's task.
 */
class TimelineImpl extends ChartLifecycle implements TimelineChart {
  readonly kind = 'timeline' as const;
  private readonly echarts: EChartsType;
  private readonly layer = this.own(new SlicedLayer<TimelineItem>());
  private readonly tooltip: FloatingTooltip;
  private bars: TimelineBar[] = [];
  private gaps: TimelineGap[] = [];
  private origin = 0;
  private transform: LaneTransform | null = null;
  private last: TimelineSummary | null = null;
  private readonly legend: HTMLElement;
  private readonly sizes = { last: '', frame: '' };
  private readonly ticker: ReturnType<typeof setInterval>;
  private selectedHere = false;

  constructor(
    container: HTMLElement,
    private readonly options: BaseChartOptions,
  ) {
    super(container, 'timeline-plot', 'Timeline of runs on the workers');
    this.echarts = this.own(initChart(this.shell.plot));
    this.shell.stage.append(this.layer.canvas);
    this.tooltip = new FloatingTooltip(this.shell.stage);
    this.legend = h('p', { class: 'odc-legend', 'data-testid': 'timeline-legend' });
    this.shell.footer.append(this.legend);
    this.followPointer(() => this.updateHover());
    this.shell.stage.addEventListener('click', () => this.onClick());
    // Running bars grow with the clock, not only with new data.
    this.ticker = setInterval(() => {
      if (this.bars.some((b) => b.open)) this.scheduler.request('data');
    }, 1000);
    this.own({ dispose: () => clearInterval(this.ticker) });
    this.start(options.data);
  }

  summary(): TimelineSummary | null {
    return this.last;
  }

  protected override onInvalidate(): void {
    this.sizes.frame = '';
    this.layer.invalidate();
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const now = Date.now();
    const open = data?.runs.some((r) => r.timing?.startedAt !== null && r.timing?.endedAt === null) ?? false;
    let runsKey = '';
    for (const run of data?.runs ?? [])
      runsKey += `${run.id}:${run.timing?.startedAt}:${run.timing?.endedAt}:${run.timing?.backend}:${run.status};`;
    const key = `${runsKey}|${open ? Math.floor(now / 1000) : ''}|${this.highlightKey}|${width}|${this.revision}`;
    if (this.upToDate(key)) return;
    if (data !== null) this.shell.markDrawn(data.version);
    const layout = layoutTimeline(data?.runs ?? [], data?.concurrency ?? 1, now);
    this.bars = layout.bars;
    this.gaps = layout.gaps;
    this.last = layout.summary;
    if (layout.bars.length === 0) {
      this.legend.textContent = '';
      this.transform = null;
      this.tooltip.hide();
      this.layer.clear();
      this.shell.setEmpty(
        'No run has started yet. Each run becomes a bar from its start to its end, on the worker slot it used.',
      );
      return;
    }
    this.shell.setEmpty(null);
    // One row per slot, readable however many slots the sweep ran with.
    const height = Math.max(200, layout.summary.lanes * 22 + 70);
    this.shell.stage.style.height = `${height}px`;
    syncSize(this.echarts, this.sizes, width, height);
    const theme = this.shell.theme;
    const palette = [theme.accent, theme.ok, theme.warn, theme.muted];
    const colorOf = (backend: string): string =>
      palette[layout.summary.backends.indexOf(backend) % palette.length] ?? theme.accent;
    this.origin = layout.bars[0]?.start ?? 0;
    const lanes = layout.summary.lanes;
    const span = Math.max(1, layout.summary.spanMs);
    const axis = axisStyle(theme);
    const option: PanelOption = {
      animation: false,
      textStyle: textStyle(theme),
      grid: { left: 64, right: 20, top: 12, bottom: 44, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'value',
        min: 0,
        max: span,
        name: 'time since the first run started',
        nameLocation: 'middle',
        nameGap: 28,
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => seconds(v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: Array.from({ length: lanes }, (_, i) => `slot ${i + 1}`),
        ...axis,
        splitLine: { show: false },
        splitArea: { show: true, areaStyle: { color: [withAlpha(theme.line, 0.15), 'rgba(0, 0, 0, 0)'] } },
      },
      series: [],
    };
    // Synchronously, so the grid's mapping can be read back for the layer at once.
    this.echarts.setOption(option, { notMerge: true, lazyUpdate: false });
    const transform = this.readTransform(span, lanes, height);
    this.transform = transform;
    if (transform === null) return;
    const styles = new Map<string, ItemStyle>();
    const styleOf = (key: string, make: () => ItemStyle): ItemStyle => {
      let style = styles.get(key);
      if (style === undefined) {
        style = make();
        styles.set(key, style);
      }
      return style;
    };
    const gapStyle: ItemStyle = {
      fill: null,
      stroke: withAlpha(theme.muted, 0.7),
      lineWidth: 1,
      dash: [2, 3],
      rounded: false,
    };
    const items: TimelineItem[] = this.gaps.map((g) => ({
      id: `gap:${g.lane}:${g.start}`,
      signature: String(g.end),
      lane: g.lane,
      from: g.start - this.origin,
      to: g.end - this.origin,
      style: gapStyle,
    }));
    const dimmed = this.highlighted.size > 0;
    for (const bar of this.bars) {
      const backend = bar.run.timing?.backend ?? 'not reported';
      const lit = this.highlighted.has(bar.run.id);
      const failed = bar.run.status === 'Failed';
      const alpha = bar.run.terminated ? 0.45 : dimmed && !lit ? 0.35 : 0.9;
      const style = styleOf(`${backend}|${alpha}|${failed}|${lit}|${bar.open}`, () => ({
        fill: withAlpha(colorOf(backend), alpha),
        stroke: failed ? theme.bad : lit ? theme.fg : withAlpha(theme.bg, 0.9),
        lineWidth: failed || lit ? 2 : 1,
        dash: bar.open ? [4, 3] : [],
        rounded: true,
      }));
      // Lit bars last, so their edge is never covered by a neighbour's.
      items.push({
        id: bar.run.id,
        signature: `${bar.lane}:${bar.start}:${bar.end}:${alpha}:${failed}:${lit}:${bar.open}:${backend}`,
        lane: bar.lane,
        from: bar.start - this.origin,
        to: bar.end - this.origin,
        style,
      });
    }
    const layerKey = `${transform.key}|${theme.scheme}|${theme.bg}|${theme.fg}|${this.highlightKey}|${this.revision}`;
    this.layer.render(
      items,
      layerKey,
      { prepare: () => {}, draw: (ctx, item) => drawItem(ctx, transform, item) },
      width,
      height,
    );
    const swatches = layout.summary.backends.map((backend) => {
      const swatch = h('span', { class: 'odc-swatch', 'aria-hidden': 'true' });
      // Through the CSSOM: the Content-Security-Policy refuses style="..." markup.
      swatch.style.background = colorOf(backend);
      return h('span', { class: 'odc-legend-item' }, swatch, backend);
    });
    const idle = `${Math.round(layout.summary.idleShare * 100)}% of slot time idle (dashed outlines)`;
    this.legend.replaceChildren(
      ...swatches,
      h('span', { class: 'odc-legend-item', 'data-testid': 'timeline-idle' }, idle),
      h('span', { class: 'odc-legend-item' }, 'faded: stopped early · red edge: failed'),
    );
    this.shell.setLabel(
      `Timeline of ${layout.summary.runs} runs on ${lanes} worker slots over ${seconds(layout.summary.spanMs)}; backends ${layout.summary.backends.join(', ')}; ${idle}.`,
    );
    this.updateHover();
  }

  /** The grid's mapping: x from time 0 and `span`, lane centres from the first and last category. */
  private readTransform(span: number, lanes: number, height: number): LaneTransform | null {
    const a = this.echarts.convertToPixel({ gridIndex: 0 }, [0, 0]);
    const b = this.echarts.convertToPixel({ gridIndex: 0 }, [span, Math.max(0, lanes - 1)]);
    const [ax, ay] = a;
    const [bx, by] = b;
    if (ax === undefined || ay === undefined || bx === undefined || by === undefined) return null;
    // One lane fills the grid's height (top 12, bottom 44 as laid out above).
    const band = lanes > 1 ? (by - ay) / (lanes - 1) : height - 56;
    const sx = (bx - ax) / span;
    return { x0: ax, sx, y0: ay, band, key: [ax, sx, ay, band].map((v) => v.toFixed(3)).join(',') };
  }

  /** What is under the pointer: a bar, else an idle gap, on the lane at its height. */
  private itemAt(x: number, y: number): { readonly bar: TimelineBar } | { readonly gap: TimelineGap } | null {
    const t = this.transform;
    if (t === null || t.band === 0) return null;
    // The whole band of a lane answers for it, not only the bar's 70 %: easier to point at.
    const lane = Math.round((y - t.y0) / t.band);
    if (lane < 0 || lane >= (this.last?.lanes ?? 0)) return null;
    const at = (x - t.x0) / t.sx + this.origin;
    // A bar is at least 1.5 px wide on screen: so is its target.
    const slack = 1.5 / Math.max(1e-9, Math.abs(t.sx));
    for (let i = this.bars.length - 1; i >= 0; i--) {
      const bar = this.bars[i];
      if (bar !== undefined && bar.lane === lane && at >= bar.start - slack && at <= bar.end + slack) return { bar };
    }
    const gap = this.gaps.find((g) => g.lane === lane && at >= g.start && at <= g.end);
    return gap === undefined ? null : { gap };
  }

  private updateHover(): void {
    const pointer = this.pointer;
    const hit = pointer === null ? null : this.itemAt(pointer.x, pointer.y);
    if (pointer === null || hit === null || this.data === null) {
      this.tooltip.hide();
      return;
    }
    this.tooltip.show(
      'bar' in hit ? this.barTooltip(hit.bar, this.data) : this.gapTooltip(hit.gap),
      pointer.x,
      pointer.y,
    );
  }

  /** A click on a bar selects its run; on the background it clears a selection made here. */
  private onClick(): void {
    const pointer = this.pointer;
    const hit = pointer === null ? null : this.itemAt(pointer.x, pointer.y);
    if (hit !== null && 'bar' in hit) {
      this.selectedHere = true;
      this.options.onSelect?.({ kind: 'runs', runIds: new Set([hit.bar.run.id]) });
    } else if (hit === null && this.selectedHere) {
      this.selectedHere = false;
      this.options.onSelect?.({ kind: 'clear' });
    }
  }

  private gapTooltip(gap: TimelineGap): HTMLElement {
    return tooltipContent({
      title: `Slot ${gap.lane + 1} idle`,
      rows: [
        ['for', seconds(gap.end - gap.start)],
        ['from', seconds(gap.start - this.origin)],
      ],
    });
  }

  private barTooltip(bar: TimelineBar, data: ChartData): HTMLElement {
    const timing = bar.run.timing;
    return runTooltip(bar.run, data, {
      lead: [
        ['slot', String(bar.lane + 1)],
        ['backend', timing?.backend ?? 'not reported'],
        ...(timing?.worker === null || timing?.worker === undefined
          ? []
          : ([['worker', String(timing.worker)]] as const)),
        ['started', `${seconds(bar.start - this.origin)}`],
        ['trained for', `${seconds(bar.end - bar.start)}${bar.open ? ' so far' : ''}`],
        ['outcome', statusText(bar.run)],
      ],
    });
  }
}

/** One bar (filled, rounded, edged) or gap (dashed outline) at 70 % of its lane's height. */
function drawItem(ctx: CanvasRenderingContext2D, t: LaneTransform, item: TimelineItem): void {
  const tall = Math.abs(t.band) * 0.7;
  const x = t.x0 + item.from * t.sx;
  const y = t.y0 + item.lane * t.band - tall / 2;
  const { style } = item;
  const w = style.fill === null ? (item.to - item.from) * t.sx : Math.max(1.5, (item.to - item.from) * t.sx);
  ctx.beginPath();
  if (style.rounded) ctx.roundRect(x, y, w, tall, Math.min(2, w / 2));
  else ctx.rect(x, y, w, tall);
  if (style.fill !== null) {
    ctx.fillStyle = style.fill;
    ctx.fill();
  }
  ctx.setLineDash(style.dash as number[]);
  ctx.strokeStyle = style.stroke;
  ctx.lineWidth = style.lineWidth;
  ctx.stroke();
}

export function createTimeline(container: HTMLElement, options: BaseChartOptions = {}): TimelineChart {
  return new TimelineImpl(container, options);
}
