// The npm package's build of `analysis-url.ts` (scripts/build-lib.ts swaps it in): the worker is
// lib/workers/analysis-worker.js, next to the entry points' chunks, written as a
// new-URL-relative-to-import.meta.url literal that Vite, webpack 5 and Rollup rewrite and a page
// with no bundler finds as it is.

export function spawnAnalysisWorker(): Worker {
  return new Worker(new URL('./workers/analysis-worker.js', import.meta.url), {
    type: 'module',
    name: 'overdrive-analysis',
  });
}
