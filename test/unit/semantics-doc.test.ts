import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Comments across the code say "semantics §n" for section n of docs/semantics.md. Those numbers
// are only worth something while the sections keep them, so this test fails when a reference
// points at a section that does not exist, or when the document's own links go nowhere.

const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/semantics.md'), 'utf8');

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const headings = [...doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1] as string);
const sections = [...doc.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1]));

/** Every text file the references may live in, outside dependencies and generated output. */
function sourceFiles(): string[] {
  const folders = ['src', 'test', 'bench', 'scripts', 'workers', 'examples'];
  const files = folders.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((path) => /\.(ts|js|mjs|md)$/.test(path) && !path.includes('node_modules'))
      .map((path) => join(folder, path)),
  );
  return [...files, 'README.md', 'CHANGELOG.md'];
}

describe('docs/semantics.md', () => {
  it('numbers its sections 1 to 12 in order, as the code refers to them', () => {
    expect(sections).toEqual(Array.from({ length: sections.length }, (_, i) => i + 1));
    expect(sections.length).toBeGreaterThanOrEqual(12);
  });

  it('has a working link for every entry of its contents and every other anchor it uses', () => {
    const anchors = new Set(headings.map(slug));
    const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThanOrEqual(12);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('has a section for every "semantics §n" in the code, tests and docs', () => {
    const existing = new Set(sections);
    const broken: string[] = [];
    let count = 0;
    for (const file of sourceFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/semantics(?:\.md)? §(\d+)/g)) {
        count += 1;
        if (!existing.has(Number(match[1]))) broken.push(`${file}: ${match[0]}`);
      }
    }
    // Guards against a pattern that silently matches nothing.
    expect(count).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });
});
