import { h, panel, replaceChildren } from './dom.js';
import type { StudioChart } from './view-model/chart-data.js';
import type { SweepModel } from './view-model/sweep-model.js';

/** One chart of a set: its kind, its title, and whether it spans the row. */
export interface ChartSpec<K extends string> {
  readonly kind: K;
  readonly title: string;
  readonly wide: boolean;
}

/** How a set names itself in the page: the slot attribute and the words of its messages. */
export interface ChartSetText {
  /** The slot's attribute naming its kind (`data-chart`, `data-panel`): tests and the bench find slots by it. */
  readonly slotAttribute: string;
  /** 'chart' or 'panel', as in "This chart could not be drawn". */
  readonly noun: string;
  /** Shown in each slot until its chart exists. */
  readonly loading: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A set of charts drawn from one sweep model: what the sweep page's charts panel and its analysis
 * panels both do around their charts. Each chart is mounted into its slot (which shows an error
 * paragraph instead if the chart throws), redrawn only when the model has a version it has not
 * drawn, kept highlighting the picked runs (also one created after the pick), and disposed with
 * the set; a chart that arrives after the set was disposed is disposed at once.
 */
export class ChartSet<K extends string> {
  /** The section of each chart, in order, each holding its slot: what the page lays out. */
  readonly sections: readonly HTMLElement[];
  private readonly slots = new Map<K, HTMLElement>();
  private readonly charts = new Map<K, StudioChart>();
  private readonly drawnVersion = new Map<K, number>();
  private highlighted: ReadonlySet<string> = new Set();
  private disposedFlag = false;

  constructor(
    private readonly model: SweepModel,
    specs: readonly ChartSpec<K>[],
    private readonly text: ChartSetText,
    /** Adds to a chart's section (a help button); called once per section. */
    decorate: (section: HTMLElement, spec: ChartSpec<K>) => void = () => {},
  ) {
    this.sections = specs.map((spec) => {
      const slot = h(
        'div',
        { className: 'chart-slot', attrs: { [text.slotAttribute]: spec.kind } },
        h('p', { className: 'muted', text: text.loading }),
      );
      this.slots.set(spec.kind, slot);
      const section = panel(
        {
          kind: `chart ${spec.wide ? 'wide' : ''} ${text.noun}-${spec.kind}`,
          titleId: `${text.noun}-${spec.kind}-title`,
          title: spec.title,
        },
        slot,
      );
      decorate(section, spec);
      return section;
    });
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** The slot of `kind` (where its chart goes). */
  slot(kind: K): HTMLElement | undefined {
    return this.slots.get(kind);
  }

  /** The chart of `kind`, once mounted. */
  get(kind: K): StudioChart | undefined {
    return this.charts.get(kind);
  }

  /**
   * Loads the charts' code (a dynamic import). When it fails, every slot says so and the
   * result is null; so it is when the set was disposed meanwhile.
   */
  async load<M>(importer: () => Promise<M>): Promise<M | null> {
    try {
      const module = await importer();
      return this.disposedFlag ? null : module;
    } catch (error) {
      for (const slot of this.slots.values())
        replaceChildren(
          slot,
          h('p', { className: 'error', text: `The ${this.text.noun}s could not be loaded: ${message(error)}` }),
        );
      return null;
    }
  }

  /**
   * Creates the chart of `kind` in its slot, draws the model into it and highlights the picked
   * runs. Null when it threw (its slot then says why) or the set was disposed meanwhile.
   */
  async mount<C extends StudioChart>(kind: K, create: (slot: HTMLElement) => C | Promise<C>): Promise<C | null> {
    const slot = this.slots.get(kind);
    if (slot === undefined || this.disposedFlag || this.charts.has(kind)) return null;
    replaceChildren(slot);
    try {
      const chart = await create(slot);
      if (this.disposedFlag) {
        chart.dispose();
        return null;
      }
      this.charts.set(kind, chart);
      this.draw(kind, chart);
      chart.highlight(this.highlighted);
      return chart;
    } catch (error) {
      replaceChildren(
        slot,
        h('p', { className: 'error', text: `This ${this.text.noun} could not be drawn: ${message(error)}` }),
      );
      return null;
    }
  }

  /** Feeds every chart that has not drawn the model's current version. */
  update(): void {
    for (const [kind, chart] of this.charts) this.draw(kind, chart);
  }

  highlight(runIds: ReadonlySet<string>): void {
    this.highlighted = runIds;
    for (const chart of this.charts.values()) chart.highlight(runIds);
  }

  dispose(): void {
    this.disposedFlag = true;
    for (const chart of this.charts.values()) chart.dispose();
    this.charts.clear();
  }

  private draw(kind: K, chart: StudioChart): void {
    if (this.drawnVersion.get(kind) === this.model.version) return;
    this.drawnVersion.set(kind, this.model.version);
    chart.update(this.model.chartData());
  }
}
