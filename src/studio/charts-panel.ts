import { ChartSet, type ChartSpec } from './chart-set.js';
import { h } from './dom.js';
import { attachChartHelp } from './teach/chart-help.js';
import type { MetricChart } from './charts/types.js';
import type { ChartSelection, StudioChart } from './view-model/chart-data.js';
import type { SweepModel } from './view-model/sweep-model.js';

type ChartKind = 'metric' | 'best-so-far' | 'parallel' | 'scatter-2d' | 'scatter-3d';

const CHARTS: readonly ChartSpec<ChartKind>[] = [
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
  private readonly set: ChartSet<ChartKind>;
  private marked: number | null = null;

  constructor(
    model: SweepModel,
    private readonly options: ChartsPanelOptions = {},
  ) {
    this.set = new ChartSet(
      model,
      CHARTS,
      { slotAttribute: 'data-chart', noun: 'chart', loading: 'Loading chart…' },
      (section, { kind, title }) => attachChartHelp(section, kind, title),
    );
    this.element = h('div', { className: 'charts' }, ...this.set.sections);
  }

  async mount(): Promise<void> {
    const module = await this.set.load(() => import('./charts/index.js'));
    if (module === null) return;
    // Created side by side, each drawn the moment it exists: the 3-D scatter's WebGL start-up
    // (long on a software GPU) no longer holds back the curves, the table's neighbours.
    await Promise.all(
      CHARTS.map(async ({ kind }) => {
        const chart = await this.set.mount(kind, (slot) =>
          module.createChart(kind, slot, {
            onSelect: (selection: ChartSelection) => this.options.onSelect?.(selection),
          }),
        );
        if (chart !== null && marksIntervals(chart)) chart.markInterval(this.marked);
      }),
    );
  }

  /**
   * Resolves once every chart has drawn a first picture (its root carries `data-version`), a
   * chart slot shows an error instead, or after `timeoutMs`, whichever is first. What waits on
   * it (the analysis panels' code and warm-up) would otherwise take the main thread between the
   * charts' first frames and hold them back.
   */
  whenDrawn(timeoutMs: number): Promise<void> {
    const done = (): boolean =>
      CHARTS.every(({ kind }) => {
        const slot = this.element.querySelector(`[data-chart="${kind}"]`);
        return slot === null || slot.querySelector('[data-version], .error') !== null;
      });
    return new Promise((resolve) => {
      if (done()) {
        resolve();
        return;
      }
      const observer = new MutationObserver(() => {
        if (!done()) return;
        finish();
      });
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = (): void => {
        observer.disconnect();
        clearTimeout(timer);
        resolve();
      };
      observer.observe(this.element, { subtree: true, childList: true, attributeFilter: ['data-version'] });
    });
  }

  /** Feeds every chart that has not drawn the model's current version. */
  update(): void {
    this.set.update();
  }

  highlight(runIds: ReadonlySet<string>): void {
    this.set.highlight(runIds);
  }

  /** Marks an interval on the metric curves (an opened stop decision); null removes the mark. */
  markInterval(interval: number | null): void {
    this.marked = interval;
    const chart = this.set.get('metric');
    if (chart !== undefined && marksIntervals(chart)) chart.markInterval(interval);
  }

  dispose(): void {
    this.set.dispose();
  }
}

/** The metric chart marks intervals; the others do not. */
function marksIntervals(chart: StudioChart): chart is StudioChart & Pick<MetricChart, 'markInterval'> {
  return 'markInterval' in chart && typeof chart.markInterval === 'function';
}
