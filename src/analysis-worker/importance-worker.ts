import { answerImportanceRequest } from '../analysis/importance/remote.js';

// The analysis worker: the hyperparameter importance (fANOVA on a random forest) of the sweep
// page's importance panel, computed off the page's thread. One request at a time, in order.
// Only what this file uses of the worker's global scope, so that it also compiles in the
// projects that see it with the DOM library rather than the WebWorker one.
declare const self: {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: unknown): void;
};

self.onmessage = (event: MessageEvent<unknown>) => {
  self.postMessage(answerImportanceRequest(event.data));
};
