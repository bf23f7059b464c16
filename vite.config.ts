import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from './src/security/content-security-policy.js';

/**
 * Puts the policy into every built page. Not in `vite dev`: its hot-reload client injects
 * inline styles and scripts, which the policy rightly refuses.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'overdrive-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

// Browser tests load small harness pages that expose the runtime to Playwright; they are built
// next to the app so tests run against the same production bundle a user gets.
const harnessDir = resolve(import.meta.dirname, 'test/browser/pages');
const harnessPages = Object.fromEntries(
  readdirSync(harnessDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => [`harness-${entry.name.replace(/\.html$/, '')}`, resolve(harnessDir, entry.name)]),
);

/**
 * claygl (under echarts-gl's 3-D charts) compiles size expressions with `new Function`, which
 * the policy refuses; swap in a parser for the same tiny language (src/studio/charts/safe-expression.ts).
 */
function noEvalInCharts(): Plugin {
  const safe = resolve(import.meta.dirname, 'src/studio/charts/safe-expression.ts');
  const unsafe = "var func = new Function('width', 'height', 'dpr', 'return ' + exprRes[1]);";
  return {
    name: 'overdrive-no-eval-in-charts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('claygl/src/createCompositor.js')) return null;
      if (!code.includes(unsafe)) this.error('claygl changed: its compositor no longer reads size expressions as expected');
      return `import { compileSizeExpression as __compileSizeExpression } from ${JSON.stringify(safe)};\n${code.replace(unsafe, 'var func = __compileSizeExpression(exprRes[1]);')}`;
    },
  };
}

export default defineConfig({
  plugins: [contentSecurityPolicy(), noEvalInCharts()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // TF.js alone is well over the default 500 kB warning threshold.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      output: {
        entryFileNames: (chunk) => (chunk.name === 'overdrive-run-details' ? 'overdrive-run-details.js' : 'assets/[name]-[hash].js'),
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
