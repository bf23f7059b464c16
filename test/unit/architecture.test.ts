import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Enforces docs/architecture.md: its import table is read here, every import in src/ and workers/
// is checked against it, folders it does not list fail, cycles between folders and between files
// fail, and each row's layer must match the TypeScript project that checks it. Finally, the core
// project must reject a DOM reference planted in a core file.

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = 'docs/architecture.md';

/**
 * Known exceptions to the table, as `from row -> to row (or package)`, each with its reason in a
 * comment. Empty since the "One house" work: ErrorRecord sits beside the errors, the stored
 * backend reports in src/backend, wire types in the pool protocol only, and the Studio reaches
 * the engine through src/studio/engine.ts. An entry that no longer matches any import fails the
 * test, so a list can only shrink back to empty.
 */
const ALLOWED_TODAY: ReadonlySet<string> = new Set([]);

/** Cycles between rows, as their rows sorted and joined by ` <-> `. */
const CYCLES_TODAY: ReadonlySet<string> = new Set([]);

/** Cycles between files, as their paths sorted and joined by ` <-> `. */
const FILE_CYCLES_TODAY: ReadonlySet<string> = new Set([]);

interface Row {
  readonly path: string;
  readonly layer: string;
  readonly mayImport: readonly string[];
}

interface Import {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** Repository-relative path for a relative import, null for a package. */
  readonly target: string | null;
  /** A worker entry named by URL: a dependency the rules check, but a separate module graph. */
  readonly entryPoint: boolean;
}

function readTable(): Row[] {
  const text = readFileSync(join(ROOT, DOC), 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('Import rules'));
  if (section === undefined) throw new Error(`${DOC} has no "## Import rules" section`);
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const header = cells(lines[0] ?? '');
  if (header.join('|') !== 'folder|layer|may import') {
    throw new Error(`${DOC}: the import table's header must be | folder | layer | may import | (got ${header})`);
  }
  return lines.slice(2).map((line) => {
    const [path = '', layer = '', may = ''] = cells(line);
    const mayImport = may === '—' || may === '' ? [] : may.split(',').map((entry) => entry.trim());
    return { path, layer, mayImport };
  });
}

function cells(line: string): string[] {
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim().replaceAll('`', ''));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Array<{ specifier: string; pos: number; entryPoint: boolean }> = ts
    .preProcessFile(text, true, true)
    // `?worker&url` names a worker bundle (src/pool/sandbox), like `new URL(...)` below.
    .importedFiles.map((entry) => ({
      specifier: entry.fileName,
      pos: entry.pos,
      entryPoint: /\?worker\b/.test(entry.fileName),
    }));
  // A worker entry named by URL is a dependency too, though no import statement says so.
  for (const match of text.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g)) {
    found.push({ specifier: match[1] ?? '', pos: match.index, entryPoint: true });
  }
  return found.map(({ specifier, pos, entryPoint }) => {
    const bare = specifier.replace(/\?.*$/, '');
    const relativeImport = bare.startsWith('.');
    return {
      file,
      line: text.slice(0, pos).split('\n').length,
      specifier,
      entryPoint,
      target: relativeImport ? relative(ROOT, resolve(ROOT, dirname(file), bare)).replace(/\.js$/, '.ts') : null,
    };
  });
}

/** The longest row containing `path`: the row itself, a file under it, or `row.ts`. */
function rowOf(rows: readonly Row[], path: string): Row | undefined {
  const withoutExtension = path.replace(/\.(ts|js|json)$/, '');
  let best: Row | undefined;
  for (const row of rows) {
    const contains = path === row.path || withoutExtension === row.path || path.startsWith(`${row.path}/`);
    if (contains && (best === undefined || row.path.length > best.path.length)) best = row;
  }
  return best;
}

