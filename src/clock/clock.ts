/**
 * Time as the orchestrator sees it. Injected so that limits such as `maxDurationMinutes` can be
 * tested instantly with a manual clock instead of waiting in real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; the returned function cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}
