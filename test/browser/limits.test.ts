import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type FileChooser, type Page, test } from '@playwright/test';
import { BUILTIN_EXAMPLES } from '../../src/examples/registry.js';
import { fnv1a32 } from '../../src/math/index.js';
import { SEARCH_SPACE_LIMITS as L } from '../../src/space/limits.js';
import {
  decodeShareLink,
  encodeShareLink,
  exportSweepJobYaml,
  normalizeSweepFile,
  parseSweepJobText,
  type SweepFile,
  toOptunaScript,
} from '../../src/sweep-file/index.js';
import { toBase64Url } from '../../src/sweep-file/share-link.js';
import { openStudio } from './studio-fixtures.js';

// Specs at the size limits go through the Studio's spec worker (issue 13, item 4): pasted,
// uploaded, opened from a share link and exported, the built app must give exactly what the
// parser and exporters give in Node, and one step past a limit the parser's own message. How
// long the page's tasks are is measured by the bench (section "limits"), not asserted here.

const options = { builtinTrials: BUILTIN_EXAMPLES };

function specWith(searchSpace: Record<string, unknown>): Record<string, unknown> {
  return {
    experiment_name: 'limits',
    trial: 'spiral',
    search_space: searchSpace,
    sampling_algorithm: 'random',
    objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
    limits: { max_total_trials: 10 },
  };
}

const parameters = (n: number): Record<string, unknown> =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `p${i}`,
      i % 2 === 0 ? { type: 'uniform', min_value: 0, max_value: 1 } : { type: 'choice', values: [1, 2, 3] },
    ]),
  );

const values = (total: number): Record<string, unknown> =>
  Object.fromEntries(
    Array.from({ length: Math.ceil(total / L.maxChoiceValues) }, (_, k) => [
      `c${k}`,
      {
        type: 'choice',
        values: Array.from(
          { length: Math.min(L.maxChoiceValues, total - k * L.maxChoiceValues) },
          (_, i) => `v${k}-${i}`,
        ),
      },
    ]),
  );

function nested(depth: number): unknown {
  let inner: unknown = { type: 'choice', values: [1, 2] };
  for (let i = 0; i < depth; i += 1) inner = { type: 'choice', values: ['flat', { [`n${i}`]: inner }] };
  return inner;
}

async function openSpecPanel(page: Page): Promise<void> {
  const summary = page.locator('.spec-panel > summary');
  if ((await page.locator('.spec-panel[open]').count()) === 0) await summary.click();
}

/** Clicks an export action and returns the downloaded file's text. */
async function download(page: Page, action: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.locator(`[data-action="${action}"]`).click(),
  ]);
  return readFile(await file.path(), 'utf8');
}

async function formHolds(page: Page, spec: SweepFile): Promise<void> {
  const names = Object.keys(spec.search_space);
  await expect(page.locator('[data-row]')).toHaveCount(names.length, { timeout: 120_000 });
  await expect(page.locator(`[data-row][data-param="${names.at(-1)}"]`)).toHaveCount(1);
  await expect(page.locator('.builder-summary .ok')).toContainText('Ready', { timeout: 60_000 });
}