function packageAllowed(row: Row, specifier: string): boolean {
  const bare = specifier.replace(/\?.*$/, '');
  return row.mayImport.some((entry) => {
    if (entry.startsWith('src') || entry === 'workers' || entry === 'examples') return false;
    const pattern = new RegExp(`^${entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
    return pattern.test(bare);
  });
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  let targets = graph.get(from);
  if (targets === undefined) {
    targets = new Set();
    graph.set(from, targets);
  }
  targets.add(to);
}

const rows = readTable();
const files = [...sourceFiles('src'), ...sourceFiles('workers'), ...sourceFiles('examples')].sort();
const imports = files.flatMap(importsOf);

describe(`the import rules in ${DOC}`, () => {
  it('name real rows and known layers, once each', () => {
    const layers = new Set(['core', 'browser', 'workers', 'studio', 'tools']);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      if (!layers.has(row.layer)) problems.push(`${row.path}: unknown layer "${row.layer}"`);
      if (seen.has(row.path)) problems.push(`${row.path}: listed twice`);
      seen.add(row.path);
    }
    for (const row of rows) {
      for (const entry of row.mayImport) {
        const local = entry.startsWith('src') || entry === 'workers' || entry === 'examples';
        if (local && !seen.has(entry)) problems.push(`${row.path}: may import "${entry}", which is not a row`);
      }
    }
    expect(problems).toEqual([]);
    expect(rows.length).toBeGreaterThan(20);
  });

  it('cover every file in src/, workers/ and examples/', () => {
    const missing = files.filter((file) => rowOf(rows, file) === undefined);
    expect(missing, `add these folders to the table in ${DOC}`).toEqual([]);
  });

  it('allow every import in src/, workers/ and examples/ (or it is in ALLOWED_TODAY)', () => {
    const violations: string[] = [];
    const used = new Set<string>();
    for (const entry of imports) {
      const from = rowOf(rows, entry.file);
      if (from === undefined) continue;
      if (entry.target === null) {
        if (entry.specifier.startsWith('node:') || !packageAllowed(from, entry.specifier)) {
          const key = `${from.path} -> ${entry.specifier}`;
          if (ALLOWED_TODAY.has(key)) used.add(key);
          else violations.push(`${entry.file}:${entry.line}: ${from.path} may not import package "${entry.specifier}"`);
        }
        continue;
      }
      const to = rowOf(rows, entry.target);
      if (to === undefined) {
        violations.push(`${entry.file}:${entry.line}: imports ${entry.target}, which no row of ${DOC} covers`);
        continue;
      }
      if (to === from || from.mayImport.includes(to.path)) continue;
      const key = `${from.path} -> ${to.path}`;
      if (ALLOWED_TODAY.has(key)) used.add(key);
      else
        violations.push(
          `${entry.file}:${entry.line}: ${from.path} (${from.layer}) may not import ${to.path} (${to.layer})`,
        );
    }
    const stale = [...ALLOWED_TODAY]
      .filter((key) => !used.has(key))
      .map((key) => `ALLOWED_TODAY: "${key}" is gone: remove it`);
    expect([...violations, ...stale]).toEqual([]);
  });

  it('have no cycles between rows (or it is in CYCLES_TODAY)', () => {
    const graph = new Map<string, Set<string>>();
    for (const entry of imports) {
      const from = rowOf(rows, entry.file);
      const to = entry.target === null || entry.entryPoint ? undefined : rowOf(rows, entry.target);
      if (from !== undefined && to !== undefined && from !== to) addEdge(graph, from.path, to.path);
    }
    const found = cycles(graph).map((component) => component.join(' <-> '));
    expect(found.filter((cycle) => !CYCLES_TODAY.has(cycle))).toEqual([]);
    expect(
      [...CYCLES_TODAY].filter((cycle) => !found.includes(cycle)),
      'gone from the code: remove from CYCLES_TODAY',
    ).toEqual([]);
  });

  it('have no cycles between files (or it is in FILE_CYCLES_TODAY)', () => {
    const graph = new Map<string, Set<string>>();
    for (const entry of imports) {
      if (entry.target !== null && !entry.entryPoint && entry.target !== entry.file)
        addEdge(graph, entry.file, entry.target);
    }
    const found = cycles(graph).map((component) => component.join(' <-> '));
    expect(found.filter((cycle) => !FILE_CYCLES_TODAY.has(cycle))).toEqual([]);
    expect(
      [...FILE_CYCLES_TODAY].filter((cycle) => !found.includes(cycle)),
      'gone from the code: remove from FILE_CYCLES_TODAY',
    ).toEqual([]);
  });
});

function projectFiles(config: string): { options: ts.CompilerOptions; fileNames: Set<string> } {
  const path = join(ROOT, config);
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, path);
  return { options: parsed.options, fileNames: new Set(parsed.fileNames.map((name) => relative(ROOT, name))) };
}

describe('the TypeScript projects', () => {
  it("check each file in its row's layer: the core project holds exactly the core rows", () => {
    const projects = {
      core: projectFiles('tsconfig.core.json').fileNames,
      browser: projectFiles('tsconfig.browser.json').fileNames,
      workers: projectFiles('tsconfig.workers.json').fileNames,
      studio: projectFiles('tsconfig.studio.json').fileNames,
    };
    const problems: string[] = [];
    for (const file of files) {
      const layer = rowOf(rows, file)?.layer;
      if (layer === undefined) continue;
      const inCore = projects.core.has(file);
      if ((layer === 'core') !== inCore) {
        problems.push(`${file}: layer ${layer} in ${DOC}, but ${inCore ? 'in' : 'not in'} tsconfig.core.json`);
      }
      if ((layer === 'browser' || layer === 'workers' || layer === 'studio') && !projects[layer].has(file)) {
        problems.push(`${file}: layer ${layer} in ${DOC}, but not in tsconfig.${layer}.json`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reject a DOM reference planted in a core file (src/policy/bandit.ts)', () => {
    const { options } = projectFiles('tsconfig.core.json');
    const target = join(ROOT, 'src/policy/bandit.ts');
    const roots = [join(ROOT, 'types/web-platform-core.d.ts'), target];
    const diagnose = (plant: string): string[] => {
      const host = ts.createCompilerHost(options);
      const readFile = host.readFile.bind(host);
      host.readFile = (name) => {
        const text = readFile(name);
        return resolve(name) === target && text !== undefined ? `${text}\n${plant}\n` : text;
      };
      const program = ts.createProgram(roots, options, host);
      return ts
        .getPreEmitDiagnostics(program)
        .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    };
    expect(diagnose('')).toEqual([]);
    const planted = diagnose(
      'export const plantedTitle = document.title;\nexport const plantedHref = window.location.href;',
    );
    expect(planted).toEqual([
      expect.stringContaining("Cannot find name 'document'"),
      expect.stringContaining("Cannot find name 'window'"),
    ]);
  }, 60_000);
});
