import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { contentSecurityPolicy, noEvalInCharts, staticHostHeaders } from './scripts/vite-plugins.js';
import { CONTENT_SECURITY_POLICY_HEADER } from './src/security/content-security-policy.js';

// Browser tests load small harness pages that expose the runtime to Playwright. They are built
// next to the app (so tests run against the same production bundle a user gets) only when
// OVERDRIVE_TEST_PAGES=1, as `npm run test:browser` and playwright.config.ts set it: a plain
// `vite build` ships the app alone, never a page that runs test code.
export const TEST_PAGES_ENV = 'OVERDRIVE_TEST_PAGES';
const harnessDir = resolve(import.meta.dirname, 'test/browser/pages');
const harnessPages =
  process.env[TEST_PAGES_ENV] === '1'
    ? Object.fromEntries(
        readdirSync(harnessDir, { withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
          .map((entry) => [`harness-${entry.name.replace(/\.html$/, '')}`, resolve(harnessDir, entry.name)]),
      )
    : {};

export default defineConfig({
  plugins: [contentSecurityPolicy(), noEvalInCharts(), staticHostHeaders()],
  // Relative URLs everywhere (pages, chunks, workers, wasm), so the built app works from any
  // folder of a static host (`https://example.org/overdrive/`), not only from the site's root.
  base: './',
  build: {
    target: 'es2022',
    sourcemap: true,
    // A training module referenced with new URL(..., import.meta.url) must stay a file: inlined as a
    // data: URL, workers could not import it under the Content-Security-Policy (script-src 'self').
    // The trial sandbox's frame (src/pool/sandbox/frame.html) must stay a page of this site too.
    assetsInlineLimit: (file: string) => (file.endsWith('.js') || file.endsWith('.html') ? false : undefined),
    // TF.js alone is well over the default 500 kB warning threshold.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'overdrive-run-details' ? 'overdrive-run-details.js' : 'assets/[name]-[hash].js',
      },
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        headless: resolve(import.meta.dirname, 'src/app/headless.html'),
        embed: resolve(import.meta.dirname, 'src/studio/run-details/embed.html'),
        // Embedding pages load it by this stable name (see the sweep page's "Embed" snippet).
        'overdrive-run-details': resolve(import.meta.dirname, 'src/studio/run-details/register.ts'),
        ...harnessPages,
      },
    },
  },
  worker: {
    format: 'es',
    // One file per worker: the trial sandbox (src/pool/sandbox) hands the bundle's text to an
    // opaque-origin frame, where a blob: worker has no URL its chunks could be imported from.
    rolldownOptions: { output: { codeSplitting: false } },
  },
  // Found only when a worker or a chart first loads, these would make `vite dev` re-bundle and
  // reload the page mid-sweep (interrupting it): bundle them up front.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      'comlink',
      'idb',
      'yaml',
      'echarts/core',
      'echarts/charts',
      'echarts/components',
      'echarts/renderers',
      'echarts-gl/charts',
      'echarts-gl/components',
    ],
  },
  preview: {
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER },
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
});
