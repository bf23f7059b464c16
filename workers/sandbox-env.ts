// Imported first by the sandboxed worker (sandbox-worker.ts): it must run before anything else
// reads `location` or calls `fetch`.

/**
 * A worker started from a blob: URL in the sandbox frame (src/pool/sandbox) lives in an opaque
 * origin: its `location` is `blob:null/…` and it cannot fetch the app's files (a plain static
 * host answers no CORS). The page prepends the URL the bundle was served from, and serves the
 * app's own files through the asset channel; this module makes `location` and `fetch` use them,
 * so the code shared with the unsandboxed worker (data sets, TF.js's WebAssembly) runs unchanged.
 */
import type { AssetResponse, FromWorker, SandboxInit } from '../src/pool/sandbox/messages.js';

// Mirrors SANDBOX_BASE_GLOBAL in src/pool/sandbox/messages.ts (workers may not import the pool).
const base: unknown = (globalThis as Record<string, unknown>)['__overdriveSandboxBase'];

let deliver: (init: SandboxInit) => void = () => {};
/** The ports the frame hands over in the worker's first message. */
export const sandboxInit: Promise<SandboxInit> = new Promise((resolve) => {
  deliver = resolve;
});

if (typeof base === 'string') {
  const appUrl = new URL(base);
  const pageOrigin = appUrl.origin;
  Object.defineProperty(globalThis, 'location', { value: appUrl, configurable: true });

  const first = (event: MessageEvent): void => {
    const data: unknown = event.data;
    if (data === null || typeof data !== 'object' || (data as { kind?: unknown }).kind !== 'overdrive-sandbox-init')
      return;
    self.removeEventListener('message', first);
    event.stopImmediatePropagation();
    deliver(data as SandboxInit);
  };
  self.addEventListener('message', first);

  let seq = 0;
  const waiting = new Map<number, (response: AssetResponse) => void>();
  const assets = sandboxInit.then(({ assets }) => {
    assets.onmessage = (event: MessageEvent<AssetResponse>) => {
      waiting.get(event.data.seq)?.(event.data);
      waiting.delete(event.data.seq);
    };
    return assets;
  });

  /** The app's file at `url`, fetched by the page. */
  const fromPage = async (url: string): Promise<Response> => {
    const port = await assets;
    const id = ++seq;
    const response = await new Promise<AssetResponse>((resolve) => {
      waiting.set(id, resolve);
      const request: FromWorker = { kind: 'fetch', seq: id, url };
      port.postMessage(request);
    });
    if (response.kind === 'refused') throw new TypeError(response.message);
    return new Response(response.body, {
      status: response.status,
      headers: response.contentType === '' ? {} : { 'content-type': response.contentType },
    });
  };

  const ownFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let url: URL | null = null;
    try {
      url = new URL(href, appUrl);
    } catch {
      url = null;
    }
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    // overdrive-module: a module picked from disk, kept in the page's module store (src/pool/module-store.ts).
    if (
      url !== null &&
      method === 'GET' &&
      (url.origin === pageOrigin || isPageBlob(url, pageOrigin) || url.protocol === 'overdrive-module:')
    ) {
      return fromPage(url.href);
    }
    // Anything else goes out as the sandbox itself, where the frame's policy (connect-src 'none') refuses it.
    return ownFetch(input, init);
  };

  // An opaque origin has no Web Locks, so the pool cannot see this worker end by itself: say so.
  const close = self.close.bind(self);
  self.close = () => {
    void assets.then((port) => {
      const message: FromWorker = { kind: 'closing' };
      port.postMessage(message);
      close();
    });
  };
}

/** A blob: URL the page made (a module picked from disk). */
export function isPageBlob(url: URL, pageOrigin: string): boolean {
  if (url.protocol !== 'blob:') return false;
  try {
    return new URL(url.pathname).origin === pageOrigin;
  } catch {
    return false;
  }
}

/** Whether this worker runs in the sandbox frame. */
export const sandboxed = typeof base === 'string';
