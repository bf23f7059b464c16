// Best so far: the best primary metric (per goal) among runs 1..n against run number n, as a
// step line, over each run's own best as points. Runs that set a new record are emphasised.
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { h } from './dom.js';
import { initChart, type ChartOption, type EChartsType } from './echarts-setup.js';
import { metricAxis, STEP_CHART_GRID, stepAxis, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, runLabel } from './format.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { runTooltip } from './run-tooltip.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { withAlpha } from './theme.js';
import type { BestSoFarChart, BestSoFarOptions } from './types.js';

// The "×" of an early-stopped run, as an SVG path (zrender parses it; nothing is evaluated).
const CROSS = 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z';

interface Point {
  readonly run: ChartRun;
  readonly value: number;
  readonly bestSoFar: number;
  readonly record: boolean;
}

class BestSoFarImpl extends ChartLifecycle implements BestSoFarChart {
  readonly kind = 'best-so-far' as const;
  private readonly echarts: EChartsType;
  /** Points per scatter series (series 1..4), to map a dataIndex back to a run. */
  private seriesPoints: Point[][] = [];
  private steps: Array<{ run: ChartRun; bestSoFar: number }> = [];
  private readonly sizes = { last: '', frame: '' };

  constructor(container: HTMLElement, options: BestSoFarOptions) {
    super(container, 'best-so-far', 'Best so far');
    this.echarts = this.own(initChart(this.shell.plot));
    selectOnClick(this.echarts, (params) => this.pointAt(params)?.run, options.onSelect);
    this.start(options.data);
  }

  protected draw(): void {
    const data = this.data;
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    if (this.upToDate(`${contentKey(data)}|${this.highlightKey}|${width}x${height}|${this.revision}`)) return;
    if (data === null || data.runs.length === 0) {
      this.shell.setEmpty('No runs yet. The best primary metric so far is drawn here against run number.');
      this.renderLegend(null);
      if (data !== null) this.shell.markDrawn(data.version);
      return;
    }
    this.shell.markDrawn(data.version);
    const maximize = data.goal === 'MAXIMIZE';
    const points: Point[] = [];
    this.steps = [];
    let best: number | null = null;
    for (const run of data.runs) {
      const value = run.best;
      let record = false;
      if (value !== null && Number.isFinite(value) && (best === null || (maximize ? value > best : value < best))) {
        best = value;
        record = true;
      }
      if (best !== null) this.steps.push({ run, bestSoFar: best });
      if (value !== null && Number.isFinite(value) && best !== null)
        points.push({ run, value, bestSoFar: best, record });
    }
    if (points.length === 0) {
      this.shell.setEmpty(`No run has reported “${data.primaryMetric}” yet.`);
      this.renderLegend(null);
      return;
    }
    this.shell.setEmpty(null);
    this.renderLegend(data);
    syncSize(this.echarts, this.sizes, width, height);
    applyOption(
      this.echarts,
      this.sizes,
      JSON.stringify([width, height, this.revision, data.primaryMetric, data.goal]),
      this.option(data, points, width),
    );
    const last = this.steps[this.steps.length - 1];
    const recordRun = [...points].reverse().find((p) => p.record);
    this.shell.setLabel(
      `Best so far: ${data.primaryMetric} ${last === undefined ? '' : formatNumber(last.bestSoFar)} after ${data.runs.length} runs` +
        `${recordRun === undefined ? '' : `, set by ${runLabel(recordRun.run.index)}`}.`,
    );
  }

