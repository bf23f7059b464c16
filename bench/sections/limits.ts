/**
 * 6. Limits: the largest inputs the search-space limits accept (src/space/limits.ts), put into
 * the Studio's sweep builder as a user would (the spec pasted and applied), then one keystroke
 * in the form. The page's 'longtask' observer records every main-thread task of 50 ms or more;
 * the figure is the longest one. Inputs one step past a limit are refused at the parser, so
 * these are the worst cases the Studio has to draw.
 */
import type { Page } from 'playwright';
import type { BenchContext, Check } from '../lib/context.js';
import { ms, table } from '../lib/context.js';
import { SEARCH_SPACE_LIMITS as L } from '../../src/space/limits.js';

const TASK_TARGET_MS = 50;

interface LimitCase {
  readonly name: string;
  readonly searchSpace: Readonly<Record<string, unknown>>;
}

export interface LimitSample {
  readonly name: string;
  readonly specBytes: number;
  /** Apply pressed → the form shows the spec (its last parameter row). */
  readonly applyMs: number;
  readonly applyLongestTaskMs: number;
  readonly keystrokeLongestTaskMs: number;
  readonly error: string | null;
}

export interface LimitsResult {
  readonly limits: typeof L;
  readonly samples: readonly LimitSample[];
}

function nested(depth: number): unknown {
  let inner: unknown = { type: 'choice', values: [1, 2] };
  for (let i = 0; i < depth; i += 1) inner = { type: 'choice', values: ['flat', { [`n${i}`]: inner }] };
  return inner;
}

function cases(quick: boolean): LimitCase[] {
  const scale = quick ? 10 : 1;
  return [
    {
      name: `${L.maxParameters / scale} parameters`,
      searchSpace: Object.fromEntries(
        Array.from({ length: L.maxParameters / scale }, (_, i) => [
          `p${i}`,
          i % 2 === 0 ? { type: 'uniform', min_value: 0, max_value: 1 } : { type: 'choice', values: [1, 2, 3] },
        ]),
      ),
    },
    {
      name: `a choice of ${L.maxChoiceValues / scale} values`,
      searchSpace: { c: { type: 'choice', values: Array.from({ length: L.maxChoiceValues / scale }, (_, i) => i) } },
    },
    {
      name: `${L.maxValues / scale} values in all`,
      searchSpace: Object.fromEntries(
        Array.from({ length: L.maxValues / L.maxChoiceValues }, (_, k) => [
          `c${k}`,
          { type: 'choice', values: Array.from({ length: L.maxChoiceValues / scale }, (_, i) => `v${k}-${i}`) },
        ]),
      ),
    },
    { name: `choices nested ${L.maxNestingDepth} deep`, searchSpace: { x: nested(L.maxNestingDepth) } },
    { name: `a string of ${L.maxStringLength} characters`, searchSpace: { s: 'x'.repeat(L.maxStringLength), lr: 0.1 } },
  ];
}

const PROBE = `(() => {
  window.__limitsTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__limitsTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
})();`;

declare global {
  interface Window {
    __limitsTasks: number[];
  }
}

async function longest(page: Page, settleMs: number): Promise<number> {
  await page.waitForTimeout(settleMs);
  return page.evaluate(() => {
    const tasks = window.__limitsTasks.splice(0);
    return tasks.length === 0 ? 0 : Math.max(...tasks);
  });
}

export async function runLimits(ctx: BenchContext): Promise<LimitsResult> {
  const bench = await ctx.browser();
  const origin = new URL(bench.url).origin;
  const samples: LimitSample[] = [];
  for (const c of cases(ctx.quick)) {
    const page = await bench.page.context().newPage();
    await page.addInitScript(PROBE);
    try {
      await page.goto(`${origin}/index.html?workspace=bench-limits#/`);
      await page.getByTestId('spec-json').waitFor({ state: 'attached' });
      // The spec box sits in a collapsed <details>, as a user finds it.
      await page.evaluate(() => {
        for (const details of document.querySelectorAll('details')) details.open = true;
      });
      await longest(page, 1000);
      const spec = {
        experiment_name: 'limits',
        trial: 'spiral',
        search_space: c.searchSpace,
        sampling_algorithm: 'random',
        objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
        limits: { max_total_trials: 10 },
      };
      const text = JSON.stringify(spec);
      ctx.log(`limits: ${c.name} (${(text.length / 1024).toFixed(0)} KiB of spec)`);
      await page.getByTestId('spec-json').fill(text);
      await longest(page, 500);
      const last = Object.keys(c.searchSpace).at(-1) ?? '';
      const t0 = Date.now();
      await page.getByTestId('apply-spec').click();
      await page.waitForFunction(
        (name) => [...document.querySelectorAll<HTMLInputElement>('input')].some((i) => i.value === name),
        last,
        { timeout: 120_000 },
      );
      const applyMs = Date.now() - t0;
      const applyLongestTaskMs = await longest(page, 1500);
      const error = await page
        .getByTestId('builder-error')
        .textContent({ timeout: 1000 })
        .catch(() => null);
      // One keystroke in the primary metric (the whole form re-validates on the debounce).
      await page.locator('[data-field="objective.primary_metric"]').first().press('End');
      await page.keyboard.type('x');
      const keystrokeLongestTaskMs = await longest(page, 1500);
      samples.push({
        name: c.name,
        specBytes: text.length,
        applyMs,
        applyLongestTaskMs,
        keystrokeLongestTaskMs,
        error,
      });
    } finally {
      await page.close();
    }
  }
  return { limits: L, samples };
}

export function renderLimits(result: LimitsResult): string[] {
  return [
    '## Limits: the largest accepted search spaces in the Studio',
    '',
    `Limits (src/space/limits.ts): ${result.limits.maxParameters} parameters, ${result.limits.maxChoiceValues} values per choice, ${result.limits.maxValues} values in all, ${result.limits.maxNestingDepth} nested choices, ${result.limits.maxStringLength}-character strings. Each case is pasted into the builder's spec box and applied, then one character is typed into the form; the figure is the longest main-thread task (target < ${TASK_TARGET_MS} ms).`,
    '',
    ...table(
      ['input', 'spec size', 'apply → form shown', 'longest task (apply)', 'longest task (keystroke)', 'builder error'],
      result.samples.map((s) => [
        s.name,
        `${(s.specBytes / 1024).toFixed(0)} KiB`,
        ms(s.applyMs, 0),
        ms(s.applyLongestTaskMs, 0),
        ms(s.keystrokeLongestTaskMs, 0),
        s.error === null || s.error === '' ? 'none' : s.error.slice(0, 80),
      ]),
    ),
    '',
  ];
}

export function limitsChecks(result: LimitsResult): Check[] {
  return result.samples.map((s) => ({
    section: 'limits',
    what: `${s.name}: longest main-thread task (apply, keystroke)`,
    figure: `${ms(s.applyLongestTaskMs, 0)}, ${ms(s.keystrokeLongestTaskMs, 0)}`,
    target: `< ${TASK_TARGET_MS} ms`,
    pass: s.applyLongestTaskMs < TASK_TARGET_MS && s.keystrokeLongestTaskMs < TASK_TARGET_MS,
  }));
}
