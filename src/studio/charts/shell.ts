import type { ChartData } from '../view-model/chart-data.js';
import { ensureStyles, h } from './dom.js';
import { readTheme, watchColorScheme, type ChartTheme } from './theme.js';

export interface ShellHooks {
  /** The stage changed size. */
  readonly onResize: () => void;
  /** The colour scheme or the page's colours changed. */
  readonly onTheme: () => void;
}

/**
 * The frame every chart draws in, created inside the caller's container:
 *
 *   div.odc[data-testid=<chart>]          root; fills the container (height: 100%)
 *     div.odc-controls                    the chart's own selects / axis strip (hidden when empty)
 *     div.odc-stage                       flexible; at least 260 px tall
 *       div.odc-plot[role=img]            where ECharts (and the metric chart's canvases) draw
 *       p.odc-empty                       the empty-state text, when there is nothing to draw
 *     div.odc-controls.odc-footer         legends
 *     p.odc-sr[aria-live=polite]          announcements for screen readers
 *
 * The root gets `data-version` = the ChartData version last drawn, so tests and callers can
 * wait for a redraw.
 */
export class ChartShell {
  readonly root: HTMLDivElement;
  readonly controls: HTMLDivElement;
  readonly stage: HTMLDivElement;
  readonly plot: HTMLDivElement;
  readonly footer: HTMLDivElement;
  private readonly emptyMessage: HTMLParagraphElement;
  private readonly announcer: HTMLParagraphElement;
  private readonly resizeObserver: ResizeObserver;
  private readonly stopWatching: () => void;
  private themeValue: ChartTheme;
  private themeKey: string;
  private lastSize = '';

  constructor(container: HTMLElement, testId: string, label: string, hooks: ShellHooks) {
    this.controls = h('div', { class: 'odc-controls' });
    this.plot = h('div', { class: 'odc-plot', role: 'img', 'aria-label': label });
    this.emptyMessage = h('p', { class: 'odc-empty', 'data-testid': `${testId}-empty`, hidden: true });
    this.stage = h('div', { class: 'odc-stage' }, this.plot, this.emptyMessage);
    this.footer = h('div', { class: 'odc-controls odc-footer' });
    this.announcer = h('p', { class: 'odc-sr', 'aria-live': 'polite' });
    this.root = h(
      'div',
      { class: 'odc', 'data-testid': testId },
      this.controls,
      this.stage,
      this.footer,
      this.announcer,
    );
    container.append(this.root);
    ensureStyles(this.root);
    this.themeValue = readTheme(this.root);
    this.themeKey = JSON.stringify(this.themeValue);
    this.resizeObserver = new ResizeObserver(() => {
      // The observer also fires when the element first renders; only real changes matter.
      const size = `${this.stage.clientWidth}x${this.stage.clientHeight}`;
      if (size === this.lastSize) return;
      this.lastSize = size;
      hooks.onResize();
    });
    this.resizeObserver.observe(this.stage);
    this.stopWatching = watchColorScheme(() => {
      if (this.refreshTheme()) hooks.onTheme();
    });
  }

  get theme(): ChartTheme {
    return this.themeValue;
  }

  /** Re-reads the page's colours; true when they changed. */
  refreshTheme(): boolean {
    const theme = readTheme(this.root);
    const key = JSON.stringify(theme);
    if (key === this.themeKey) return false;
    this.themeValue = theme;
    this.themeKey = key;
    return true;
  }

  /** Shows `message` instead of the plot, or the plot when null. */
  setEmpty(message: string | null): void {
    if (message === null) {
      this.emptyMessage.hidden = true;
      this.plot.style.visibility = '';
      this.root.removeAttribute('data-empty');
      return;
    }
    this.emptyMessage.textContent = message;
    this.emptyMessage.hidden = false;
    // Hidden, not removed: ECharts keeps its size and the next draw needs no re-layout.
    this.plot.style.visibility = 'hidden';
    this.root.setAttribute('data-empty', '');
  }

  setLabel(label: string): void {
    this.plot.setAttribute('aria-label', label);
  }

  announce(text: string): void {
    // Clearing first makes a repeated message be read again.
    this.announcer.textContent = '';
    requestAnimationFrame(() => {
      this.announcer.textContent = text;
    });
  }

  markDrawn(version: number): void {
    this.root.setAttribute('data-version', String(version));
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.stopWatching();
    this.root.remove();
  }
}

/**
 * Tells ECharts its container changed size, once per change. Called from the coalesced draw
 * rather than the ResizeObserver so that a window being dragged wider costs one re-layout per frame.
 */
export function syncSize(chart: { resize(): void }, memo: { last: string }, width: number, height: number): void {
  const size = `${width}x${height}`;
  if (size === memo.last) return;
  memo.last = size;
  chart.resize();
}

/**
 * What identifies a drawn ChartData: its version, plus enough of its shape that data from
 * another sweep with a colliding version number is not mistaken for it.
 */
export function dataKey(data: ChartData | null): string {
  if (data === null) return 'none';
  return `${data.version}|${data.primaryMetric}|${data.goal}|${data.runs.length}|${data.runs[0]?.id ?? ''}|${data.runs[data.runs.length - 1]?.id ?? ''}|${data.params.length}`;
}

/**
 * setOption with the least rebuilding: when the frame (axes, grid, theme, size, as summarised
 * by `frameKey`) is unchanged only the series are replaced, so ECharts keeps its components;
 * otherwise everything is rebuilt, so no property of an old axis type (say, a category axis's
 * custom ticks) lingers on a new one.
 */
export function applyOption(
  chart: {
    setOption(option: object, opts: { notMerge?: boolean; replaceMerge?: string[]; lazyUpdate?: boolean }): void;
  },
  memo: { frame: string },
  frameKey: string,
  option: object,
): void {
  const rebuild = frameKey !== memo.frame;
  memo.frame = frameKey;
  chart.setOption(
    option,
    rebuild ? { notMerge: true, lazyUpdate: true } : { replaceMerge: ['series'], lazyUpdate: true },
  );
}

/**
 * What the parameter charts (parallel coordinates, scatters, best so far) draw from a ChartData:
 * the columns, and per run its id, best primary metric and stop flag. Most updates of a live
 * sweep only add metric points without a new best; those charts then have nothing to redraw.
 */
export function contentKey(data: ChartData | null): string {
  if (data === null) return 'none';
  const columns = data.params
    .map((c) => (c.kind === 'number' ? `${c.name}:${c.min}:${c.max}:${c.log}` : `${c.name}:${c.values.length}`))
    .join('\u0001');
  let runs = '';
  for (const run of data.runs) runs += `${run.id}:${run.best}:${run.terminated ? 1 : 0};`;
  return `${data.primaryMetric}|${data.goal}|${columns}|${runs}`;
}
