import { SpecService, type SpecRequest } from '../sweep-file/remote.js';

// The spec worker: reading, validating and exporting sweep specs (up to hundreds of
// milliseconds at the size limits) happens here instead of on the Studio's thread. Requests
// are answered one at a time, in the order they came, as in process.
// Only what this file uses of the worker's global scope, so that it also compiles in the
// projects that see it with the DOM library rather than the WebWorker one.
declare const self: {
  onmessage: ((event: MessageEvent<SpecRequest>) => void) | null;
  postMessage(message: unknown): void;
};

const service = new SpecService();
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<SpecRequest>) => {
  const request = event.data;
  queue = queue.then(async () => {
    const reply = await service.handle(request);
    if (reply !== null) self.postMessage(reply);
  });
};
