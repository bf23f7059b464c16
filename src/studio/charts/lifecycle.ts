import type { ChartData, ChartRun, ChartSelection, StudioChart } from '../view-model/chart-data.js';
import type { EChartsType } from './echarts-setup.js';
import { RedrawScheduler } from './scheduler.js';
import { ChartShell } from './shell.js';

/** Anything a chart creates that must be released with it (an ECharts instance, a canvas layer). */
interface Disposable {
  dispose(): void;
}

/**
 * What every chart does the same way around its drawing, so that a chart file holds only what
 * draws that chart: the shell (root element, resize observer, theme watch, data-version), the
 * coalesced redraws, the data and highlight it was last given, and releasing it all on dispose.
 *
 * A chart extends this, builds its controls and ECharts instance in its constructor, ends the
 * constructor with `start(options.data)`, and implements `draw()`. Every redraw goes through the
 * scheduler, so a stream of updates costs at most one draw per frame (and per `dataIntervalMs`).
 */
export abstract class ChartLifecycle implements StudioChart {
  protected readonly shell: ChartShell;
  protected readonly scheduler: RedrawScheduler;
  protected data: ChartData | null = null;
  protected highlighted: ReadonlySet<string> = new Set();
  /** The highlighted ids as one string: part of every chart's draw key. */
  protected highlightKey = '';
  /** Bumped by anything that invalidates the picture without changing the data (theme, resize()). */
  protected revision = 0;
  private disposed = false;
  /** Where the pointer is over the stage (CSS pixels from its top left), for charts that follow it. */
  protected pointer: { readonly x: number; readonly y: number } | null = null;
  private drawnKey = '';
  private readonly owned: Disposable[] = [];
  /** Within a screen of the viewport (what the page's IntersectionObserver last said; near until it speaks). */
  private near = true;
  /** Data came while the chart was far from the view and has not been drawn. */
  private staleAway = false;
  private drewOnce = false;

  protected constructor(container: HTMLElement, testId: string, label: string, dataIntervalMs?: number) {
    this.scheduler = new RedrawScheduler(() => this.drawIfLive(), dataIntervalMs);
    this.shell = new ChartShell(container, testId, label, {
      onResize: () => this.scheduler.request('now'),
      onTheme: () => this.invalidate(),
    });
    // A live sweep updates every chart several times a second; a chart a screen or more away
    // from the view (on the sweep page at 1440 x 900 that is every chart while the table is
    // read) is drawn when it comes near instead: its redraws cost main-thread time, and the 3-D
    // scatter's also a WebGL frame that software compositing reads back on the main thread.
    if (typeof IntersectionObserver !== 'undefined') {
      const observer = new IntersectionObserver(
        (entries) => {
          const entry = entries[entries.length - 1];
          if (entry === undefined) return;
          this.near = entry.isIntersecting;
          if (this.near && this.staleAway) {
            this.staleAway = false;
            this.scheduler.request('now');
          }
        },
        { rootMargin: '100% 0px' },
      );
      observer.observe(this.shell.root);
      this.own({ dispose: () => observer.disconnect() });
    }
  }

  update(data: ChartData): void {
    if (this.disposed) return;
    this.data = data;
    // The first picture is drawn wherever the chart is: the page shows it whole when scrolled to.
    if (!this.near && this.drewOnce) {
      this.staleAway = true;
      return;
    }
    this.scheduler.request('data');
  }

  highlight(runIds: ReadonlySet<string>): void {
    const key = [...runIds].sort().join('\u0000');
    if (key === this.highlightKey) return;
    this.highlighted = new Set(runIds);
    this.highlightKey = key;
    this.scheduler.request('now');
  }

  resize(): void {
    this.shell.refreshTheme();
    this.invalidate();
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    for (const thing of this.owned) thing.dispose();
    this.shell.dispose();
  }

  /** Draws whatever is current; called only through the scheduler or `start`, never after dispose. */
  protected abstract draw(): void;

  /** The picture is stale though the data is not (theme, resize): redraw at once. */
  protected invalidate(): void {
    this.revision += 1;
    this.onInvalidate();
    this.scheduler.request('now');
  }

  /** What a chart drops beyond the revision when its picture is invalidated (cached layouts, layers). */
  protected onInvalidate(): void {}

  /** Released with the chart, in the order given, after the scheduler stops and before the shell goes. */
  protected own<T extends Disposable>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  /** The last line of a chart's constructor: draws the data it was created with, or its empty state. */
  protected start(data: ChartData | undefined): void {
    if (data !== undefined) this.update(data);
    else this.drawIfLive();
  }

  /**
   * Whether a draw depending on exactly `key` (data, options, size, revision) was done already.
   * Then the chart is up to date with the current data version, and says so on its root.
   */
  protected upToDate(key: string): boolean {
    if (key === this.drawnKey) {
      if (this.data !== null) this.shell.markDrawn(this.data.version);
      return true;
    }
    this.drawnKey = key;
    return false;
  }

  /**
   * Keeps `pointer` current and calls `onHover` when it moves (at most once a frame: hit-testing
   * a thousand lines on every pointer event would stall the page) or leaves the stage (at once).
   */
  protected followPointer(onHover: () => void): void {
    let frame: number | null = null;
    this.own({
      dispose: () => {
        if (frame !== null) cancelAnimationFrame(frame);
      },
    });
    this.shell.stage.addEventListener('pointermove', (event) => {
      const rect = this.shell.stage.getBoundingClientRect();
      this.pointer = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      if (frame !== null) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        onHover();
      });
    });
    this.shell.stage.addEventListener('pointerleave', () => {
      this.pointer = null;
      onHover();
    });
  }

  /** The next draw draws again, whatever its key (the last one failed). */
  protected forgetDrawn(): void {
    this.drawnKey = '';
  }

  private drawIfLive(): void {
    if (this.disposed) return;
    this.staleAway = false;
    this.draw();
    this.drewOnce = true;
  }
}

/**
 * What an ECharts mouse event on a point is about: the entry at its item in `bySeries` (the rows
 * each series was drawn from, series `first` onwards), or undefined when it is not about a point.
 */
export function entryAt<T>(bySeries: readonly (readonly T[])[], params: unknown, first = 0): T | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const record = params as { seriesIndex?: unknown; dataIndex?: unknown };
  if (typeof record.seriesIndex !== 'number' || typeof record.dataIndex !== 'number') return undefined;
  return bySeries[record.seriesIndex - first]?.[record.dataIndex];
}

/**
 * Click-to-select on a point chart: a click on a point selects its run, and a click on the
 * background (no point under it) clears the selection, but only one this chart made, so it does
 * not undo what a person picked elsewhere.
 */
export function selectOnClick(
  echarts: EChartsType,
  runAt: (params: unknown) => ChartRun | undefined,
  onSelect: ((selection: ChartSelection) => void) | undefined,
): void {
  let selectedHere = false;
  echarts.on('click', (params: unknown) => {
    const run = runAt(params);
    if (run === undefined) return;
    selectedHere = true;
    onSelect?.({ kind: 'runs', runIds: new Set([run.id]) });
  });
  echarts.getZr().on('click', (event: { target?: unknown }) => {
    if (event.target == null && selectedHere) {
      selectedHere = false;
      onSelect?.({ kind: 'clear' });
    }
  });
}
