import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY_HEADER } from '../src/security/content-security-policy.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a built app from `root` on 127.0.0.1 (a secure context for WebGPU and workers), plus
 * extra files mounted at fixed URL paths (a user's training module). Paths outside `root`
 * are refused, so a crafted URL cannot read the rest of the disk.
 */
export async function startStaticServer(
  root: string,
  mounts: Readonly<Record<string, string>> = {},
  port = 0,
  /** 'none' serves the app as a plain static host would: no security headers at all. */
  headers: 'csp' | 'none' = 'csp',
): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const mounted = mounts[path];
      let file = mounted ?? resolve(base, `.${normalize(path)}`);
      if (mounted === undefined && file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403).end('forbidden');
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = resolve(file, 'index.html');
        await stat(file);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...(headers === 'csp'
          ? {
              // Workers take their policy from their own response, not from the page's <meta>.
              'content-security-policy': CONTENT_SECURITY_POLICY_HEADER,
              'x-content-type-options': 'nosniff',
            }
          : {}),
      });
      createReadStream(file).pipe(response);
    })();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
