// Starts the analysis worker (src/analysis-worker). Its own file, reached only from the analysis
// panels' chunk, so nothing else of the Studio (nor the npm package's element, which reaches the
// engine facade) names a worker source file.

/** Keep `new Worker(new URL(...))` inline: that is the shape Vite bundles as a worker entry. */
export function spawnAnalysisWorker(): Worker {
  return new Worker(new URL('../analysis-worker/importance-worker.ts', import.meta.url), {
    type: 'module',
    name: 'overdrive-analysis',
  });
}
