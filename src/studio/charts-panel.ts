import { h, panel, replaceChildren } from './dom.js';
import { attachChartHelp } from './teach/chart-help.js';
import type { MetricChart } from './charts/types.js';
import type { ChartSelection, StudioChart } from './view-model/chart-data.js';
import type { SweepModel } from './view-model/sweep-model.js';

type ChartKind = 'metric' | 'best-so-far' | 'parallel' | 'scatter-2d' | 'scatter-3d';

const CHARTS: readonly { readonly kind: ChartKind; readonly title: string; readonly wide: boolean }[] = [
  { kind: 'metric', title: 'Metric curves', wide: true },
  { kind: 'parallel', title: 'Parallel coordinates', wide: true },
  { kind: 'scatter-2d', title: '2-D scatter', wide: false },
  { kind: 'scatter-3d', title: '3-D scatter', wide: false },
  { kind: 'best-so-far', title: 'Best so far', wide: false },
];

export interface ChartsPanelOptions {
  /** Runs picked on a chart (brushed range, clicked point). */
  readonly onSelect?: (selection: ChartSelection) => void;
}

/**
 * The sweep page's charts, loaded on first view (the chart library is large and a page of
 * history should not wait for it) and fed from the sweep model at most once per frame.
 */
export class ChartsPanel {
  readonly element: HTMLElement;
  private readonly slots = new Map<ChartKind, HTMLElement>();
  private readonly charts = new Map<ChartKind, StudioChart>();
  private highlighted: ReadonlySet<string> = new Set();
  private marked: number | null = null;
  private disposed = false;
  private readonly drawnVersion = new Map<ChartKind, number>();

  constructor(
    private readonly model: SweepModel,
    private readonly options: ChartsPanelOptions = {},
  ) {
    const sections = CHARTS.map(({ kind, title, wide }) => {
      const slot = h(
        'div',
        { className: 'chart-slot', attrs: { 'data-chart': kind } },
        h('p', { className: 'muted', text: 'Loading chart…' }),
      );
      this.slots.set(kind, slot);
      const id = `chart-${kind}-title`;
      const section = panel({ kind: `chart ${wide ? 'wide' : ''}`, titleId: id, title }, slot);
      attachChartHelp(section, kind, title);
      return section;
    });
    this.element = h('div', { className: 'charts' }, ...sections);
  }

  async mount(): Promise<void> {
    let module: typeof import('./charts/index.js');
    try {
      module = await import('./charts/index.js');
    } catch (error) {
      for (const slot of this.slots.values())
        replaceChildren(
          slot,
          h('p', {
            className: 'error',
            text: `The charts could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      return;
    }
    // Created side by side, each drawn the moment it exists: the 3-D scatter's WebGL start-up
    // (long on a software GPU) no longer holds back the curves, the table's neighbours.
    await Promise.all(
      CHARTS.map(async ({ kind }) => {
        const slot = this.slots.get(kind);
        if (slot === undefined || this.disposed) return;
        replaceChildren(slot);
        try {
          const chart = await module.createChart(kind, slot, {
            onSelect: (selection: ChartSelection) => this.options.onSelect?.(selection),
          });
          if (this.disposed) {
            chart.dispose();
            return;
          }
          this.charts.set(kind, chart);
          this.draw(kind, chart);
          chart.highlight(this.highlighted);
          if (marksIntervals(chart)) chart.markInterval(this.marked);
        } catch (error) {
          replaceChildren(
            slot,
            h('p', {
              className: 'error',
              text: `This chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
            }),
          );
        }
      }),
    );
  }

  /** Feeds every chart that has not drawn the model's current version. */
  update(): void {
    for (const [kind, chart] of this.charts) this.draw(kind, chart);
  }

  private draw(kind: ChartKind, chart: StudioChart): void {
    if (this.drawnVersion.get(kind) === this.model.version) return;
    this.drawnVersion.set(kind, this.model.version);
    chart.update(this.model.chartData());
  }

  highlight(runIds: ReadonlySet<string>): void {
    this.highlighted = runIds;
    for (const chart of this.charts.values()) chart.highlight(runIds);
  }

  /** Marks an interval on the metric curves (an opened stop decision); null removes the mark. */
  markInterval(interval: number | null): void {
    this.marked = interval;
    const chart = this.charts.get('metric');
    if (chart !== undefined && marksIntervals(chart)) chart.markInterval(interval);
  }

  dispose(): void {
    this.disposed = true;
    for (const chart of this.charts.values()) chart.dispose();
    this.charts.clear();
  }
}

/** The metric chart marks intervals; the others do not. */
function marksIntervals(chart: StudioChart): chart is StudioChart & Pick<MetricChart, 'markInterval'> {
  return 'markInterval' in chart && typeof chart.markInterval === 'function';
}
