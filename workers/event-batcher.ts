import type { EventSink, WorkerEvent } from '../src/pool/protocol.js';

export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

const defaultTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/**
 * Buffers a trial's events and posts them in batches: a training loop may log thousands of
 * values a second, and one message each would swamp the main thread.
 *
 * A batch is posted synchronously, in the call that completes it: by `push` once the oldest
 * buffered event has waited `flushMs` (checked on every push, because a training loop that never
 * yields would never let a timer run: its metrics would otherwise arrive all at once at its end,
 * or never if it crashes), by the timer for a loop that does yield, or by `flush`. The age is the
 * oldest event's, not the time since the last post: an epoch's metrics are logged together after
 * a long epoch, and measured from the last post the first of them went out alone, so each epoch
 * cost two batches, two answers and two deliveries on the page instead of one (overhead bench). Posting in call
 * order keeps batches in order (one port, handled in order); `drain` and `close` resolve only
 * once every batch so far was accepted, so a trial's result never overtakes its metrics (they
 * travel on different channels).
 */
export class EventBatcher {
  private buffer: WorkerEvent[] = [];
  private timer: unknown = null;
  /** When the oldest event in the buffer was pushed (null: the buffer is empty). */
  private oldest: number | null = null;
  /** Settles once every batch posted so far was accepted (or failed). */
  private chain: Promise<unknown> = Promise.resolve();
  /** The pool's reply to the latest batch posted. */
  private lastReply: Promise<unknown> = Promise.resolve(undefined);
  /** The first delivery failure, kept so the trial can report it. */
  deliveryError: unknown = null;

  constructor(
    private readonly sink: EventSink,
    private readonly flushMs: number,
    private readonly timers: BatcherTimers = defaultTimers,
  ) {}

  push(event: WorkerEvent): void {
    const now = this.timers.now();
    this.buffer.push(event);
    this.oldest ??= now;
    if (now - this.oldest >= this.flushMs) {
      this.flush();
      return;
    }
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), this.flushMs);
  }

  /**
   * Posts what is buffered now (used for `started`, which the UI should see at once, and for a
   * report that waits for its verdict). Resolves with the pool's reply to the batch that holds
   * the latest event pushed (undefined when that delivery failed).
   */
  flush(): Promise<unknown> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return this.lastReply;
    const batch = this.buffer;
    this.buffer = [];
    this.oldest = null;
    let reply: Promise<unknown>;
    try {
      reply = Promise.resolve(this.sink(batch));
    } catch (error) {
      reply = Promise.reject(error);
    }
    const accepted = reply.catch((error: unknown) => {
      this.deliveryError ??= error;
      return undefined;
    });
    this.lastReply = accepted;
    this.chain = Promise.all([this.chain, accepted]);
    return accepted;
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
