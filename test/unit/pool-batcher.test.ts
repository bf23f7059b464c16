import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/pool/protocol.js';
import { EventBatcher, type BatcherTimers } from '../../workers/event-batcher.js';

function manualTimers(): BatcherTimers & { fire(): void; pending(): number; advance(ms: number): void } {
  const queue = new Map<number, () => void>();
  let next = 1;
  let now = 0;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    setTimeout: (callback) => {
      queue.set(next, callback);
      return next++;
    },
    clearTimeout: (handle) => {
      queue.delete(handle as number);
    },
    fire: () => {
      const callbacks = [...queue.values()];
      queue.clear();
      for (const c of callbacks) c();
    },
    pending: () => queue.size,
  };
}

const metric = (value: number): WorkerEvent => ({ kind: 'metric', name: 'loss', value, time: value });

describe('EventBatcher', () => {
  it('sends what was logged between two flushes as one batch, in order', async () => {
    const timers = manualTimers();
    const batches: WorkerEvent[][] = [];
    const batcher = new EventBatcher((batch) => void batches.push([...batch]), 75, timers);
    for (let i = 0; i < 1000; i++) batcher.push(metric(i));
    expect(batches).toHaveLength(0);
    expect(timers.pending()).toBe(1);
    timers.fire();
    batcher.push(metric(1000));
    await batcher.close();
    expect(batches.map((b) => b.length)).toEqual([1000, 1]);
    expect(batches.flat().map((e) => (e.kind === 'metric' ? e.value : -1))).toEqual(
      Array.from({ length: 1001 }, (_, i) => i),
    );
    expect(timers.pending()).toBe(0);
  });

  it('close resolves only after the sink accepted the last batch', async () => {
    let release: () => void = () => {};
    const accepted: number[] = [];
    const batcher = new EventBatcher(
      (batch) =>
        new Promise<void>((resolve) => {
          release = () => {
            accepted.push(batch.length);
            resolve();
          };
        }),
      75,
      manualTimers(),
    );
    batcher.push(metric(1));
    let closed = false;
    const closing = batcher.close().then(() => {
      closed = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(closed).toBe(false);
    release();
    await closing;
    expect(accepted).toEqual([1]);
  });

  it('keeps going after a failed delivery and remembers the first failure', async () => {
    let calls = 0;
    const batcher = new EventBatcher(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('pool gone');
      },
      75,
      manualTimers(),
    );
    batcher.push(metric(1));
    batcher.flush();
    batcher.push(metric(2));
    await batcher.close();
    expect(calls).toBe(2);
    expect((batcher.deliveryError as Error).message).toBe('pool gone');
  });

  it('posts from push itself once flushMs has passed, so a loop that never yields still streams', () => {
    const timers = manualTimers();
    const batches: number[] = [];
    const batcher = new EventBatcher((batch) => void batches.push(batch.length), 75, timers);
    // A synchronous loop: no timer can fire, only the clock moves between pushes.
    for (let i = 0; i < 10; i++) {
      batcher.push(metric(i));
      timers.advance(20);
    }
    // Posted at the 5th push (the oldest then 80 ms old) and the 10th (the 6th's 80 ms), without yielding.
    expect(batches).toEqual([5, 5]);
  });

  it("sends an epoch's metrics, logged together after a long epoch, as one batch", () => {
    const timers = manualTimers();
    const batches: number[] = [];
    const batcher = new EventBatcher((batch) => void batches.push(batch.length), 75, timers);
    for (let epoch = 0; epoch < 3; epoch++) {
      timers.advance(200); // training, longer than flushMs, with no event
      for (let i = 0; i < 4; i++) batcher.push(metric(i)); // loss, accuracy, val_loss, val_accuracy
      batcher.flush(); // the report that waits for its verdict
    }
    expect(batches).toEqual([4, 4, 4]);
  });

  it('flush resolves with the reply to the batch that holds the latest event, even one already posted', async () => {
    const timers = manualTimers();
    let n = 0;
    const batcher = new EventBatcher(() => ({ stop: null, batch: ++n }), 75, timers);
    batcher.push(metric(1));
    expect(await batcher.flush()).toEqual({ stop: null, batch: 1 });
    batcher.push(metric(2));
    timers.advance(100);
    batcher.push(metric(3)); // posted by push, with 2: the buffer is empty again
    expect(await batcher.flush()).toEqual({ stop: null, batch: 2 });
    expect(n).toBe(2);
  });
});
