/**
 * Chrome gives dedicated workers a requestAnimationFrame that stalls while the tab is hidden,
 * and TF.js captures it when it loads (tf.nextFrame, fit's default yieldEvery). It is replaced
 * with a plain task before anything else in the worker evaluates, so training never waits on
 * frames; the worker entry imports this module first for that reason. A MessageChannel turn
 * rather than setTimeout: nested timeouts are clamped to 4 ms, which adds up over many batches.
 */
if (typeof (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame === 'function') {
  const channel = new MessageChannel();
  const queued = new Map<number, (time: number) => void>();
  let nextId = 1;
  channel.port1.onmessage = (event: MessageEvent<number>) => {
    const callback = queued.get(event.data);
    if (callback === undefined) return;
    queued.delete(event.data);
    callback(performance.now());
  };
  Object.defineProperty(globalThis, 'requestAnimationFrame', {
    configurable: true,
    writable: true,
    value: (callback: (time: number) => void): number => {
      const id = nextId++;
      queued.set(id, callback);
      channel.port2.postMessage(id);
      return id;
    },
  });
  Object.defineProperty(globalThis, 'cancelAnimationFrame', {
    configurable: true,
    writable: true,
    value: (id: number): void => {
      queued.delete(id);
    },
  });
}

export {};
