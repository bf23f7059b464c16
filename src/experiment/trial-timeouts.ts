import type { Clock } from '../clock/clock.js';
import type { RunState } from './run-state.js';

/**
 * `trialTimeoutSeconds`: once a run has been running that long (the injected clock, from its
 * `startedAt`), `onTimeout` is called for it, once; a run that ends first is cleared.
 */
export class TrialTimeouts {
  /** Each running run's timer (its cancel function). */
  private readonly timers = new Map<RunState, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly seconds: number | undefined,
    private readonly onTimeout: (run: RunState, seconds: number) => void,
  ) {}

  arm(run: RunState): void {
    const seconds = this.seconds;
    if (seconds === undefined || run.startedAt === null || this.timers.has(run)) return;
    const elapsed = Math.max(0, this.clock.now() - run.startedAt);
    const stop = this.clock.setTimer(Math.max(0, seconds * 1000 - elapsed), () => {
      this.timers.delete(run);
      this.onTimeout(run, seconds);
    });
    this.timers.set(run, stop);
  }

  clear(run: RunState): void {
    const stop = this.timers.get(run);
    if (stop === undefined) return;
    this.timers.delete(run);
    stop();
  }

  clearAll(): void {
    for (const run of [...this.timers.keys()]) this.clear(run);
  }
}
