// Timeline of runs on the workers: one bar per run from when it started training to when it
// ended, on the concurrency slot it occupied, coloured by the backend it trained on; the gaps
// between bars are drawn too, so a slot left idle (the sampler waiting, a worker starting, a
// slow store) shows as what it is.
import type { CustomSeriesRenderItem } from 'echarts';
import type { ChartRun, StudioChart } from '../view-model/chart-data.js';
import { h, tooltipContent } from './dom.js';
import { axisStyle, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber } from './format.js';
import { ChartLifecycle, selectOnClick } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import { runTooltip, statusText } from './run-tooltip.js';
import { applyOption, syncSize } from './shell.js';
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

/** Bars (and idle gaps) drawn per animation frame once there are more than 1.5 times as many. */
const PROGRESSIVE_CHUNK = 100;

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

class TimelineImpl extends ChartLifecycle implements TimelineChart {
  readonly kind = 'timeline' as const;
  private readonly echarts: EChartsType;
  private bars: TimelineBar[] = [];
  private gaps: TimelineGap[] = [];
  private last: TimelineSummary | null = null;
  private readonly legend: HTMLElement;
  private readonly sizes = { last: '', frame: '' };
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(container: HTMLElement, options: BaseChartOptions) {
    super(container, 'timeline-plot', 'Timeline of runs on the workers');
    this.echarts = this.own(initChart(this.shell.plot));
    this.legend = h('p', { class: 'odc-legend', 'data-testid': 'timeline-legend' });
    this.shell.footer.append(this.legend);
    selectOnClick(this.echarts, (params) => this.barAt(params)?.run, options.onSelect);
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

  private barAt(params: unknown): TimelineBar | undefined {
    const record = params as { seriesIndex?: unknown; dataIndex?: unknown };
    if (record.seriesIndex !== 1 || typeof record.dataIndex !== 'number') return undefined;
    return this.bars[record.dataIndex];
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
    const origin = layout.bars[0]?.start ?? 0;
    const axis = axisStyle(theme);
    const lanes = layout.summary.lanes;
    const laneHeight = (api: Parameters<CustomSeriesRenderItem>[1]): number =>
      Math.abs((api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 20);
    const renderBar: CustomSeriesRenderItem = (params, api) => {
      const bar = this.bars[params.dataIndex];
      if (bar === undefined) return null;
      const from = api.coord([api.value(1), api.value(0)]);
      const to = api.coord([api.value(2), api.value(0)]);
      const tall = laneHeight(api) * 0.7;
      const backend = bar.run.timing?.backend ?? 'not reported';
      const lit = this.highlighted.has(bar.run.id);
      const failed = bar.run.status === 'Failed';
      return {
        type: 'rect',
        shape: {
          x: from[0] ?? 0,
          y: (from[1] ?? 0) - tall / 2,
          width: Math.max(1.5, (to[0] ?? 0) - (from[0] ?? 0)),
          height: tall,
          r: 2,
        },
        style: {
          fill: withAlpha(colorOf(backend), bar.run.terminated ? 0.45 : this.highlighted.size > 0 && !lit ? 0.35 : 0.9),
          stroke: failed ? theme.bad : lit ? theme.fg : withAlpha(theme.bg, 0.9),
          lineWidth: failed || lit ? 2 : 1,
          ...(bar.open ? { lineDash: [4, 3] } : {}),
        },
      };
    };
    const renderGap: CustomSeriesRenderItem = (_params, api) => {
      const from = api.coord([api.value(1), api.value(0)]);
      const to = api.coord([api.value(2), api.value(0)]);
      const tall = laneHeight(api) * 0.7;
      return {
        type: 'rect',
        shape: { x: from[0] ?? 0, y: (from[1] ?? 0) - tall / 2, width: (to[0] ?? 0) - (from[0] ?? 0), height: tall },
        style: { fill: 'transparent', stroke: withAlpha(theme.muted, 0.7), lineWidth: 1, lineDash: [2, 3] },
      };
    };
    const option: PanelOption = {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) => this.tooltip(params, origin)),
      grid: { left: 64, right: 20, top: 12, bottom: 44, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'value',
        min: 0,
        max: Math.max(1, layout.summary.spanMs),
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
      series: [
        {
          type: 'custom',
          data: this.gaps.map((g) => [g.lane, g.start - origin, g.end - origin]),
          renderItem: renderGap,
          encode: { x: [1, 2], y: 0 },
          animation: false,
          // Drawn in chunks across frames: a bar per run at 1000 runs is too much for one task, and
          // so were chunks of 300 (each bar is a path ECharts builds, styles and paints).
          progressive: PROGRESSIVE_CHUNK,
          progressiveThreshold: PROGRESSIVE_CHUNK * 1.5,
          z: 1,
        },
        {
          type: 'custom',
          data: this.bars.map((b) => [b.lane, b.start - origin, b.end - origin]),
          renderItem: renderBar,
          encode: { x: [1, 2], y: 0 },
          animation: false,
          // Drawn in chunks across frames: a bar per run at 1000 runs is too much for one task, and
          // so were chunks of 300 (each bar is a path ECharts builds, styles and paints).
          progressive: PROGRESSIVE_CHUNK,
          progressiveThreshold: PROGRESSIVE_CHUNK * 1.5,
          z: 2,
        },
      ],
    };
    applyOption(this.echarts, this.sizes, JSON.stringify([lanes, width, height, this.revision]), option);
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
  }

  private tooltip(params: unknown, origin: number): HTMLElement | string {
    const record = params as { seriesIndex?: unknown; dataIndex?: unknown };
    if (typeof record.dataIndex !== 'number') return '';
    if (record.seriesIndex === 0) {
      const gap = this.gaps[record.dataIndex];
      if (gap === undefined) return '';
      return tooltipContent({
        title: `Slot ${gap.lane + 1} idle`,
        rows: [
          ['for', seconds(gap.end - gap.start)],
          ['from', seconds(gap.start - origin)],
        ],
      });
    }
    const bar = this.barAt(params);
    if (bar === undefined || this.data === null) return '';
    const timing = bar.run.timing;
    return runTooltip(bar.run, this.data, {
      lead: [
        ['slot', String(bar.lane + 1)],
        ['backend', timing?.backend ?? 'not reported'],
        ...(timing?.worker === null || timing?.worker === undefined
          ? []
          : ([['worker', String(timing.worker)]] as const)),
        ['started', `${seconds(bar.start - origin)}`],
        ['trained for', `${seconds(bar.end - bar.start)}${bar.open ? ' so far' : ''}`],
        ['outcome', statusText(bar.run)],
      ],
    });
  }
}

export function createTimeline(container: HTMLElement, options: BaseChartOptions = {}): TimelineChart {
  return new TimelineImpl(container, options);
}
