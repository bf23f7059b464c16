// A canvas that draws many items (curves, polylines) without long main-thread tasks.
//
// ECharts re-renders every series on every setOption, and its per-element bookkeeping costs
// ~50-100 µs per polyline, so 1000 runs cannot be redrawn inside 50 ms by it. Charts with that
// many lines let ECharts draw the frame (axes, labels, brushes) and draw the lines here:
// - a full redraw goes into an off-screen buffer in time slices and is swapped in when
//   complete, so the old picture stays until the new one is whole (no flicker);
// - each slice is flushed before it yields: Chromium records 2-D canvas calls and rasterises
//   them lazily, which would otherwise land, all at once, in the task that shows the buffer;
// - items arriving under an unchanged key (a finished run) are drawn straight onto the visible
//   canvas in microseconds.
import { h } from './dom.js';

export interface LayerItem {
  readonly id: string;
  /** Changes whenever what is drawn for this item changes. */
  readonly signature: string;
}

export interface Painter<T> {
  /** Sets up a context (transform, clip) before items are drawn on it. */
  prepare(ctx: CanvasRenderingContext2D): void;
  draw(ctx: CanvasRenderingContext2D, item: T): void;
}

/** Target time of one slice of a full redraw, raster included: well under the 50 ms long-task line. */
const SLICE_MS = 10;
/** Recording stops early at this point of a slice: rasterising what was recorded costs more than recording it. */
const RECORD_MS = 3;

/** Sizes a canvas for `width` x `height` CSS pixels at the screen's pixel ratio; true when it changed (and so was cleared). */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): boolean {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const hgt = Math.max(1, Math.round(height * dpr));
  if (canvas.width === w && canvas.height === hgt) return false;
  canvas.width = w;
  canvas.height = hgt;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  return true;
}

/** A 2-D context that stays on the CPU: reading one pixel back (the flush) is then cheap. */
function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  return canvas.getContext('2d', { willReadFrequently: true });
}

export class SlicedLayer<T extends LayerItem> {
  private visible: HTMLCanvasElement;
  private buffer: HTMLCanvasElement;
  private drawnKey: string | null = null;
  private drawn = new Map<string, string>();
  private job: { readonly cancel: () => void } | null = null;
  private pending: (() => void) | null = null;
  /** The longest slice of the last full redraw (ms), for the performance harness. */
  lastSliceMs = 0;

  constructor(className = 'odc-layer') {
    this.visible = h('canvas', { class: className, 'aria-hidden': 'true' });
    this.buffer = document.createElement('canvas');
  }

  /** The canvas on screen; a full redraw replaces this element with the one it drew into. */
  get canvas(): HTMLCanvasElement {
    return this.visible;
  }

  /**
   * Brings the layer to `items` (drawn in the given order) under `key`: everything other than
   * the items themselves that affects pixels (mapping, theme, emphasis). Same key and only new
   * or unchanged items: the new ones are appended; otherwise a sliced full redraw.
   */
  render(items: readonly T[], key: string, painter: Painter<T>, cssWidth: number, cssHeight: number): void {
    if (this.job !== null) {
      // Finish the redraw under way first (it is nearly ready), then catch up: restarting on
      // every update could starve it while data streams in.
      this.pending = () => this.render(items, key, painter, cssWidth, cssHeight);
      return;
    }
    const fullKey = `${key}|${Math.round(cssWidth * 10)}x${Math.round(cssHeight * 10)}|${window.devicePixelRatio}`;
    if (fullKey === this.drawnKey && this.canAppend(items)) {
      const ctx = context(this.canvas);
      if (ctx === null) return;
      ctx.save();
      painter.prepare(ctx);
      for (const item of items) {
        if (this.drawn.get(item.id) === item.signature) continue;
        painter.draw(ctx, item);
        this.drawn.set(item.id, item.signature);
      }
      ctx.restore();
      return;
    }
    this.fullRedraw(items, fullKey, painter, cssWidth, cssHeight);
  }

  /** Forgets what was drawn: the next render redraws fully. */
  invalidate(): void {
    this.drawnKey = null;
  }

  /** Empties the layer now. */
  clear(): void {
    this.job?.cancel();
    this.drawn.clear();
    this.drawnKey = null;
    context(this.canvas)?.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  dispose(): void {
    this.job?.cancel();
  }

  private canAppend(items: readonly T[]): boolean {
    if (items.length < this.drawn.size) return false;
    let kept = 0;
    for (const item of items) {
      const drawn = this.drawn.get(item.id);
      if (drawn === undefined) continue;
      if (drawn !== item.signature) return false;
      kept += 1;
    }
    return kept === this.drawn.size;
  }

  private fullRedraw(
    items: readonly T[],
    fullKey: string,
    painter: Painter<T>,
    cssWidth: number,
    cssHeight: number,
  ): void {
    const buffer = this.buffer;
    sizeCanvas(buffer, cssWidth, cssHeight);
    const ctx = context(buffer);
    if (ctx === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, buffer.width, buffer.height);
    ctx.save();
    painter.prepare(ctx);
    let next = 0;
    // Items per slice, adapted to what the last slice cost (recording and raster together).
    let batch = 20;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let longest = 0;
    const finish = (): void => {
      ctx.restore();
      const old = this.visible;
      if (old.isConnected) {
        // The buffer becomes the visible canvas (no copy); the old one is the next buffer.
        buffer.className = old.className;
        buffer.setAttribute('aria-hidden', 'true');
        old.replaceWith(buffer);
        this.visible = buffer;
        this.buffer = old;
      } else {
        sizeCanvas(old, cssWidth, cssHeight);
        const visible = context(old);
        visible?.setTransform(1, 0, 0, 1, 0, 0);
        visible?.clearRect(0, 0, old.width, old.height);
        visible?.drawImage(buffer, 0, 0);
      }
      this.drawn = new Map(items.map((item) => [item.id, item.signature]));
      this.drawnKey = fullKey;
      this.lastSliceMs = longest;
      this.job = null;
      const pending = this.pending;
      this.pending = null;
      pending?.();
    };
    const slice = (): void => {
      timer = null;
      const start = performance.now();
      const end = Math.min(items.length, next + batch);
      for (; next < end; next++) {
        const item = items[next];
        if (item !== undefined) painter.draw(ctx, item);
        if (performance.now() - start > RECORD_MS) {
          next += 1;
          break;
        }
      }
      // Rasterise what was recorded now, inside this slice.
      ctx.getImageData(0, 0, 1, 1);
      const elapsed = performance.now() - start;
      longest = Math.max(longest, elapsed);
      // Grow slowly (the machine may just have been idle), shrink at once.
      batch = Math.max(5, Math.min(Math.round(batch * 1.5), Math.round((batch * SLICE_MS) / Math.max(0.5, elapsed))));
      if (next < items.length) timer = setTimeout(slice, 0);
      else finish();
    };
    this.job = {
      cancel: () => {
        if (timer !== null) clearTimeout(timer);
        ctx.restore();
        this.job = null;
        this.pending = null;
      },
    };
    // Not in the caller's task: that one already did the chart's own work.
    timer = setTimeout(slice, 0);
  }
}
