import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/pool/protocol.js';
import { EventBatcher, type BatcherTimers } from '../../workers/event-batcher.js';

function manualTimers(): BatcherTimers & { fire(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
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
});
