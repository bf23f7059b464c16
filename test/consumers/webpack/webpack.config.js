import { fileURLToPath } from 'node:url';

// webpack 5 needs nothing for Overdrive: it bundles the trial worker from
// new Worker(new URL(...), { type: 'module' }) and copies the files the worker fetches.
export default {
  mode: 'production',
  entry: './app.js',
  output: { path: fileURLToPath(new URL('dist', import.meta.url)), clean: true },
};
