import type { Clock } from '../../src/clock/clock.js';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A clock for deterministic replays: time moves only when `step` fires the next timer (earliest
 * due time, then creation order), one timer at a time, so every interleaving of concurrent
 * trials is the same on every run. Like the project's ManualClock, plus `sleep` and `step`.
 */
export class VirtualClock implements Clock {
  private current = 0;
  private timers: Timer[] = [];
  private nextId = 0;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer: Timer = { id: this.nextId++, due: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimer(ms, resolve);
    });
  }

  /** Fires the earliest timer due at or before `horizon`; false when there is none. */
  step(horizon = Number.POSITIVE_INFINITY): boolean {
    let next: Timer | undefined;
    for (const timer of this.timers) {
      if (next === undefined || timer.due < next.due || (timer.due === next.due && timer.id < next.id)) next = timer;
    }
    if (next === undefined || next.due > horizon) return false;
    const fired = next;
    this.timers = this.timers.filter((t) => t.id !== fired.id);
    this.current = Math.max(this.current, fired.due);
    fired.callback();
    return true;
  }
}