test('specs at the limits import, apply and export exactly as the parser and exporters give them', async ({ page }) => {
  test.setTimeout(420_000);
  const errors = await openStudio(page, `limits-${Date.now()}`);
  const cases: [string, Record<string, unknown>][] = [
    [`${L.maxParameters} parameters`, specWith(parameters(L.maxParameters))],
    [`${L.maxValues} values in all`, specWith(values(L.maxValues))],
    [`nested ${L.maxNestingDepth} deep`, specWith({ x: nested(L.maxNestingDepth) })],
  ];
  for (const [name, input] of cases) {
    const text = JSON.stringify(input);
    const spec = normalizeSweepFile(input, options);
    // Pasted and applied.
    await openSpecPanel(page);
    await page.getByTestId('spec-json').fill(text);
    await page.getByTestId('apply-spec').click();
    await formHolds(page, spec);
    await expect(page.locator('.spec-panel .field-error').first(), name).toHaveText('');
    // Pasted text over the box's limit leaves the box once the form holds it (laid out again
    // with the form, 483 KiB of it was one long task); the note offers the form's JSON instead.
    if (text.length > 64 * 1024) await expect(page.getByTestId('spec-json'), name).toHaveValue('');
    else await expect(page.getByTestId('spec-json'), name).not.toHaveValue('');
    await openSpecPanel(page);
    if (text.length > 64 * 1024) await expect(page.getByTestId('large-spec'), name).toContainText('KiB of JSON');
    expect(JSON.parse(await download(page, 'download-spec')), name).toEqual(spec);
    expect(await download(page, 'download-azure-yaml'), name).toBe(exportSweepJobYaml(spec).text);
    expect(await download(page, 'download-optuna'), name).toBe(toOptunaScript(spec).text);
    // The share link the Studio writes holds the same sweep.
    // Over the link limits (50,000 values: 483 KiB) the encoder's own refusal, word for word.
    let refusal = '';
    try {
      await encodeShareLink(spec, page.url());
    } catch (error) {
      refusal = (error as Error).message;
    }
    await page.locator('[data-action="share-link"]').click();
    if (refusal === '') {
      // Written in the spec worker: compacting 1,000 parameters takes seconds there, off the page.
      await expect(page.getByTestId('share-link')).not.toHaveValue('', { timeout: 120_000 });
      const link = await page.getByTestId('share-link').inputValue();
      expect((await decodeShareLink(link, options)).spec, name).toEqual(spec);
    } else {
      await expect(page.locator('.sweep-file-actions [role="status"]'), name).toHaveText(refusal, { timeout: 120_000 });
      await expect(page.getByTestId('share-link'), name).toBeHidden();
    }
    // Uploaded as a file, after the form went back to a small example.
    await page.getByTestId('use-example').click();
    await expect(page.locator('[data-row]')).not.toHaveCount(Object.keys(spec.search_space).length);
    await page
      .getByTestId('upload-spec')
      .setInputFiles({ name: 'limits.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await formHolds(page, spec);
    await openSpecPanel(page);
    expect(JSON.parse(await download(page, 'download-spec')), `${name}, uploaded`).toEqual(spec);
    // A spec too large for the box is not laid out there unasked; the person can still show it.
    if (JSON.stringify(spec, null, 2).length > 64 * 1024) {
      await expect(page.getByTestId('large-spec')).toContainText('KiB of JSON');
      await expect(page.getByTestId('spec-json')).toHaveValue('');
      await page.getByTestId('show-large-spec').click();
      await expect(page.getByTestId('spec-json')).not.toHaveValue('');
      await expect(page.getByTestId('large-spec')).toBeHidden();
    }
  }
  // The spec was read in the spec worker, not on the page's thread.
  const workers = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => n.includes('spec-worker')),
  );
  expect(workers.length).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('one step past each limit: the parser’s own message, word for word, and nothing stored', async ({ page }) => {
  test.setTimeout(300_000);
  const workspace = `limits-past-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const past: [string, string][] = [
    ['parameters', JSON.stringify(specWith(parameters(L.maxParameters + 1)))],
    [
      'values of one choice',
      JSON.stringify(
        specWith({ c: { type: 'choice', values: Array.from({ length: L.maxChoiceValues + 1 }, (_, i) => i) } }),
      ),
    ],
    ['values in all', JSON.stringify(specWith(values(L.maxValues + 1)))],
    ['nesting', JSON.stringify(specWith({ x: nested(L.maxNestingDepth + 1) }))],
    ['string length', JSON.stringify(specWith({ s: 'x'.repeat(L.maxStringLength + 1), lr: 0.1 }))],
    ['not JSON', '{"trial": "spiral",'],
    ['YAML merge key', 'trial: spiral\nsearch_space:\n  <<: 3\n'],
  ];
  await openSpecPanel(page);
  for (const [name, text] of past) {
    let expected = '';
    try {
      parseSweepJobText(text, { ...options, source: 'the JSON above', trial: 'digits-mlp' });
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected, name).not.toBe('');
    await page.getByTestId('spec-json').fill(text);
    await page.getByTestId('apply-spec').click();
    await expect(page.locator('.spec-panel .field-error').first(), name).toHaveText(expected);
  }
  const stored = await page.evaluate(async (name) => {
    const store = window.studioSession!.workspace.store;
    return { sweeps: (await store.listSweeps(name)).length, experiments: (await store.listExperiments(name)).length };
  }, workspace);
  expect(stored).toEqual({ sweeps: 0, experiments: 0 });
  expect(errors).toEqual([]);
});

test('a share link at the 1,000-parameter limit opens the same sweep; one past it is refused with the parser’s message', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const workspace = `limits-link-${Date.now()}`;
  const errors = await openStudio(page, workspace);
  const base = new URL(page.url());
  base.hash = '';
  const spec = normalizeSweepFile(specWith(parameters(L.maxParameters)), options);
  const link = await encodeShareLink(spec, base.href);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('shared-sweep')).toContainText('This link holds the sweep “limits”');
  await formHolds(page, spec);
  await openSpecPanel(page);
  expect(JSON.parse(await download(page, 'download-spec'))).toEqual(spec);

  // One parameter more: written by hand (the encoder only takes valid sweeps), refused as in Node.
  const json = JSON.stringify(specWith(parameters(L.maxParameters + 1)));
  const over = `${base.href}#sweep=j.${fnv1a32(json).toString(36)}.${toBase64Url(new TextEncoder().encode(json))}`;
  let expected = '';
  try {
    await decodeShareLink(over, options);
  } catch (error) {
    expected = (error as Error).message;
  }
  expect(expected).toMatch(/search_space/);
  await page.goto('about:blank');
  await page.goto(over);
  await expect(page.getByTestId('shared-sweep')).toHaveText(`This share link cannot be opened: ${expected}`);
  expect(errors).toEqual([]);
});

test('at 1,000 parameters rows far from the view are text until scrolled near: the end shows the last parameter as inputs, edits reach the spec, Tab walks every row', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = await openStudio(page, `limits-rows-${Date.now()}`);
  const spec = normalizeSweepFile(specWith(parameters(L.maxParameters)), options);
  await openSpecPanel(page);
  await page.getByTestId('spec-json').fill(JSON.stringify(spec));
  await page.getByTestId('apply-spec').click();
  await formHolds(page, spec);
  // Chromium's Autofill re-reads every form control on the page after controls are added (a
  // 45-80 ms task at 4000 of them): the form holds controls for the rows near the view only.
  const controls = (): Promise<number> => page.locator('.param-rows :is(input, select)').count();
  expect(await controls()).toBeLessThan(600);
  const lastName = `p${L.maxParameters - 1}`;
  const last = page.locator(`[data-row][data-param="${lastName}"]`);
  await expect(last).toHaveClass(/param-placeholder/);
  // The placeholder shows what the inputs would: the name, the type and the fields.
  await expect(last).toContainText(lastName);
  await expect(last).toContainText('choice');
  // Scrolled to the end, the last parameter is inputs holding its model values.
  await last.scrollIntoViewIfNeeded();
  await expect(last.locator('input.param-name')).toHaveValue(lastName);
  await expect(last.locator('[data-subfield="values"]')).toHaveValue('1, 2, 3');
  expect(await controls()).toBeLessThan(600);
  // Rows scrolled far away went back to text; the first rows stay inputs.
  await expect(page.locator('[data-row][data-param="p500"]')).toHaveClass(/param-placeholder/);
  await expect(page.locator('[data-row][data-param="p0"] input.param-name')).toHaveValue('p0');
  // An edit in the last row reaches the model, and survives the row going back to text and live again.
  await last.locator('[data-subfield="values"]').fill('1, 2, 3, 4');
  await expect(page.locator('.builder-summary .ok')).toContainText('Ready', { timeout: 60_000 });
  // Still focused, the row stays inputs however far it scrolls; once focus leaves, it is text.
  await page.locator('[data-row][data-param="p0"]').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await expect(last.locator('[data-subfield="values"]')).toBeFocused();
  await page.locator('[data-row][data-param="p0"] input.param-name').focus();
  await expect(last).toHaveClass(/param-placeholder/);
  await expect(last).toContainText('1, 2, 3, 4');
  await last.scrollIntoViewIfNeeded();
  await expect(last.locator('[data-subfield="values"]')).toHaveValue('1, 2, 3, 4');
  await openSpecPanel(page);
  const exported = JSON.parse(await download(page, 'download-spec')) as SweepFile;
  expect(exported.search_space[lastName]).toEqual({ type: 'choice', values: [1, 2, 3, 4] });
  // Keyboard: a placeholder takes focus like a row's first field and becomes that field.
  await page.locator('[data-row][data-param="p700"]').focus();
  await expect(page.locator('[data-row][data-param="p700"] input.param-name')).toBeFocused();
  // Tab from a row's last control reaches the next row's name, placeholder or not.
  await page.locator('[data-row][data-param="p700"] button.icon').focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-row][data-param="p701"] input.param-name')).toBeFocused();
  expect(errors).toEqual([]);
});

