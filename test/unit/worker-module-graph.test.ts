import { describe, expect, it } from 'vitest';
import { htmlInsteadOf } from '../../workers/html-fallback.js';
import { linkModuleGraph, type ModuleFetch, type PublishModule } from '../../workers/module-graph.js';

// The linker with an in-memory host: `files` maps URL to [content type, text]; anything else is a 404.
function host(files: Record<string, [string, string]>): { load: ModuleFetch; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    load: async (url) => {
      asked.push(url);
      const file = files[url];
      if (file === undefined) return new Response('not found', { status: 404 });
      return new Response(file[1], { status: 200, headers: { 'content-type': file[0] } });
    },
  };
}

function publisher(): { publish: PublishModule; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  return {
    texts,
    publish: (text, type) => {
      const url = `blob:test/${texts.size}-${type === 'application/json' ? 'json' : 'js'}`;
      texts.set(url, text);
      return url;
    },
  };
}

const JS = 'text/javascript';
const BASE = 'http://127.0.0.1/user-trials/';

describe('linking a module with its own files', () => {
  it('rewrites relative static, export-from and dynamic imports, and import.meta.url', async () => {
    const { load } = host({
      [`${BASE}main.js`]: [
        JS,
        [
          "import { scale } from './helpers.js';",
          "export * from './lib/more.js';",
          "// import './not-an-import.js' inside a comment",
          'const s = "import \'./nor-in-a-string.js\'";',
          "import * as tf from '@tensorflow/tfjs';",
          "const late = await import('./lib/more.js');",
          "const data = new URL('./data.csv', import.meta.url);",
          'export default async function train() { return scale(2); }',
        ].join('\n'),
      ],
      [`${BASE}helpers.js`]: [JS, 'export const scale = (x) => x * 3;'],
      [`${BASE}lib/more.js`]: [JS, "import { scale } from '../helpers.js'; export const more = scale(1);"],
    });
    const { publish, texts } = publisher();
    const entry = await linkModuleGraph(`${BASE}main.js`, load, publish);
    const main = texts.get(entry) ?? '';
    const [helpers, more] = [...texts.keys()];
    expect(main).toContain(`import { scale } from '${helpers}';`);
    expect(main).toContain(`export * from '${more}';`);
    expect(main).toContain(`await import(${JSON.stringify(more)})`);
    expect(main).toContain(`new URL('./data.csv', ${JSON.stringify(`${BASE}main.js`)})`);
    // Comments, strings and bare specifiers are left as they were.
    expect(main).toContain("// import './not-an-import.js' inside a comment");
    expect(main).toContain('"import \'./nor-in-a-string.js\'"');
    expect(main).toContain("from '@tensorflow/tfjs'");
    // helpers.js is linked once though two modules import it.
    expect(texts.get(more ?? '')).toBe(`import { scale } from '${helpers}'; export const more = scale(1);`);
    expect(texts.size).toBe(3);
  });

  it('names the missing file, the module importing it and the status', async () => {
    const { load } = host({ [`${BASE}main.js`]: [JS, "import './helpres.js'; export default () => {};"] });
    await expect(linkModuleGraph(`${BASE}main.js`, load, publisher().publish)).rejects.toThrow(
      `${BASE}helpres.js (imported by ${BASE}main.js) could not be loaded: HTTP 404 (no such file)`,
    );
  });

  it("names a host's index page answered for a missing file", async () => {
    const { load } = host({
      [`${BASE}main.js`]: [JS, "import './gone.js'; export default () => {};"],
      [`${BASE}gone.js`]: ['text/html; charset=utf-8', '<!doctype html><title>app</title>'],
    });
    await expect(linkModuleGraph(`${BASE}main.js`, load, publisher().publish)).rejects.toThrow(
      `${BASE}gone.js (imported by ${BASE}main.js) could not be loaded: the server answered with an HTML page (HTTP 200, text/html; charset=utf-8), not JavaScript`,
    );
  });

  it('reports an import cycle instead of waiting forever', async () => {
    const { load } = host({
      [`${BASE}main.js`]: [JS, "import './a.js'; import './b.js';"],
      [`${BASE}a.js`]: [JS, "import './b.js';"],
      [`${BASE}b.js`]: [JS, "import './a.js';"],
    });
    await expect(linkModuleGraph(`${BASE}main.js`, load, publisher().publish)).rejects.toThrow(
      'import cycle a.js → b.js → a.js',
    );
  });

  it('a single picked file (a blob: URL) that imports a neighbour is told to pick them together', async () => {
    const url = 'blob:http://127.0.0.1/1c1e0a6e-0000-4000-8000-000000000000';
    const { load } = host({ [url]: [JS, "import './helpers.js';"] });
    await expect(linkModuleGraph(url, load, publisher().publish)).rejects.toThrow(
      'must be picked together with them (several files or a folder)',
    );
  });

  it('a syntax error names the file', async () => {
    const { load } = host({ [`${BASE}main.js`]: [JS, 'export default function ( {'] });
    await expect(linkModuleGraph(`${BASE}main.js`, load, publisher().publish)).rejects.toThrow(
      `training module ${BASE}main.js is not a valid JavaScript module`,
    );
  });

  it('JSON files are published as JSON, not lexed', async () => {
    const { load } = host({
      [`${BASE}main.js`]: [JS, "import cfg from './cfg.json' with { type: 'json' }; export default () => cfg;"],
      [`${BASE}cfg.json`]: ['application/json', '{"units": 8}'],
    });
    const { publish, texts } = publisher();
    await linkModuleGraph(`${BASE}main.js`, load, publish);
    expect([...texts.keys()][0]).toMatch(/json$/);
  });
});

describe("telling a host's index page from the file asked for", () => {
  it('flags HTML only where the path names a file that is not HTML', () => {
    expect(htmlInsteadOf('http://h/data/mine.csv', 'text/html; charset=utf-8')).toBe(true);
    expect(htmlInsteadOf('http://h/data/mine', 'text/html')).toBe(true);
    expect(htmlInsteadOf('http://h/data/mine.csv', 'text/csv')).toBe(false);
    expect(htmlInsteadOf('http://h/page.html', 'text/html')).toBe(false);
    expect(htmlInsteadOf('http://h/folder/', 'text/html')).toBe(false);
    expect(htmlInsteadOf('http://h/data/mine.csv', null)).toBe(false);
  });
});
