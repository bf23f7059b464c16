/**
 * The Content-Security-Policy the built app ships (a <meta> in every page, and the same as an
 * HTTP header from the CLI's server and `vite preview`, since a worker's policy comes from its
 * own response). What each source is for:
 * - script-src 'self' blob: — the app's bundles, and training modules: served by this site or
 *   picked as a file (a blob: URL, run only inside a sandboxed worker); and the sandbox frame's
 *   inline script, by hash. 'wasm-unsafe-eval' compiles
 *   TF.js's WebAssembly backend; nothing may use eval or new Function.
 * - worker-src 'self' blob: data: — the trial workers; data: for the sandbox frame's bootstrap
 *   (a data: URL worker is a secure context with WebGPU where an opaque origin's blob: one is not;
 *   it has an opaque origin of its own, so it reaches none of this site's storage).
 * - connect-src 'self' blob: — the shipped data sets and WebAssembly binaries; no other host. blob:
 *   so the page can read a module picked from disk and hand its text to the trial sandbox.
 * - img-src 'self' data: blob: — the icon, and charts saved as images.
 * - style-src 'self' — the app's stylesheets only; no inline <style> or style="..." markup.
 *   Charts and tooltips are placed through the CSSOM (element.style), which this does not
 *   restrict, so 'unsafe-inline' is not needed.
 * - font-src 'self' — fonts, if any, come from this site.
 * - frame-src 'self' — the trial sandbox (src/pool/sandbox/frame.html), a page of this site that
 *   the `sandbox` attribute turns into an opaque origin.
 * Everything else is off: no plugins, no other frames, no form posts, no <base> rewriting.
 */
/**
 * The one inline script the app has: the trial sandbox frame's (src/pool/sandbox/frame.html),
 * allowed by its hash so that a host sending this policy as a header (which applies to the frame
 * page too) still runs it. test/unit/sandbox-frame.test.ts checks the hash against the file.
 */
export const SANDBOX_FRAME_SCRIPT_HASH = "'sha256-Ild1hQW+9zi/cFjOm19Jed4YhwC7IrtWXyhcdGBe/wg='";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' blob: ${SANDBOX_FRAME_SCRIPT_HASH}`,
  "worker-src 'self' blob: data:",
  "connect-src 'self' blob:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * frame-ancestors is ignored in a <meta>; it only works as a header (without it, the Studio
 * refuses to run when framed by another origin: src/studio/frame-guard.ts). 'self', not 'none':
 * the Studio frames its own trial sandbox.
 */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`;
