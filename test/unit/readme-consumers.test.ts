import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's install examples are the files the consumer tests build and run
// (test/browser/consumers.test.ts): each is quoted under a `<!-- test/consumers/… -->` marker,
// and every fixture a reader would copy is quoted.
const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

function quoted(): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- (test\/consumers\/[^ ]+) -->\n```[a-z]*\n([\s\S]*?)```\n/g)) {
    blocks.set(match[1] as string, match[2] as string);
  }
  return blocks;
}

function fixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? fixtures(path) : [relative(root, path)];
  });
}

describe('README install examples', () => {
  const blocks = quoted();

  it('quote every consumer fixture except the type-check project', () => {
    const expected = fixtures(resolve(root, 'test/consumers'))
      .filter((path) => !path.startsWith('test/consumers/typecheck/'))
      .sort();
    expect([...blocks.keys()].sort()).toEqual(expected);
  });

  it.each([...blocks.keys()])('%s is quoted exactly', (path) => {
    expect(blocks.get(path)).toBe(readFileSync(resolve(root, path), 'utf8'));
  });
});