  private renderLegend(data: ChartData | null): void {
    if (data === null) {
      this.shell.footer.replaceChildren();
      return;
    }
    const theme = this.shell.theme;
    const swatch = (color: string, shape: 'dot' | 'line' | 'cross'): HTMLElement => {
      const el = h('span', { class: shape === 'line' ? 'odc-key' : 'odc-swatch', 'aria-hidden': 'true' });
      if (shape === 'line') el.style.color = color;
      else if (shape === 'cross') {
        el.textContent = '×';
        el.style.color = color;
        el.style.width = 'auto';
        el.style.height = 'auto';
        el.style.fontWeight = '700';
      } else el.style.background = color;
      return el;
    };
    const item = (el: HTMLElement, text: string): HTMLElement =>
      h('li', {}, h('span', { class: 'odc-legend-item' }, el, text));
    const list = h(
      'ul',
      { class: 'odc-legend', 'aria-label': 'Legend' },
      item(
        swatch(theme.accent, 'line'),
        `Best ${data.primaryMetric} so far (${data.goal === 'MAXIMIZE' ? 'higher' : 'lower'} is better)`,
      ),
      item(swatch(theme.accent, 'dot'), 'New best'),
      item(swatch(withAlpha(theme.muted, 0.8), 'dot'), 'Run'),
      item(swatch(withAlpha(theme.muted, 0.8), 'cross'), 'Stopped early'),
    );
    this.shell.footer.replaceChildren(list);
  }

  private option(data: ChartData, points: readonly Point[], width: number): ChartOption {
    const theme = this.shell.theme;
    const n = data.runs.length;
    const faded = this.highlighted.size > 0 ? 0.3 : 1;
    const size = n <= 50 ? 9 : n <= 300 ? 7 : 5;
    const plain = points.filter((p) => !p.record && !p.run.terminated);
    const stopped = points.filter((p) => !p.record && p.run.terminated);
    const records = points.filter((p) => p.record);
    const emphasised = points.filter((p) => this.highlighted.has(p.run.id));
    this.seriesPoints = [plain, stopped, records, emphasised];
    const scatter = (rows: readonly Point[], extra: ScatterSeriesOption): ScatterSeriesOption => ({
      type: 'scatter',
      data: rows.map((p) => [p.run.index + 1, p.value]),
      animation: false,
      progressive: 0,
      // Many points: one path per series instead of one element per point.
      large: data.runs.length > 300,
      largeThreshold: 300,
      emphasis: { scale: 1.5 },
      ...extra,
    });
    const step: LineSeriesOption = {
      type: 'line',
      step: 'end',
      data: this.steps.map((s) => [s.run.index + 1, s.bestSoFar]),
      showSymbol: false,
      silent: true,
      animation: false,
      z: 1,
      lineStyle: { color: theme.accent, width: 2.25, opacity: faded === 1 ? 1 : 0.6 },
      areaStyle: { color: withAlpha(theme.accent, 0.07), origin: data.goal === 'MAXIMIZE' ? 'start' : 'end' },
    };
    return {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) => this.tooltip(params)),
      grid: STEP_CHART_GRID,
      xAxis: stepAxis(theme, 'Run', Math.max(2, n)),
      yAxis: metricAxis(theme, data.primaryMetric, width, { scale: true }),
      series: [
        step,
        scatter(plain, { symbolSize: size, z: 2, itemStyle: { color: withAlpha(theme.muted, 0.55 * faded) } }),
        scatter(stopped, {
          symbol: CROSS,
          symbolSize: size,
          z: 2,
          itemStyle: { color: withAlpha(theme.muted, 0.7 * faded) },
        }),
        scatter(records, {
          symbolSize: size + 3,
          z: 3,
          itemStyle: { color: theme.accent, opacity: faded, borderColor: theme.bg, borderWidth: 1.5 },
        }),
        scatter(emphasised, {
          symbolSize: size + 6,
          z: 4,
          itemStyle: { color: theme.accent, borderColor: theme.fg, borderWidth: 2 },
        }),
      ],
    };
  }

  private pointAt(params: unknown): Point | undefined {
    return entryAt(this.seriesPoints, params, 1);
  }

  private tooltip(params: unknown): HTMLElement | string {
    const point = this.pointAt(params);
    const data = this.data;
    if (point === undefined || data === null) return '';
    return runTooltip(point.run, data, {
      swatch: point.record ? this.shell.theme.accent : this.shell.theme.muted,
      lead: [
        [
          `best so far after ${runLabel(point.run.index)}`,
          `${formatNumber(point.bestSoFar)}${point.record ? ' (new best)' : ''}`,
        ],
      ],
    });
  }
}

export function createBestSoFar(container: HTMLElement, options: BestSoFarOptions = {}): BestSoFarChart {
  return new BestSoFarImpl(container, options);
}
