import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The README shows the training-module contract as a complete example, and the test suite runs
// examples/custom-trial.js through the CLI. They must be the same bytes, or the README shows code
// nobody runs.

const root = join(import.meta.dirname, '../..');
const MODULE = 'examples/custom-trial.js';

/** The first ```js block after the README's mention of `path`, exactly as written between its fences. */
function readmeBlockAfter(readme: string, path: string): string {
  const mention = readme.indexOf(`\`${path}\``);
  if (mention < 0) throw new Error(`README.md no longer mentions \`${path}\``);
  const open = readme.indexOf('\n```js\n', mention);
  if (open < 0) throw new Error(`README.md has no \`\`\`js block after its mention of ${path}`);
  const start = open + '\n```js\n'.length;
  const close = readme.indexOf('\n```\n', start);
  if (close < 0) throw new Error(`README.md's \`\`\`js block after ${path} is never closed`);
  // The newline before the closing fence ends the block's last line.
  return readme.slice(start, close + 1);
}

it(`the README's training-module example is byte-identical to ${MODULE}`, () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const file = readFileSync(join(root, MODULE), 'utf8');
  const block = readmeBlockAfter(readme, MODULE);
  // Guard against matching some other, shorter block.
  expect(block).toContain('export default async function train(params, run, env)');
  expect(block).toBe(file);
});
