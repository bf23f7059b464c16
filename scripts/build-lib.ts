// Builds the npm package's lib/ (`npm run build:lib`, and `npm pack` through `prepack`):
//   lib/{index,browser,spec,element}.js   the four entry points, ESM, dependencies left as imports
//   lib/types/                            their .d.ts files with declaration maps (into src/)
//   lib/workers/trial-worker.js           the trial worker, self-contained (TF.js inside)
//   lib/workers/sampler-worker.js         the Bayesian sampler's worker, self-contained
//   lib/workers/data-worker.js            the data step's worker (parse, profile, prepare, decode), self-contained
//   lib/workers/analysis-worker.js        the importance panel's fANOVA worker (run details element), self-contained
//   lib/workers/wasm/*.wasm               TF.js's WebAssembly binaries
//   lib/datasets/digits.csv               the data set of the built-in examples
//   lib/app/                              the built Studio (the CLI serves its headless page)
//   lib/cli/overdrive.js                  the `overdrive` command
// esbuild leaves `new URL('…', import.meta.url)` as written, which is what makes the output
// portable: every bundler that understands the pattern copies the files, and a page with no
// bundler finds them next to lib/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build as esbuild, type Plugin } from 'esbuild';
import { build as viteBuild, type Plugin as VitePlugin } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lib = resolve(root, 'lib');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/**
 * Every dependency (and its sub-paths) stays an import, so a consumer's copy is shared. papaparse is
 * a devDependency bundled in: it ships only as CommonJS/UMD, which neither an import-map page nor
 * `vite dev` with the package excluded from pre-bundling can import.
 */
const external = Object.keys(pkg.dependencies).flatMap((name) => [name, `${name}/*`]);

/** The library's build of the asset URLs (src/pool/assets.ts) and of the sampler, data and analysis workers'. */
const libraryAssets: Plugin = {
  name: 'library-asset-urls',
  setup(build) {
    build.onResolve({ filter: /\/(asset-urls|sampler-worker-url|data-worker-url|analysis-url)\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\.js$/, '.lib.ts')),
    }));
  },
};

/** `import css from './x.css?inline'` (Vite's syntax, used by the element): the text. */
const inlineCss: Plugin = {
  name: 'inline-css',
  setup(build) {
    build.onResolve({ filter: /\.css\?inline$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\?inline$/, '')),
      namespace: 'inline-css',
    }));
    build.onLoad({ filter: /.*/, namespace: 'inline-css' }, (args) => ({
      contents: `export default ${JSON.stringify(readFileSync(args.path, 'utf8'))};`,
      loader: 'js',
    }));
  },
};

/** `import url from '…/x.wasm?url'` (Vite's syntax) in the worker: a file next to the worker. */
const wasmUrls: Plugin = {
  name: 'wasm-urls',
  setup(build) {
    build.onResolve({ filter: /\.wasm\?url$/ }, (args) => ({
      path:
        args.path
          .replace(/\?url$/, '')
          .split('/')
          .pop() ?? args.path,
      namespace: 'wasm-url',
    }));
    build.onLoad({ filter: /.*/, namespace: 'wasm-url' }, (args) => {
      mkdirSync(resolve(lib, 'workers/wasm'), { recursive: true });
      copyFileSync(
        resolve(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', args.path),
        resolve(lib, 'workers/wasm', args.path),
      );
      return { contents: `export default new URL('./wasm/${args.path}', import.meta.url).href;`, loader: 'js' };
    });
  },
};

async function buildEntries(): Promise<void> {
  await esbuild({
    absWorkingDir: root,
    entryPoints: {
      index: 'src/index.ts',
      browser: 'src/browser/index.ts',
      spec: 'src/spec.ts',
      element: 'src/studio/run-details/element.ts',
    },
    outdir: lib,
    // Chunks sit next to the entries: the asset URLs are relative to lib/.
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    plugins: [libraryAssets, inlineCss],
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** A worker as one self-contained ES module in lib/workers/ (the pattern bundlers recognise). */
async function buildWorkerBundle(entry: string, file: string, options: Pick<BuildOptions, 'define' | 'plugins'> = {}) {
  await esbuild({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: resolve(lib, 'workers', file),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Not minifyWhitespace: it drops the webpackIgnore comment on the import() of a user's
    // training module, and webpack would then replace that import with a failing context module.
    minifySyntax: true,
    minifyIdentifiers: true,
    legalComments: 'none',
    logLevel: 'warning',
    ...options,
  });
}

async function buildWorkers(): Promise<void> {
  await buildWorkerBundle('workers/trial-worker.ts', 'trial-worker.js', {
    // TF.js's Emscripten glue reads these in Node. A browser has neither, and webpack 5 answers
    // `typeof __filename` with "string" in an ES module while leaving `__filename` itself
    // undefined (a ReferenceError in the worker): settle the question here.
    define: { __filename: 'undefined', __dirname: 'undefined' },
    plugins: [wasmUrls],
  });
  await buildWorkerBundle('src/sampler-worker/sampler-worker.ts', 'sampler-worker.js');
  await buildWorkerBundle('src/data-worker/data-worker.ts', 'data-worker.js');
  await buildWorkerBundle('src/analysis-worker/importance-worker.ts', 'analysis-worker.js');
}

function copyData(): void {
  mkdirSync(resolve(lib, 'datasets'), { recursive: true });
  copyFileSync(resolve(root, 'public/datasets/digits.csv'), resolve(lib, 'datasets/digits.csv'));
}

function buildTypes(): void {
  execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // The emitted files must not need Vite's ambient types: a consumer without Vite has none.
  for (const entry of ['src/index.d.ts', 'src/browser/index.d.ts', 'src/spec.d.ts']) {
    if (!existsSync(resolve(lib, 'types', entry))) throw new Error(`build-lib: tsc did not emit lib/types/${entry}`);
  }
}

/** The Studio without the test harness pages, for the CLI and for static hosting. */
async function buildApp(): Promise<void> {
  const appOnly: VitePlugin = {
    name: 'app-only',
    configResolved(config) {
      const options = config.build.rollupOptions as { input?: Record<string, string> };
      for (const key of Object.keys(options.input ?? {})) if (key.startsWith('harness-')) delete options.input?.[key];
    },
  };
  await viteBuild({
    root,
    logLevel: 'warn',
    plugins: [appOnly],
    build: { outDir: resolve(lib, 'app'), emptyOutDir: true, sourcemap: false },
  });
}

async function buildCli(): Promise<void> {
  await esbuild({
    absWorkingDir: root,
    entryPoints: { overdrive: 'scripts/sweep.ts' },
    outdir: resolve(lib, 'cli'),
    // Split, so the built-in examples' dynamic imports (and TF.js) stay unloaded in Node.
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Playwright is the one thing the CLI needs installed (an optional peer dependency); Vite
    // only ever loads from a checkout.
    external: ['playwright', 'vite', ...external],
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

const started = Date.now();
rmSync(lib, { recursive: true, force: true });
const only = process.argv[2];
if (only === undefined || only === 'js') {
  await buildEntries();
  await buildWorkers();
  copyData();
  await buildCli();
}
if (only === undefined || only === 'types') buildTypes();
if (only === undefined || only === 'app') await buildApp();
writeFileSync(resolve(lib, 'README.md'), 'Built by scripts/build-lib.ts: do not edit.\n');
process.stderr.write(`build-lib: lib/ built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
