// The empirical distribution of the primary metric across runs: the fraction of runs whose best
// value is at most x (an ECDF step line, one point per run), for one sweep or several side by
// side when comparing. Unlike a histogram it needs no bin width, and curves of sweeps with very
// different run counts stay comparable (each rises from 0 to 1).
import type { LineSeriesOption } from 'echarts/charts';
import type { ChartData, ChartRun, StudioChart } from '../view-model/chart-data.js';
import { h } from './dom.js';
import { axisStyle, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { ChartLifecycle, entryAt, selectOnClick } from './lifecycle.js';
import { initChart, type EChartsType, type PanelOption } from './panel-echarts.js';
import { runTooltip } from './run-tooltip.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import type { BaseChartOptions } from './types.js';

/** One sweep's runs, labelled for the legend. */
export interface DistributionSet {
  readonly label: string;
  readonly data: ChartData;
}

export interface DistributionChart extends StudioChart {
  readonly kind: 'distribution';
  /**
   * Draws several sweeps' distributions together (a compare page); their primary metrics
   * should be the same metric. `update` goes back to one sweep.
   */
  compare(sets: readonly DistributionSet[]): void;
}

/** The ECDF of finite best values: sorted values and, per value, the fraction of runs at or below it. */
export function ecdf(runs: readonly ChartRun[]): { readonly runs: ChartRun[]; readonly points: [number, number][] } {
  const kept = runs.filter((r) => r.best !== null && Number.isFinite(r.best));
  kept.sort((a, b) => (a.best as number) - (b.best as number));
  const n = kept.length;
  return { runs: kept, points: kept.map((r, i) => [r.best as number, (i + 1) / n]) };
}

class DistributionImpl extends ChartLifecycle implements DistributionChart {
  readonly kind = 'distribution' as const;
  private readonly echarts: EChartsType;
  private sets: readonly DistributionSet[] | null = null;
  private seriesRuns: ChartRun[][] = [];
  private readonly legend: HTMLElement;
  private readonly sizes = { last: '', frame: '' };

  constructor(container: HTMLElement, options: BaseChartOptions) {
    super(container, 'distribution-plot', 'Distribution of the primary metric');
    this.echarts = this.own(initChart(this.shell.plot));
    this.legend = h('p', { class: 'odc-legend', 'data-testid': 'distribution-legend' });
    this.shell.footer.append(this.legend);
    selectOnClick(this.echarts, (params) => entryAt(this.seriesRuns, params), options.onSelect);
    this.start(options.data);
  }

  override update(data: ChartData): void {
    this.sets = null;
    super.update(data);
  }

  compare(sets: readonly DistributionSet[]): void {
    this.sets = sets;
    const first = sets[0];
    if (first !== undefined) super.update(first.data);
    this.scheduler.request('now');
  }

  protected draw(): void {
    const sets = this.sets ?? (this.data === null ? [] : [{ label: 'This sweep', data: this.data }]);
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const key = `${sets.map((s) => `${s.label}\u0001${contentKey(s.data)}`).join('\u0002')}|${this.highlightKey}|${width}x${height}|${this.revision}`;
    if (this.upToDate(key)) return;
    const curves = sets.map((s) => ({ label: s.label, data: s.data, ...ecdf(s.data.runs) }));
    if (this.data !== null) this.shell.markDrawn(this.data.version);
    if (curves.every((c) => c.points.length === 0)) {
      this.legend.textContent = '';
      this.shell.setEmpty('No run has logged the primary metric yet. This shows how the runs’ results are spread.');
      return;
    }
    this.shell.setEmpty(null);
    syncSize(this.echarts, this.sizes, width, height);
    const theme = this.shell.theme;
    const palette = [theme.accent, theme.warn, theme.ok, theme.bad, theme.muted, theme.fg];
    const axis = axisStyle(theme);
    const metric = sets[0]?.data.primaryMetric ?? '';
    const series: LineSeriesOption[] = [];
    this.seriesRuns = [];
    curves.forEach((curve, i) => {
      const color = palette[i % palette.length] ?? theme.accent;
      const lit = this.highlighted.size > 0;
      series.push({
        type: 'line',
        name: curve.label,
        step: 'end',
        data: curve.points,
        showSymbol: curve.points.length <= 400,
        // Beyond 400 points there are no symbols to hover or click, and more points than pixels
        // across: drawn down-sampled (largest-triangle), the curve looks the same and its layout
        // and paint no longer grow with the runs.
        ...(curve.points.length > 400 ? { sampling: 'lttb' as const } : {}),
        symbolSize: 5,
        animation: false,
        lineStyle: { color, width: 2, opacity: lit ? 0.5 : 1 },
        itemStyle: { color },
      });
      this.seriesRuns.push(curve.runs);
    });
    // Highlighted runs of the first sweep as large points on its curve.
    const first = curves[0];
    const marked: [number, number][] = [];
    const markedRuns: ChartRun[] = [];
    first?.runs.forEach((run, i) => {
      if (!this.highlighted.has(run.id)) return;
      const point = first.points[i];
      if (point === undefined) return;
      marked.push(point);
      markedRuns.push(run);
    });
    series.push({
      type: 'line',
      data: marked,
      showSymbol: true,
      symbolSize: 11,
      lineStyle: { opacity: 0 },
      itemStyle: { color: theme.accent, borderColor: theme.fg, borderWidth: 2 },
      animation: false,
      z: 4,
    });
    this.seriesRuns.push(markedRuns);
    const option: PanelOption = {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) => this.tooltip(params)),
      grid: { left: 48, right: 20, top: 16, bottom: 44, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'value',
        scale: true,
        name: truncate(metric, Math.max(12, Math.floor(width / 8))),
        nameLocation: 'middle',
        nameGap: 28,
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'fraction of runs ≤ x',
        nameLocation: 'middle',
        nameGap: 36,
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => `${Math.round(v * 100)}%` },
      },
      series,
    };
    applyOption(this.echarts, this.sizes, JSON.stringify([curves.length, width, height, this.revision]), option);
    this.legend.replaceChildren(
      ...curves.map((c, i) => {
        const values = c.points.map((p) => p[0]);
        const median = values.length === 0 ? null : (values[Math.floor((values.length - 1) / 2)] ?? null);
        // Through the CSSOM: the Content-Security-Policy refuses style="..." markup.
        const swatch = h('span', { class: 'odc-swatch', 'aria-hidden': 'true' });
        swatch.style.background = palette[i % palette.length] ?? theme.accent;
        return h(
          'span',
          { class: 'odc-legend-item' },
          swatch,
          `${c.label}: ${values.length} runs${median === null ? '' : `, median ${formatNumber(median)}`}`,
        );
      }),
    );
    this.shell.setLabel(
      `Empirical distribution of ${metric}: ${curves.map((c) => `${c.label} ${c.points.length} runs`).join('; ')}.`,
    );
  }

  private tooltip(params: unknown): HTMLElement | string {
    const run = entryAt(this.seriesRuns, params);
    const record = params as { seriesIndex?: number; value?: unknown };
    const set = (this.sets ?? (this.data === null ? [] : [{ label: 'This sweep', data: this.data }]))[
      Math.min(record.seriesIndex ?? 0, (this.sets?.length ?? 1) - 1)
    ];
    if (run === undefined || set === undefined) return '';
    const value = Array.isArray(record.value) ? Number(record.value[1]) : Number.NaN;
    return runTooltip(run, set.data, {
      lead: [
        ['sweep', set.label],
        ['runs at or below', `${Math.round(value * 100)}%`],
      ],
    });
  }
}

export function createDistribution(container: HTMLElement, options: BaseChartOptions = {}): DistributionChart {
  return new DistributionImpl(container, options);
}
