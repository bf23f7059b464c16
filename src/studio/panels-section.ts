import { ChartSet, type ChartSpec } from './chart-set.js';
import { h } from './dom.js';
import type { ChartSelection } from './view-model/chart-data.js';
import type { SweepModel } from './view-model/sweep-model.js';

type PanelKind = 'importance' | 'slice' | 'contour' | 'distribution' | 'timeline';

const PANELS: readonly ChartSpec<PanelKind>[] = [
  { kind: 'importance', title: 'Hyperparameter importance', wide: true },
  { kind: 'slice', title: 'Slice per parameter', wide: true },
  { kind: 'contour', title: 'Contour of two parameters', wide: false },
  { kind: 'distribution', title: 'Distribution of the metric', wide: false },
  { kind: 'timeline', title: 'Runs on the workers', wide: true },
];

/**
 * How far outside the viewport a panel is created: half a screen ahead, so a person scrolling
 * down finds it drawn, while a sweep page opened at its top creates none of the panels below
 * the charts (each first render costs tens of ms at 1000 runs, and the charts are drawing then).
 */
const AHEAD = '50% 0px 50% 0px';

export interface PanelsSectionOptions {
  readonly onSelect?: (selection: ChartSelection) => void;
}

/**
 * The sweep page's analysis panels: which parameters matter (importance, slices, contour), how
 * the results are spread, and how the workers were used. Fed from the same sweep model as the
 * charts panel, with the same chart-set lifecycle; the sweep page only creates, updates and
 * disposes it. A panel is created when its slot comes near the viewport, one panel per animation
 * frame, so no two first renders share a task.
 */
export class PanelsSection {
  readonly element: HTMLElement;
  private readonly set: ChartSet<PanelKind>;
  private observer: IntersectionObserver | null = null;
  /** Panels whose slot came into view, in the order they are created. */
  private readonly queue: PanelKind[] = [];
  private pumping = false;

  constructor(
    model: SweepModel,
    private readonly options: PanelsSectionOptions = {},
  ) {
    this.set = new ChartSet(model, PANELS, { slotAttribute: 'data-panel', noun: 'panel', loading: 'Loading…' });
    this.element = h(
      'div',
      { className: 'charts analysis-panels', attrs: { 'data-testid': 'analysis-panels' } },
      ...this.set.sections,
    );
  }

  async mount(): Promise<void> {
    const module = await this.set.load(() => import('./charts/panels.js'));
    if (module === null) return;
    const create = (kind: PanelKind): Promise<unknown> =>
      this.set.mount(kind, (slot) =>
        module.createPanel(kind, slot, {
          onSelect: (selection: ChartSelection) => this.options.onSelect?.(selection),
        }),
      );
    const kindOf = new Map<Element, PanelKind>();
    for (const { kind } of PANELS) {
      const slot = this.set.slot(kind);
      if (slot !== undefined) kindOf.set(slot, kind);
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const kind = kindOf.get(entry.target);
          if (!entry.isIntersecting || kind === undefined) continue;
          this.observer?.unobserve(entry.target);
          this.queue.push(kind);
        }
        void this.pump(create);
      },
      { rootMargin: AHEAD },
    );
    for (const slot of kindOf.keys()) this.observer.observe(slot);
  }

  /** Creates the queued panels one per animation frame, in page order. */
  private async pump(create: (kind: PanelKind) => Promise<unknown>): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        this.queue.sort((a, b) => order(a) - order(b));
        const kind = this.queue.shift();
        if (kind === undefined || this.set.disposed) return;
        const slot = this.set.slot(kind);
        const before = slot?.getBoundingClientRect().bottom;
        await create(kind);
        await nextFrame();
        if (slot !== undefined && before !== undefined) keepReadingPlace(slot, before);
      }
    } finally {
      this.pumping = false;
    }
  }

  update(): void {
    this.set.update();
  }

  highlight(runIds: ReadonlySet<string>): void {
    this.set.highlight(runIds);
  }

  dispose(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.queue.length = 0;
    this.set.dispose();
  }
}

/**
 * A panel created above what the person is reading (its slot ends in the upper half of the view,
 * e.g. the run table scrolled to just below it) grows from a one-line placeholder to its full
 * height and would push that content out of view. Scroll by what it grew, measured in viewport
 * coordinates so that nothing moves twice where the browser's own scroll anchoring already held
 * the place.
 */
function keepReadingPlace(slot: Element, bottomBefore: number): void {
  if (bottomBefore > window.innerHeight / 2) return;
  const moved = slot.getBoundingClientRect().bottom - bottomBefore;
  if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
}

function order(kind: PanelKind): number {
  return PANELS.findIndex((p) => p.kind === kind);
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
