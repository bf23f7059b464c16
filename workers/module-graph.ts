// The asm.js build of the lexer: no WebAssembly, so it runs in the sandbox frame's worker whatever
// that frame's policy says about compiling WebAssembly (and, unlike the WebAssembly build, no init to await).
import { parse } from 'es-module-lexer/js';
import { isHtmlType } from './html-fallback.js';

/**
 * Links a training module and the files it imports into blob: URLs a worker can `import()`.
 *
 * Why: a sandboxed trial worker lives in an opaque origin and cannot import the app's files
 * itself, so each module's text is fetched through the page and imported from a blob: URL. A
 * blob: URL has no folder, so `import './helpers.js'` inside it resolves to nothing. This reads
 * the module's imports with a real lexer (comments, strings and template literals are not
 * mistaken for imports), loads each relative one the same way, and rewrites its specifier to
 * the neighbour's blob: URL; `import.meta.url` becomes the module's real URL, so
 * `new URL('./data.csv', import.meta.url)` still points next to the module.
 *
 * A file that is missing, or that the host answers with an HTML page (a static host's fallback
 * to index.html), is an error naming its URL, the module that imports it and the status, not the
 * browser's "Failed to fetch dynamically imported module".
 */

export type ModuleFetch = (url: string) => Promise<Response>;

/** Turns module text into a URL the worker can import (a blob: URL in the worker). */
export type PublishModule = (text: string, type: 'text/javascript' | 'application/json') => string;

export class ModuleGraphError extends Error {
  override readonly name = 'ModuleGraphError';
}

/** Static, export-from and literal dynamic imports that point at a neighbour file. */
function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
}

const JSON_TYPE = /^\s*(?:application|text)\/(?:[a-z.+-]*\+)?json\b/i;

function defaultPublish(text: string, type: 'text/javascript' | 'application/json'): string {
  return URL.createObjectURL(new Blob([text], { type }));
}

/**
 * Loads `entry` and everything it imports relatively; returns the URL to `import()`. Bare
 * specifiers (`'@tensorflow/tfjs'`) are left as they are: there is no import map in a worker.
 */
export async function linkModuleGraph(
  entry: string,
  load: ModuleFetch,
  publish: PublishModule = defaultPublish,
): Promise<string> {
  const linked = new Map<string, Promise<string>>();

  const link = (url: string, importer: string | null, chain: readonly string[]): Promise<string> => {
    if (chain.includes(url)) {
      // A blob: URL must exist before the text that names it, so a cycle cannot be expressed.
      const cycle = [...chain.slice(chain.indexOf(url)), url].map(shortName).join(' → ');
      return Promise.reject(
        new ModuleGraphError(
          `training module ${url}: import cycle ${cycle}; a picked or sandboxed module's files cannot import each other in a circle (move the shared part into a third file)`,
        ),
      );
    }
    let done = linked.get(url);
    if (done === undefined) {
      done = linkOne(url, importer, [...chain, url]);
      linked.set(url, done);
    }
    return done;
  };

  const linkOne = async (url: string, importer: string | null, chain: readonly string[]): Promise<string> => {
    const what = importer === null ? `training module ${url}` : `${url} (imported by ${importer})`;
    let response: Response;
    try {
      response = await load(url);
    } catch (error) {
      throw new ModuleGraphError(
        `${what} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const type = response.headers.get('content-type');
    if (!response.ok) {
      // A short plain-text answer says why (the module store names what is missing): pass it on.
      const body = type !== null && /^\s*text\/plain\b/i.test(type) ? (await response.text()).trim() : '';
      const why = body !== '' && body.length <= 400 ? `: ${body}` : '';
      throw new ModuleGraphError(
        `${what} could not be loaded: HTTP ${response.status}${response.status === 404 ? ' (no such file)' : ''}${why}`,
      );
    }
    // A module is never HTML: an HTML answer is a host's page standing in for a missing file.
    if (isHtmlType(type)) {
      throw new ModuleGraphError(
        `${what} could not be loaded: the server answered with an HTML page (HTTP ${response.status}, ${type ?? ''}), not JavaScript: is there a file at that path?`,
      );
    }
    const text = await response.text();
    if ((type !== null && JSON_TYPE.test(type)) || /\.json$/i.test(new URL(url).pathname)) {
      return publish(text, 'application/json');
    }
    let imports: ReturnType<typeof parse>[0];
    try {
      [imports] = parse(text, url);
    } catch {
      // The lexer only says "Parse error". The engine's own SyntaxError says what and where:
      // importing the text alone gives it without running anything (a module that does not parse
      // never runs), and if the engine does parse it the lexer was wrong and the module is used.
      const published = publish(text, 'text/javascript');
      try {
        await import(/* webpackIgnore: true */ /* @vite-ignore */ published);
        return published;
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new ModuleGraphError(`${what} is not a valid JavaScript module: ${why}`);
      }
    }
    const edits: { start: number; end: number; text: string }[] = [];
    // One import at a time, depth first: every module still being linked is then on `chain`, so
    // a cycle is reported instead of two modules waiting on each other.
    for (const item of imports) {
      if (item.d === -2) {
        // import.meta: only `.url` is given a value; the rest of import.meta is left alone.
        if (text.startsWith('.url', item.e)) edits.push({ start: item.s, end: item.e + 4, text: JSON.stringify(url) });
        continue;
      }
      const specifier = item.n;
      if (specifier === undefined || !isRelative(specifier)) continue;
      let target: string;
      try {
        target = new URL(specifier, url).href;
      } catch {
        // A blob: URL (one file picked from disk) has no folder for a neighbour to be in.
        throw new ModuleGraphError(
          `${what} imports ${JSON.stringify(specifier)}, which cannot be found from ${url}: a module that imports its own files must be picked together with them (several files or a folder), or served from a folder`,
        );
      }
      const published = await link(target, url, chain);
      // A static specifier's span excludes its quotes; a dynamic one's is the whole string literal.
      edits.push({ start: item.s, end: item.e, text: item.d === -1 ? published : JSON.stringify(published) });
    }
    let out = '';
    let at = 0;
    for (const edit of edits) {
      out += text.slice(at, edit.start) + edit.text;
      at = edit.end;
    }
    out += text.slice(at);
    return publish(out, 'text/javascript');
  };

  return link(entry, null, []);
}

function shortName(url: string): string {
  try {
    const path = new URL(url).pathname;
    return path.slice(path.lastIndexOf('/') + 1) || url;
  } catch {
    return url;
  }
}
