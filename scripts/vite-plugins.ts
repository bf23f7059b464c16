// Build plugins shared by the app's vite.config.ts and the benchmark's bench/vite.config.ts, so the
// bench measures the Studio exactly as it ships (same policy, same chart patch).
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../src/security/content-security-policy.js';
import { netlifyHeadersFile, nginxHeadersSnippet } from '../src/security/static-host-headers.js';

/**
 * Puts the policy into every built page. Not in `vite dev`: its hot-reload client injects
 * inline styles and scripts, which the policy rightly refuses.
 */
export function contentSecurityPolicy(options: { readonly only?: (htmlPath: string) => boolean } = {}): Plugin {
  return {
    name: 'overdrive-content-security-policy',
    apply: 'build',
    transformIndexHtml: (_html, context) =>
      options.only !== undefined && !options.only(context.filename)
        ? []
        : [
            {
              tag: 'meta',
              attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
              injectTo: 'head-prepend',
            },
          ],
  };
}

/**
 * claygl (under echarts-gl's 3-D charts) compiles size expressions with `new Function`, which
 * the policy refuses; swap in a parser for the same tiny language (src/studio/charts/safe-expression.ts).
 */
export function noEvalInCharts(): Plugin {
  const safe = resolve(import.meta.dirname, '../src/studio/charts/safe-expression.ts');
  const unsafe = "var func = new Function('width', 'height', 'dpr', 'return ' + exprRes[1]);";
  return {
    name: 'overdrive-no-eval-in-charts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('claygl/src/createCompositor.js')) return null;
      if (!code.includes(unsafe))
        this.error('claygl changed: its compositor no longer reads size expressions as expected');
      return `import { compileSizeExpression as __compileSizeExpression } from ${JSON.stringify(safe)};\n${code.replace(unsafe, 'var func = __compileSizeExpression(exprRes[1]);')}`;
    },
  };
}

/**
 * Writes the security headers for common static hosts next to the built app: `_headers`
 * (Netlify, Cloudflare Pages) and `nginx-security-headers.conf` (see README, "Security").
 */
export function staticHostHeaders(): Plugin {
  return {
    name: 'overdrive-static-host-headers',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: netlifyHeadersFile() });
      this.emitFile({ type: 'asset', fileName: 'nginx-security-headers.conf', source: nginxHeadersSnippet() });
    },
  };
}
