import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { moduleInFolder, TRIAL_FOLDER_URL } from '../../scripts/spec-folder.js';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';

// The CLI serves a spec's training module and the folder it sits in, nothing else: a spec is
// often someone else's file, and must not be able to publish the rest of the disk to the page.
describe('the CLI serves only the spec folder', () => {
  let dir: string;
  let specs: string;
  let server: StaticServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overdrive-spec-folder-'));
    specs = join(dir, 'specs');
    await mkdir(join(specs, 'lib'), { recursive: true });
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'index.html'), '<p>app</p>');
    await writeFile(join(specs, 'trial.js'), "import './lib/model.js'; export default function train() {}");
    await writeFile(join(specs, 'lib', 'model.js'), 'export const model = 1;');
    await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    await symlink(join(dir, 'secret.txt'), join(specs, 'link.js'));
    await symlink(dir, join(specs, 'up'));
    await symlink(join(dir, 'secret.txt'), join(dir, 'app', 'leak.js'));
    server = await startStaticServer(join(dir, 'app'), { [TRIAL_FOLDER_URL]: specs });
  });
  afterAll(() => server.close());

  const refusal = async (path: string): Promise<ConfigError> => {
    const error = await moduleInFolder(specs, path, 'trial.module').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  };

  it('accepts a module in the folder or below it, and serves it with its neighbours', async () => {
    const served = await moduleInFolder(specs, 'trial.js', 'trial.module');
    expect(served.url).toBe('/user-trials/trial.js');
    expect(await (await fetch(`${server.url}${served.url}`)).text()).toContain('export default');
    expect((await moduleInFolder(specs, './lib/model.js', 'trial.module')).url).toBe('/user-trials/lib/model.js');
    expect(await (await fetch(`${server.url}/user-trials/lib/model.js`)).text()).toContain('model = 1');
  });

  it('refuses ../ paths, absolute paths and symbolic links out of the folder, naming field, rule and value', async () => {
    const up = await refusal('../../etc/passwd');
    expect(up.field).toBe('trial.module');
    expect(up.rule).toContain("must name a file inside the spec's folder");
    expect(up.rule).toContain('leads out of the folder');
    expect(up.message).toContain('(got "../../etc/passwd")');
    expect((await refusal('/etc/passwd')).rule).toContain('an absolute path is not allowed');
    expect((await refusal(join(specs, 'trial.js'))).rule).toContain('an absolute path');
    expect((await refusal('link.js')).rule).toContain('a symbolic link leads out of the folder');
    expect((await refusal('up/secret.txt')).rule).toContain('a symbolic link leads out of the folder');
    expect((await refusal('missing.js')).rule).toContain('must name an existing file');
    expect((await refusal('lib')).rule).toContain('not a folder');
  });

  it('the server refuses the same escapes by URL', async () => {
    for (const path of [
      '/user-trials/link.js',
      '/user-trials/up/secret.txt',
      '/user-trials/..%2fsecret.txt',
      '/user-trials/%2e%2e/secret.txt',
      '/leak.js',
      '/..%2fsecret.txt',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).not.toBe(200);
      expect(await response.text(), path).not.toContain('TOP-SECRET');
    }
  });

  it('npm run sweep refuses a spec that names a file out of its folder, before building or serving', async () => {
    const spec = join(specs, 'steal.json');
    await writeFile(
      spec,
      JSON.stringify({
        experiment_name: 'steal',
        trial: { module: '../secret.txt' },
        search_space: { lr: { type: 'choice', values: [0.1] } },
        sampling_algorithm: 'grid',
        objective: { primary_metric: 'loss', goal: 'minimize' },
        limits: { max_total_trials: 1 },
      }),
    );
    const result = spawnSync('npx', ['tsx', 'scripts/sweep.ts', spec, '--no-build'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`spec error in ${spec}: trial.module: must name a file inside the spec's folder`);
    expect(result.stderr).toContain('(got "../secret.txt")');
  }, 60_000);
});
