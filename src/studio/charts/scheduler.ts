/**
 * Coalesces redraw requests. Data updates stream in far faster than a chart needs to redraw (a
 * sweep of 1000 runs reports many metrics per second), so:
 * - at most one redraw per animation frame, whatever asked for it;
 * - data-driven redraws (`request('data')`) at most once per `dataIntervalMs` (250 ms): the first
 *   update draws on the next frame, later ones inside the window are merged into one trailing
 *   redraw at its end;
 * - interaction-driven redraws (`request('now')`: a select changed, highlight, resize, theme)
 *   draw on the next frame regardless, so the chart answers a person immediately.
 */
export class RedrawScheduler {
  private frame: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastDraw = -Infinity;
  private disposed = false;

  constructor(
    private readonly draw: () => void,
    private readonly dataIntervalMs = 250,
  ) {}

  request(reason: 'data' | 'now'): void {
    if (this.disposed || this.frame !== null) return;
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
    if (this.frame === null && this.timer === null) return;
    this.cancel();
    this.run();
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private onFrame(): void {
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.run();
    });
  }

  private run(): void {
    if (this.disposed) return;
    this.lastDraw = performance.now();
    this.draw();
  }

  private cancel(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
