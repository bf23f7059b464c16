import { packagedDigitsUrl, spawnPackagedWorker, spawnSandboxedWorker } from './asset-urls.js';
import type { PoolWorker } from './pool-worker.js';
import type { TrialAssets } from './protocol.js';

/**
 * Where the files a trial worker needs are served from: the worker script, TF.js's WebAssembly
 * binaries and the data sets. This is the only module that resolves them; the URLs it starts
 * from live in `asset-urls.ts` (the app, bundled by Vite from source) or `asset-urls.lib.ts`
 * (the npm package's `lib/`, where they are new-URL-relative-to-import.meta.url patterns that
 * Vite, webpack 5 and Rollup rewrite, and that work unbundled next to `lib/`).
 */
export interface AssetOptions {
  /**
   * Serve the worker, the WebAssembly binaries and the data sets from here instead (a CDN, or a
   * folder the site copied the package's `lib/` to): the URL of a folder laid out like the
   * package's `lib/` (`workers/trial-worker.js`, `workers/wasm/*.wasm`, `datasets/digits.csv`).
   */
  readonly baseUrl?: string | URL;
}

/** TF.js looks its binaries up by these file names. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

function folder(baseUrl: string | URL): URL {
  const base = new URL(baseUrl, typeof location === 'undefined' ? undefined : location.href);
  if (base.protocol !== 'https:' && base.protocol !== 'http:' && base.protocol !== 'file:') {
    throw new RangeError(`assets.baseUrl must be an http(s) URL (got ${JSON.stringify(String(baseUrl))})`);
  }
  // A folder: "https://cdn/overdrive/lib" means "https://cdn/overdrive/lib/".
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/** The URLs a worker is told in its `hello`; the wasm binaries only when moved (else it knows). */
export function trialAssets(options: AssetOptions = {}): TrialAssets {
  if (options.baseUrl === undefined) return { wasm: null, digits: packagedDigitsUrl() };
  const base = folder(options.baseUrl);
  const wasm = Object.fromEntries(WASM_FILES.map((file) => [file, new URL(`workers/wasm/${file}`, base).href]));
  return { wasm, digits: new URL('datasets/digits.csv', base).href };
}

let next = 1;

/**
 * Starts a trial worker. With `isolation: 'sandbox'` (the default) the app's build starts it in
 * the opaque-origin sandbox frame (src/pool/sandbox), where user code cannot reach the page's
 * storage, locks, channels or page; the library build and `vite dev` have no sandbox frame and
 * start plain workers (asset-urls.lib.ts, asset-urls.ts). A worker from another origin cannot be
 * started directly (browsers refuse cross-origin worker scripts), so one from `baseUrl` is
 * started from a one-line module that imports it; the CDN must then send CORS headers, as any
 * cross-origin module needs.
 */
export function spawnTrialWorker(options: AssetOptions = {}, isolation: 'sandbox' | 'page' = 'sandbox'): PoolWorker {
  const name = `overdrive-trial-${next++}`;
  if (options.baseUrl === undefined) {
    return isolation === 'sandbox' ? spawnSandboxedWorker(name) : spawnPackagedWorker(name);
  }
  const script = new URL('workers/trial-worker.js', folder(options.baseUrl)).href;
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(script)};\n`], { type: 'text/javascript' }));
  return new Worker(shim, { type: 'module', name });
}
