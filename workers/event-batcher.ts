import type { EventSink, WorkerEvent } from '../src/pool/protocol.js';

export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Buffers a trial's events and posts them in batches: a training loop may log thousands of
 * values a second, and one message each would swamp the main thread. Batches go out in order,
 * one at a time, and `close` resolves only when the last one was accepted, so a trial's result
 * never overtakes its metrics (they travel on different channels).
 */
export class EventBatcher {
  private buffer: WorkerEvent[] = [];
  private timer: unknown = null;
  private chain: Promise<void> = Promise.resolve();
  /** The first delivery failure, kept so the trial can report it. */
  deliveryError: unknown = null;

  constructor(
    private readonly sink: EventSink,
    private readonly flushMs: number,
    private readonly timers: BatcherTimers = defaultTimers,
  ) {}

  push(event: WorkerEvent): void {
    this.buffer.push(event);
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends what is buffered now (used for `started`, which the UI should see at once). */
  flush(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.chain = this.chain
      .then(() => this.sink(batch))
      .catch((error: unknown) => {
        this.deliveryError ??= error;
      });
  }

  /** Sends what is buffered and resolves once every batch so far was accepted. */
  async drain(): Promise<void> {
    this.flush();
    await this.chain;
  }

  async close(): Promise<void> {
    await this.drain();
  }
}
