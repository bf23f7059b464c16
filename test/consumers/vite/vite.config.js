import { defineConfig } from 'vite';

export default defineConfig({
  // Overdrive finds its worker, WebAssembly files and data set next to its own modules
  // (new URL(..., import.meta.url)); `vite dev`'s dependency pre-bundling would move the
  // modules away from them, so leave the package as it is.
  optimizeDeps: { exclude: ['overdrive'] },
  // The trial worker is an ES module.
  worker: { format: 'es' },
});
