/**
 * Runs a draw's steps one per animation frame, the first at once. ECharts does the work of a
 * setOption (layout, then paint) in its next animation frame, and every chart's frame callback
 * runs in the page's one rendering task: several heavy setOptions issued together become one long
 * task however they are split. Spread one per frame, each frame carries one. A new `run` drops
 * the steps the last one had left (their picture is stale).
 */
export class FrameSteps {
  private frame: number | null = null;

  run(steps: readonly (() => void)[]): void {
    this.cancel();
    let next = 0;
    const step = (): void => {
      this.frame = null;
      const current = steps[next];
      next += 1;
      if (current === undefined) return;
      current();
      if (next < steps.length) this.frame = requestAnimationFrame(step);
    };
    step();
  }

  /** Whether steps are still waiting for their frame. */
  get pending(): boolean {
    return this.frame !== null;
  }

  cancel(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  dispose(): void {
    this.cancel();
  }
}
