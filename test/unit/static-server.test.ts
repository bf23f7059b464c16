import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';

describe('static server for the CLI', () => {
  let server: StaticServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overdrive-static-'));
    await mkdir(join(dir, 'root', 'assets'), { recursive: true });
    await writeFile(join(dir, 'root', 'index.html'), '<p>app</p>');
    await writeFile(join(dir, 'root', 'assets', 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
    await writeFile(join(dir, 'secret.txt'), 'secret');
    await writeFile(join(dir, 'trial.js'), 'export default function train() {}');
    server = await startStaticServer(join(dir, 'root'), { '/user-trials/trial.js': join(dir, 'trial.js') });
  });
  afterAll(() => server.close());

  it('serves the app with the right content types', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<p>app</p>');
    const wasm = await fetch(`${server.url}/assets/x.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });

  it('serves mounted files and refuses paths outside the root', async () => {
    const trial = await fetch(`${server.url}/user-trials/trial.js`);
    expect(trial.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await trial.text()).toContain('export default');
    expect((await fetch(`${server.url}/..%2fsecret.txt`)).status).not.toBe(200);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });
});
