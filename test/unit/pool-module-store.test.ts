import { describe, expect, it } from 'vitest';
import { defaultModuleEntry, storedModuleLocation, storedModuleUrl } from '../../src/pool/module-store.js';

const ID = `sha256-${'ab'.repeat(32)}`;

describe('stored training modules: URLs and the entry file', () => {
  it('a stored file URL names the module and the path, and relative URLs resolve inside it', () => {
    const url = storedModuleUrl(ID, 'my trial/main.js');
    expect(url).toBe(`overdrive-module://${ID}/my%20trial/main.js`);
    expect(storedModuleLocation(url)).toEqual({ id: ID, path: 'my trial/main.js' });
    // What the module linker does with `import './lib/x.js'` and `new URL('../data.csv', import.meta.url)`.
    expect(storedModuleLocation(new URL('./lib/x.js', url).href)).toEqual({ id: ID, path: 'my trial/lib/x.js' });
    expect(storedModuleLocation(new URL('../data.csv', url).href)).toEqual({ id: ID, path: 'data.csv' });
  });

  it('anything else is not a stored module', () => {
    expect(storedModuleLocation('https://example.org/main.js')).toBeNull();
    expect(storedModuleLocation('overdrive-module://sha256-short/main.js')).toBeNull();
    expect(storedModuleLocation(`overdrive-module://${ID}/`)).toBeNull();
    expect(storedModuleLocation(`overdrive-module:${ID}/main.js`)).toBeNull();
  });

  it('the entry is the only script, else main/index/train nearest the top, else the first script', () => {
    expect(defaultModuleEntry(['only.mjs', 'weights.json'])).toBe('only.mjs');
    expect(defaultModuleEntry(['t/lib/a.js', 't/helpers.js', 't/main.js', 't/lib/main.js'])).toBe('t/main.js');
    expect(defaultModuleEntry(['b.js', 'a.js'])).toBe('a.js');
    expect(defaultModuleEntry(['data.csv'])).toBeUndefined();
  });
});
