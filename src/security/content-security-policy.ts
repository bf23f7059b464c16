/**
 * The Content-Security-Policy the built app ships (a <meta> in every page, and the same as an
 * HTTP header from the CLI's server and `vite preview`, since a worker's policy comes from its
 * own response). What each source is for:
 * - script-src 'self' blob: — the app's bundles, and training modules: served by this site or
 *   picked as a file (a blob: URL, run only inside a worker). 'wasm-unsafe-eval' compiles
 *   TF.js's WebAssembly backend; nothing may use eval or new Function.
 * - worker-src 'self' blob: — the trial workers.
 * - connect-src 'self' — the shipped data sets and WebAssembly binaries; no other host.
 * - img-src 'self' data: blob: — the icon, and charts saved as images.
 * - style-src 'self' — the app's stylesheets only; no inline <style> or style="..." markup.
 *   Charts and tooltips are placed through the CSSOM (element.style), which this does not
 *   restrict, so 'unsafe-inline' is not needed.
 * - font-src 'self' — fonts, if any, come from this site.
 * - frame-src 'self' — the trial sandbox (src/pool/sandbox/frame.html), a page of this site that
 *   the `sandbox` attribute turns into an opaque origin.
 * Everything else is off: no plugins, no other frames, no form posts, no <base> rewriting.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** frame-ancestors is ignored in a <meta>; it only works as a header. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
