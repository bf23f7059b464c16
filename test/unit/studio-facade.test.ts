// The Studio reaches the engine through src/studio/engine.ts only: no other Studio module imports
// (statically, dynamically, or for types) anything outside src/studio. This reads the import
// statements of every Studio source file, so a new reach past the facade fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const STUDIO = join(ROOT, 'src/studio');
const FACADE = join(STUDIO, 'engine.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Comments removed, so an import written in a comment is not read as one. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The module specifiers a file imports or re-exports, statically or with import(). */
function importSpecifiers(source: string): string[] {
  const code = withoutComments(source);
  const patterns = [
    // import x from '…', import { a } from '…', import type { T } from '…', export … from '…'
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    // import '…' (side effects only)
    /\bimport\s*['"]([^'"]+)['"]/g,
    // import('…'), typeof import('…')
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/** Where a specifier points when it leaves src/studio: a path outside it, or a package. */
function outsideStudio(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return specifier;
  const target = resolve(dirname(file), specifier.split('?')[0] ?? specifier);
  return target === STUDIO || target.startsWith(STUDIO + sep) ? null : relative(ROOT, target);
}

/** Packages the Studio draws with: libraries, not engine code. */
const LIBRARIES = [/^echarts(\/|$)/, /^echarts-gl(\/|$)/];

describe('the Studio reaches the engine through src/studio/engine.ts only', () => {
  it('reads the import forms it checks', () => {
    const source = [
      "import a from '../a.js';",
      "import type { B } from '../../b.js';",
      "export { c } from './c.js';",
      "import './d.css';",
      "const e = await import('../e.js');",
      "type F = typeof import('../f.js');",
      "// import g from '../g.js';",
      "import {\n  h,\n  type H,\n} from '../h.js';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      ['../a.js', '../../b.js', './c.js', './d.css', '../e.js', '../f.js', '../h.js'].sort(),
    );
  });

  it('has no other Studio module import from outside src/studio', () => {
    const files = sourceFiles(STUDIO);
    expect(files).toContain(FACADE);
    const offenders = files
      .filter((file) => file !== FACADE)
      .flatMap((file) =>
        importSpecifiers(readFileSync(file, 'utf8'))
          .map((specifier) => ({ specifier, target: outsideStudio(file, specifier) }))
          .filter(({ target }) => target !== null && !LIBRARIES.some((library) => library.test(target)))
          .map(({ specifier }) => `${relative(ROOT, file)} imports ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds a planted reach past the facade', () => {
    const planted = join(STUDIO, 'pages', 'planted.ts');
    expect(outsideStudio(planted, '../../store/records.js')).toBe('src/store/records.js');
    expect(outsideStudio(planted, '../engine.js')).toBeNull();
    expect(outsideStudio(planted, '../styles/studio.css?inline')).toBeNull();
  });
});
