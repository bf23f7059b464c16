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

/** The longest the panels' code waits for an idle moment before it is loaded anyway. */
const PRELOAD_WAIT_MS = 3000;
/** The longest a queued panel waits for the one before it to finish its frames. */
const SETTLE_WAIT_MS = 1000;
/** The longest one warm-up step waits for an idle moment (a panel in view waits on the warm-up). */
const WARM_WAIT_MS = 150;

type PanelsModule = typeof import('./charts/panels.js');

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
  /** ECharts' code paths run once, in idle slices, before the first panel is created (see warm-up.ts). */
  private warmed: Promise<unknown> | null = null;

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

  /**
   * Watches the panels' slots; their code is loaded when the page is first idle after `after`
   * has settled (or when a slot comes near, if that is sooner), not with the page: the sweep page
   * opens with the charts above drawing, and fetching, compiling and running the panels' chunk,
   * then its warm-up steps (30-40 ms each), only delayed them.
   */
  async mount(after: Promise<unknown> = Promise.resolve()): Promise<void> {
    let loading: Promise<PanelsModule | null> | null = null;
    const load = (): Promise<PanelsModule | null> => {
      loading ??= this.set
        .load(() => import('./charts/panels.js'))
        .then((module) => {
          this.warmed ??=
            module === null
              ? Promise.resolve()
              : // The warm-up only saves time: a panel draws the same without it.
                module
                  .warmUpPanels(
                    () => whenIdle(WARM_WAIT_MS),
                    () => this.set.disposed,
                  )
                  .catch(() => undefined);
          return module;
        });
      return loading;
    };
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
        if (this.queue.length > 0) void this.pump(load);
      },
      { rootMargin: AHEAD },
    );
    for (const slot of kindOf.keys()) this.observer.observe(slot);
    // The preload waits for `after` (the sweep page: the charts' first pictures), then an idle moment.
    await after;
    if (this.set.disposed) return;
    await whenIdle(PRELOAD_WAIT_MS);
    if (!this.set.disposed) await load();
  }

  /**
   * Creates the queued panels in page order, the next one only when the page is idle again: a
   * panel's first picture is spread over several frames (a slice plot per frame, a contour's
   * surface then its points, a layer drawn in slices), and every frame callback of the page runs
   * in one rendering task, so a panel created in the next frame added its first render to the
   * previous panel's later frames.
   */
  private async pump(load: () => Promise<PanelsModule | null>): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const module = await load();
      if (module === null) return;
      // A panel's first render after the warm-up runs compiled code: in a fresh tab it would
      // otherwise compile ECharts' paths in one task over the 50 ms budget.
      await this.warmed;
      for (;;) {
        this.queue.sort((a, b) => order(a) - order(b));
        const kind = this.queue.shift();
        if (kind === undefined || this.set.disposed) return;
        const slot = this.set.slot(kind);
        const before = slot?.getBoundingClientRect().bottom;
        await this.set.mount(kind, (target) =>
          module.createPanel(kind, target, {
            onSelect: (selection: ChartSelection) => this.options.onSelect?.(selection),
          }),
        );
        await nextFrame();
        if (slot !== undefined && before !== undefined) keepReadingPlace(slot, before);
        if (this.queue.length > 0) await whenIdle(SETTLE_WAIT_MS);
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

/** The page's next idle period, or `timeout` ms (a busy page, or a browser without idle callbacks). */
function whenIdle(timeout: number): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout });
    else setTimeout(resolve, 0);
  });
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
