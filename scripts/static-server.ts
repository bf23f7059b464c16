import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, normalize, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY_HEADER } from '../src/security/content-security-policy.js';
import { inside } from './spec-folder.js';

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
 * extra files or folders mounted at fixed URL paths (a user's training module: a key ending in
 * `/` mounts a folder). Nothing outside `root` or a mounted folder is served: not through `..`,
 * and not through a symbolic link that leads out of it, so a crafted URL cannot read the rest of
 * the disk.
 */
export async function startStaticServer(
  root: string,
  mounts: Readonly<Record<string, string>> = {},
  port = 0,
  /** 'none' serves the app as a plain static host would: no security headers at all. */
  headers: 'csp' | 'none' = 'csp',
): Promise<StaticServer> {
  const base = await realpath(resolve(root));
  const folders = await Promise.all(
    Object.entries(mounts)
      .filter(([url]) => url.endsWith('/'))
      .map(async ([url, dir]) => [url, await realpath(resolve(dir))] as const),
  );
  const server: Server = createServer((request, response) => {
    void (async () => {
      let path: string;
      try {
        path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        response.writeHead(400).end('bad request');
        return;
      }
      const mountedFile = path.endsWith('/') ? undefined : mounts[path];
      const folder = folders.find(([url]) => path.startsWith(url));
      const [dir, rest] = folder === undefined ? [base, path] : [folder[1], path.slice(folder[0].length - 1)];
      let file = mountedFile ?? resolve(dir, `.${normalize(rest)}`);
      if (mountedFile === undefined && !inside(dir, file)) {
        response.writeHead(403).end('forbidden');
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = resolve(file, 'index.html');
        // A symbolic link inside the folder may point anywhere: judge where it really leads.
        if (mountedFile === undefined && !inside(dir, await realpath(file))) {
          response.writeHead(403).end('forbidden');
          return;
        }
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
