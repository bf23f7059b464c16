import type { Clock } from './clock.js';

// setTimeout stores delays as a signed 32-bit integer: longer delays fire immediately.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Wall-clock time from `Date.now()` and `setTimeout`, chaining timers past the 24.8-day cap. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, callback: () => void): () => void {
    const due = Date.now() + ms;
    let handle: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = due - Date.now();
      if (left <= 0) {
        callback();
        return;
      }
      handle = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
    };
    handle = setTimeout(arm, Math.min(Math.max(ms, 0), MAX_TIMEOUT_MS));
    return () => clearTimeout(handle);
  }
}
