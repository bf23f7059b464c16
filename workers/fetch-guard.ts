// Imported by both trial-worker entry points, after sandbox-env.ts (whose `fetch` it wraps).
import { htmlInsteadOf } from './html-fallback.js';

/**
 * A static host that serves a single-page app answers every unknown path with its index page and
 * status 200, so a training module's `fetch('./mine.csv')` of a mistyped or missing file "works"
 * and hands the module HTML to parse. In a trial worker, a request for a file that is not HTML
 * that is answered with an HTML page fails instead, with the URL, the status and the type: the
 * module's own error handling then sees a clear failure rather than wrong data. Requests that
 * ask for HTML (an `Accept` naming text/html, a path ending in .html or /) are left alone, and
 * so is every other answer, a 404 included: that one the module sees as `response.ok === false`,
 * as fetch always does.
 */
export function guardFetch(inner: typeof fetch, base: () => string): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    const requested = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let url: string;
    try {
      url = new URL(requested, base()).href;
    } catch {
      return response;
    }
    const accept = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('accept');
    if (accept !== null && /\btext\/html\b/i.test(accept)) return response;
    const type = response.headers.get('content-type');
    if (!htmlInsteadOf(url, type)) return response;
    throw new TypeError(
      `fetch ${url}: the server answered with an HTML page (HTTP ${response.status}, ${type ?? ''}) instead of the file: there is probably no file at that path (a static host answers unknown paths with its index page)`,
    );
  };
}

/** `fetch` as it was before the guard: the module linker makes its own, more precise, HTML check. */
export const unguardedFetch: typeof fetch = globalThis.fetch.bind(globalThis);

globalThis.fetch = guardFetch(unguardedFetch, () => globalThis.location.href);
