import { h, panel, replaceChildren } from './dom.js';
import type { ChartSelection, StudioChart } from './view-model/chart-data.js';
import type { SweepModel } from './view-model/sweep-model.js';

type PanelKind = 'importance' | 'slice' | 'contour' | 'distribution' | 'timeline';

const PANELS: readonly { readonly kind: PanelKind; readonly title: string; readonly wide: boolean }[] = [
  { kind: 'importance', title: 'Hyperparameter importance', wide: true },
  { kind: 'slice', title: 'Slice per parameter', wide: true },
  { kind: 'contour', title: 'Contour of two parameters', wide: false },
  { kind: 'distribution', title: 'Distribution of the metric', wide: false },
  { kind: 'timeline', title: 'Runs on the workers', wide: true },
];

export interface PanelsSectionOptions {
  readonly onSelect?: (selection: ChartSelection) => void;
}

/**
 * The sweep page's analysis panels: which parameters matter (importance, slices, contour), how
 * the results are spread, and how the workers were used. Loaded on first view like the charts
 * panel and fed from the same sweep model; the sweep page only creates, updates and disposes it.
 */
export class PanelsSection {
  readonly element: HTMLElement;
  private readonly slots = new Map<PanelKind, HTMLElement>();
  private readonly panels = new Map<PanelKind, StudioChart>();
  private readonly drawnVersion = new Map<PanelKind, number>();
  private highlighted: ReadonlySet<string> = new Set();
  private disposed = false;

  constructor(
    private readonly model: SweepModel,
    private readonly options: PanelsSectionOptions = {},
  ) {
    const sections = PANELS.map(({ kind, title, wide }) => {
      const slot = h(
        'div',
        { className: 'chart-slot', attrs: { 'data-panel': kind } },
        h('p', { className: 'muted', text: 'Loading…' }),
      );
      this.slots.set(kind, slot);
      return panel({ kind: `chart ${wide ? 'wide' : ''} panel-${kind}`, titleId: `panel-${kind}-title`, title }, slot);
    });
    this.element = h(
      'div',
      { className: 'charts analysis-panels', attrs: { 'data-testid': 'analysis-panels' } },
      ...sections,
    );
  }

  async mount(): Promise<void> {
    let module: typeof import('./charts/panels.js');
    try {
      module = await import('./charts/panels.js');
    } catch (error) {
      for (const slot of this.slots.values())
        replaceChildren(
          slot,
          h('p', {
            className: 'error',
            text: `The panels could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      return;
    }
    if (this.disposed) return;
    for (const [i, { kind }] of PANELS.entries()) {
      // One panel per frame: every panel draws its first picture on the next animation frame, so
      // creating all five at once put five first renders (each tens of ms at 1000 runs) in one task.
      if (i > 0) await nextFrame();
      if (this.disposed) return;
      const slot = this.slots.get(kind);
      if (slot === undefined) continue;
      replaceChildren(slot);
      try {
        const made = module.createPanel(kind, slot, {
          onSelect: (selection: ChartSelection) => this.options.onSelect?.(selection),
        });
        this.panels.set(kind, made);
        this.draw(kind, made);
        made.highlight(this.highlighted);
      } catch (error) {
        replaceChildren(
          slot,
          h('p', {
            className: 'error',
            text: `This panel could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      }
    }
  }

  update(): void {
    for (const [kind, made] of this.panels) this.draw(kind, made);
  }

  private draw(kind: PanelKind, made: StudioChart): void {
    if (this.drawnVersion.get(kind) === this.model.version) return;
    this.drawnVersion.set(kind, this.model.version);
    made.update(this.model.chartData());
  }

  highlight(runIds: ReadonlySet<string>): void {
    this.highlighted = runIds;
    for (const made of this.panels.values()) made.highlight(runIds);
  }

  dispose(): void {
    this.disposed = true;
    for (const made of this.panels.values()) made.dispose();
    this.panels.clear();
  }
}

/** The next animation frame, or 100 ms in a hidden tab (where frames stop). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      setTimeout(resolve, 0);
    });
  });
}
