import { SpecConnection } from '../sweep-file/remote.js';

let shared: SpecConnection | null = null;

/**
 * The page's spec worker (src/spec-worker), started on first use and shared by the whole page:
 * spec text, share links, the builder's checks and the exports are read there, so a spec at the
 * size limits never blocks the page's thread for 50 ms. Where a worker cannot start, the same
 * service answers in process (see SpecConnection). Only the Studio (a Vite build) starts it; no
 * entry point of the npm package reaches this module.
 */
export function specConnection(): SpecConnection {
  if (shared !== null) return shared;
  let worker: Worker;
  try {
    // Keep `new Worker(new URL(...))` inline: that is the shape Vite bundles as a worker entry.
    worker = new Worker(new URL('../spec-worker/spec-worker.ts', import.meta.url), {
      type: 'module',
      name: 'overdrive-spec',
    });
  } catch {
    shared = new SpecConnection(null);
    return shared;
  }
  shared = new SpecConnection({
    post: (request) => worker.postMessage(request),
    listen: (onMessage, onFailure) => {
      worker.onmessage = (event: MessageEvent<unknown>) => onMessage(event.data);
      worker.onmessageerror = () => onFailure(new Error('the spec worker sent a message that could not be read'));
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        onFailure(new Error(`the spec worker failed: ${event.message || 'it could not be started'}`));
      };
    },
  });
  return shared;
}
