// The npm package's build of `data-worker-url.ts` (scripts/build-lib.ts swaps it in): the
// worker is lib/workers/data-worker.js, next to the entry points' chunks, written as a
// new-URL-relative-to-import.meta.url literal that Vite, webpack 5 and Rollup rewrite and a page
// with no bundler finds as it is.

export function spawnDataWorker(name: string): Worker {
  return new Worker(new URL('./workers/data-worker.js', import.meta.url), { type: 'module', name });
}