test('the spec panel’s controls belong to a form of their own: the builder’s form holds the sweep only, a file picked from the keyboard is applied, Enter in the link box starts nothing', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // Listened for from the start: a listener added with the key press enables Chromium's file
  // chooser interception only some time later, and a chooser opened before that never reaches it.
  const choosers: FileChooser[] = [];
  page.on('filechooser', (chooser) => choosers.push(chooser));
  const errors = await openStudio(page, `limits-spec-form-${Date.now()}`);
  const spec = normalizeSweepFile(specWith(parameters(L.maxParameters)), options);
  await openSpecPanel(page);
  await page.getByTestId('spec-json').fill(JSON.stringify(spec));
  await page.getByTestId('apply-spec').click();
  await formHolds(page, spec);
  await openSpecPanel(page);
  // Chromium's Autofill reads a changed control's whole form in one task: a file picked or the
  // box's text written must not make it read the 1000-row builder form.
  const owners = await page.evaluate(() => {
    const builder = document.querySelector<HTMLFormElement>('form.builder-form');
    const panel = document.querySelector('.spec-panel');
    if (builder === null || panel === null) throw new Error('no builder form or spec panel');
    const controls = [
      ...panel.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLTextAreaElement>('input, button, textarea'),
    ];
    const inBuilder = new Set([...builder.elements]);
    return {
      controls: controls.length,
      ownedByBuilder: controls.filter((c) => c.form === builder || inBuilder.has(c)).length,
      ownForm: [...new Set(controls.map((c) => c.form))].map((f) => (f === null ? null : f.elements.length)),
      panelInsideBuilder: builder.contains(panel),
    };
  });
  // The panel is drawn where it was (inside the builder's form element), its controls owned elsewhere.
  expect(owners.panelInsideBuilder).toBe(true);
  expect(owners.controls).toBeGreaterThanOrEqual(8);
  expect(owners.ownedByBuilder).toBe(0);
  expect(owners.ownForm).toEqual([owners.controls]);
  // Keyboard: Tab from Apply reaches the upload, and Space there opens the file picker.
  await page.getByTestId('apply-spec').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('upload-spec')).toBeFocused();
  const dir = await mkdtemp(join(tmpdir(), 'overdrive-spec-form-'));
  try {
    const small = normalizeSweepFile(specWith({ lr: { type: 'uniform', min_value: 0.001, max_value: 0.1 } }), options);
    const file = join(dir, 'small.sweep.json');
    await writeFile(file, JSON.stringify(small));
    await page.keyboard.press('Space');
    await expect.poll(() => choosers.length, { message: 'Space on the upload opens the file chooser' }).toBe(1);
    await choosers[0]?.setFiles(file);
    await formHolds(page, small);
    await openSpecPanel(page);
    expect(JSON.parse(await download(page, 'download-spec'))).toEqual(small);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Enter in the share-link box submits the spec's own form, which does nothing: before, it
  // submitted the builder's form and started the sweep.
  await page.locator('[data-action="share-link"]').click();
  await expect(page.getByTestId('share-link')).not.toHaveValue('', { timeout: 60_000 });
  const url = page.url();
  await page.getByTestId('share-link').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  expect(page.url()).toBe(url);
  await expect(page.getByTestId('start-sweep')).toBeVisible();
  expect(errors).toEqual([]);
});
