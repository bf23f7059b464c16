import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { contentSecurityPolicy, noEvalInCharts } from '../scripts/vite-plugins.js';

// The benchmark's own build: bench/pages/*.html (and the workers they start) into bench/dist/,
// never the app's dist/. The root stays the repository so the pages import src/ and workers/ as
// the app does, and public/ (the shipped data sets) is copied alongside. The Studio itself
// (index.html) is built here too, with the app's plugins and its Content-Security-Policy, so
// section 4 measures the Studio as it ships, on the bench page's origin (one IndexedDB).
const root = resolve(import.meta.dirname, '..');
const pagesDir = resolve(import.meta.dirname, 'pages');
const pages = Object.fromEntries(
  readdirSync(pagesDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => [`bench-${entry.name.replace(/\.html$/, '')}`, resolve(pagesDir, entry.name)]),
);

export default defineConfig({
  root,
  plugins: [contentSecurityPolicy({ only: (file) => file === resolve(root, 'index.html') }), noEvalInCharts()],
  publicDir: resolve(root, 'public'),
  // Its own cache, so a bench build never races the app's or the tests' builds.
  cacheDir: resolve(root, 'node_modules/.vite-bench'),
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // A training module referenced with new URL(..., import.meta.url) must stay a file: inlined as a
    // data: URL, workers could not import it under the Content-Security-Policy (script-src 'self').
    assetsInlineLimit: (file: string) => (file.endsWith('.js') ? false : undefined),
    // BENCH_MINIFY=0 keeps function names readable in profiles (bench/profile.ts).
    minify: process.env['BENCH_MINIFY'] !== '0',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8192,
    rollupOptions: { input: { ...pages, studio: resolve(root, 'index.html') } },
  },
  // One file per worker, as the app builds them: the trial sandbox (bench section 7) hands the
  // bundle's text to an opaque-origin frame, where a blob: worker cannot import chunks.
  worker: { format: 'es', rolldownOptions: { output: { codeSplitting: false } } },
});
