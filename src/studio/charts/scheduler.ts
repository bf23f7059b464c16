/**
 * Coalesces redraw requests. Data updates stream in far faster than a chart needs to redraw (a
 * sweep of 1000 runs reports many metrics per second), so:
 * - at most one redraw per animation frame, whatever asked for it;
 * - data-driven redraws (`request('data')`) at most once per `dataIntervalMs` (250 ms): the first
 *   update draws on the next frame, later ones inside the window are merged into one trailing
 *   redraw at its end;
 * - interaction-driven redraws (`request('now')`: a select changed, highlight, resize, theme)
 *   draw on the next frame regardless, so the chart answers a person immediately;
 * - one chart's redraw per animation frame across the page (see `FrameQueue`).
 */
export class RedrawScheduler {
  /** Waiting in the page's frame queue for its turn to draw. */
  private queued = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastDraw = -Infinity;
  private disposed = false;

  constructor(
    private readonly draw: () => void,
    private readonly dataIntervalMs = 250,
  ) {}

  request(reason: 'data' | 'now'): void {
    if (this.disposed || this.queued) return;
    if (reason === 'now') {
      this.clearTimer();
      this.onFrame();
      return;
    }
    if (this.timer !== null) return;
    const wait = this.lastDraw + this.dataIntervalMs - performance.now();
    if (wait <= 0) this.onFrame();
    else
      this.timer = setTimeout(() => {
        this.timer = null;
        this.onFrame();
      }, wait);
  }

  /** Draws synchronously now if anything is pending (tests, and dispose-time flushes). */
  flush(): void {
    if (!this.queued && this.timer === null) return;
    this.cancel();
    this.run();
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private onFrame(): void {
    this.queued = true;
    FRAMES.enqueue(this);
  }

  /** Its turn in the frame queue. */
  drawQueued(): void {
    if (!this.queued) return;
    this.queued = false;
    this.run();
  }

  private run(): void {
    if (this.disposed) return;
    this.lastDraw = performance.now();
    this.draw();
  }

  private cancel(): void {
    if (this.queued) FRAMES.remove(this);
    this.queued = false;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * The page's charts take turns: one redraw per animation frame. A live sweep updates every chart
 * and panel at the same moment, and each has the same data interval, so their redraws fell in
 * the same frame, and ECharts does each setOption's work in its next frame: every chart's layout
 * and paint then ran in one rendering task (every frame callback of a page runs in one task),
 * however cheap each was alone. In turn, a frame carries one chart's drawing.
 */
class FrameQueue {
  private readonly waiting: RedrawScheduler[] = [];
  private frame: number | null = null;

  enqueue(scheduler: RedrawScheduler): void {
    this.waiting.push(scheduler);
    this.frame ??= requestAnimationFrame(() => this.next());
  }

  remove(scheduler: RedrawScheduler): void {
    const at = this.waiting.indexOf(scheduler);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private next(): void {
    this.frame = null;
    const scheduler = this.waiting.shift();
    // Asked for the next frame before drawing: a draw that throws must not stall the others.
    if (this.waiting.length > 0) this.frame = requestAnimationFrame(() => this.next());
    scheduler?.drawQueued();
  }
}

const FRAMES = new FrameQueue();
