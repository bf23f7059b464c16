import { SamplerService } from '../sampling/remote.js';

// The sampler worker: model-based suggestions (a Gaussian-process fit and an acquisition search,
// up to tens of milliseconds each at 1,000 runs) are computed here instead of on the page's
// thread. Requests are answered one at a time, in the order they came, as in process.
// Only what this file uses of the worker's global scope, so that it also compiles in the
// projects that see it with the DOM library rather than the WebWorker one.
declare const self: {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: unknown): void;
};

const service = new SamplerService();
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<unknown>) => {
  const message = event.data;
  queue = queue.then(async () => {
    const reply = await service.handle(message);
    if (reply !== null) self.postMessage(reply);
  });
};
