import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Browser tests load small harness pages that expose the runtime to Playwright; they are built
// next to the app so tests run against the same production bundle a user gets.
const harnessDir = resolve(import.meta.dirname, 'test/browser/pages');
const harnessPages = Object.fromEntries(
  readdirSync(harnessDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => [`harness-${entry.name.replace(/\.html$/, '')}`, resolve(harnessDir, entry.name)]),
);

export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: true,
    // TF.js alone is well over the default 500 kB warning threshold.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        headless: resolve(import.meta.dirname, 'src/app/headless.html'),
        ...harnessPages,
      },
    },
  },
  worker: {
    format: 'es',
  },
  preview: {
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
