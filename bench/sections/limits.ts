/**
 * 6. Limits: the largest inputs the search-space limits accept (src/space/limits.ts), put into
 * the Studio as a user would, through every path that accepts or writes a spec: pasted and
 * applied, uploaded as a file, opened from a share link, one keystroke in the form (a top field
 * and a parameter row), and each export (spec, Azure YAML and JSON, Optuna, share link). The
 * page's 'longtask' observer records every main-thread task of 50 ms or more; the figure per
 * path is the longest one (0: none reached 50 ms). Inputs one step past a limit are refused at
 * the parser, so these are the worst cases the Studio has to handle.
 */
import type { CDPSession, Page } from 'playwright';
import type { BenchContext, Check } from '../lib/context.js';
import { ms, table } from '../lib/context.js';
import { currentLoad } from '../lib/machine.js';
import { SEARCH_SPACE_LIMITS as L } from '../../src/space/limits.js';
import {
  encodeShareLink,
  MAX_SHARE_LINK_BYTES,
  MAX_SHARE_LINK_LENGTH,
  normalizeSweepFile,
} from '../../src/sweep-file/index.js';
import { compactSweepFileInput } from '../../src/sweep-file/share-link.js';

const TASK_TARGET_MS = 50;

interface LimitCase {
  readonly name: string;
  readonly searchSpace: Readonly<Record<string, unknown>>;
}

/** The paths measured, in the order they run. */
export const LIMIT_PATHS = [
  'paste and apply',
  'keystroke (metric)',
  'keystroke (parameter row)',
  'export spec (JSON)',
  'export Azure YAML',
  'export Azure JSON',
  'export Optuna',
  'copy share link',
  'upload file',
  'open share link',
] as const;
export type LimitPath = (typeof LIMIT_PATHS)[number];

export interface PathSample {
  readonly path: LimitPath;
  /** The longest main-thread task (wall clock, long-task observer), or null where the path does not apply (why in `note`). */
  readonly longestTaskMs: number | null;
  /**
   * The same thread's longest task in thread CPU time (Chromium's trace, `RunTask` events):
   * what the task costs without the waits for a core that a loaded machine adds to the wall time.
   */
  readonly longestCpuMs: number | null;
  /** Action → its result shown (form drawn, file written, link shown). */
  readonly doneMs: number | null;
  readonly note?: string;
}

export interface LimitSample {
  readonly name: string;
  readonly specBytes: number;
  readonly load: number;
  readonly paths: readonly PathSample[];
  readonly error: string | null;
}

export interface LimitsResult {
  readonly limits: typeof L;
  readonly samples: readonly LimitSample[];
  readonly loadStart: number;
  readonly loadEnd: number;
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

/** The form shows a parameter row of this name. */
function rowNamed(page: Page, name: string, present = true): Promise<unknown> {
  return page.waitForFunction(
    ({ name, present }) =>
      [...document.querySelectorAll<HTMLInputElement>('input.param-name')].some((i) => i.value === name) === present,
    { name, present },
    { timeout: 120_000 },
  );
}

/** Marks the builder's current verdict, so that `checked` sees when the next one is drawn. */
async function stale(page: Page): Promise<void> {
  await page.locator('.builder-summary > p').evaluate((el) => el.setAttribute('data-stale', ''));
}

/** The builder has drawn a new verdict (ready or an error) since `stale`. */
function checked(page: Page): Promise<unknown> {
  return page.locator('.builder-summary > p:not([data-stale])').waitFor({ timeout: 120_000 });
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/** Runs `run` under a Chromium trace; the page's main thread's longest task in thread CPU time. */
async function traced<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ result: T; longestCpuMs: number }> {
  const events: TraceEvent[] = [];
  const collect = (data: { value: object[] }): void => {
    events.push(...(data.value as TraceEvent[]));
  };
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  let result: T;
  try {
    result = await run();
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
  }
  // The renderer's main threads; the page's is the one that ran the most tasks in the window.
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, { total: number; longest: number }>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(key)) continue;
    const entry = byThread.get(key) ?? { total: 0, longest: 0 };
    entry.total += e.dur ?? 0;
    entry.longest = Math.max(entry.longest, e.tdur ?? 0);
    byThread.set(key, entry);
  }
  const main = [...byThread.values()].sort((a, b) => b.total - a.total)[0];
  return { result, longestCpuMs: (main?.longest ?? 0) / 1000 };
}

/** Runs `action`, waits for `done`, then lets the page settle and reads the longest task. */
async function measure(
  page: Page,
  path: LimitPath,
  action: () => Promise<unknown>,
  done: () => Promise<unknown>,
): Promise<PathSample> {
  await longest(page, 300);
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result, longestCpuMs } = await traced(cdp, async () => {
      const t0 = Date.now();
      await action();
      await done();
      const doneMs = Date.now() - t0;
      return { doneMs, longestTaskMs: await longest(page, 1500) };
    });
    return { path, ...result, longestCpuMs };
  } finally {
    await cdp.detach();
  }
}

export async function runLimits(ctx: BenchContext): Promise<LimitsResult> {
  const bench = await ctx.browser();
  const origin = new URL(bench.url).origin;
  const samples: LimitSample[] = [];
  const loadStart = currentLoad();
  for (const c of cases(ctx.quick)) {
    const page = await bench.page.context().newPage();
    await page.addInitScript(PROBE);
    const paths: PathSample[] = [];
    try {
      const studio = `${origin}/index.html?workspace=bench-limits`;
      await page.goto(`${studio}#/`);
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
      paths.push(
        await measure(
          page,
          'paste and apply',
          () => page.getByTestId('apply-spec').click(),
          () => rowNamed(page, last),
        ),
      );
      const ready = page.locator('.builder-summary .ok');
      await ready.waitFor({ timeout: 120_000 });
      const error = await page
        .getByTestId('builder-error')
        .textContent({ timeout: 1000 })
        .catch(() => null);
      await stale(page);
      // One keystroke in the primary metric (the whole form is checked again on the debounce).
      const metric = page.locator('[data-field="objective.primary_metric"]').first();
      paths.push(
        await measure(
          page,
          'keystroke (metric)',
          async () => {
            await metric.press('End');
            await page.keyboard.type('x');
          },
          () => checked(page),
        ),
      );
      await stale(page);
      // One keystroke in the last parameter's widest field (a 10,000-value list in the choice cases).
      const lastRow = page.locator(`[data-row][data-param="${last}"]`);
      const field = lastRow.locator('[data-subfield="values"], [data-subfield="value"], [data-subfield="max_value"]');
      paths.push(
        await measure(
          page,
          'keystroke (parameter row)',
          async () => {
            await field.first().press('End');
            await page.keyboard.type(' ');
          },
          () => checked(page),
        ),
      );
      const exports: [LimitPath, string][] = [
        ['export spec (JSON)', 'download-spec'],
        ['export Azure YAML', 'download-azure-yaml'],
        ['export Azure JSON', 'download-azure-json'],
        ['export Optuna', 'download-optuna'],
      ];
      // The form was drawn anew by the apply, its spec panel closed again: open it as a user would.
      await page.locator('.spec-panel > summary').click();
      for (const [path, action] of exports) {
        paths.push(
          await measure(
            page,
            path,
            () =>
              Promise.all([
                page.waitForEvent('download', { timeout: 120_000 }),
                page.locator(`[data-action="${action}"]`).click({ timeout: 120_000 }),
              ]),
            async () => undefined,
          ),
        );
      }
      const linkBox = page.getByTestId('share-link');
      paths.push(
        await measure(
          page,
          'copy share link',
          () => page.locator('[data-action="share-link"]').click(),
          () =>
            // The link shown, or (over the link limits) the refusal saying to share the file.
            page.waitForFunction(
              () =>
                (document.querySelector<HTMLInputElement>('[data-testid="share-link"]')?.value ?? '') !== '' ||
                (document.querySelector('.sweep-file-actions [role="status"]')?.textContent ?? '').includes(
                  'share the spec as a file',
                ),
              null,
              { timeout: 120_000 },
            ),
        ),
      );
      await linkBox.evaluate((el: HTMLInputElement) => {
        el.value = '';
      });
      // Upload: the form first goes back to a small example, so the file's rows are drawn anew.
      await page.getByTestId('use-example').click();
      await rowNamed(page, last, false);
      paths.push(
        await measure(
          page,
          'upload file',
          () =>
            page
              .getByTestId('upload-spec')
              .setInputFiles({ name: 'limits.json', mimeType: 'application/json', buffer: Buffer.from(text) }),
          () => rowNamed(page, last),
        ),
      );
      // A share link to the same spec, opened in the running Studio (the app's own start-up is
      // not part of it); a spec over the link's size limits cannot travel as a link at all.
      const normalized = normalizeSweepFile(spec);
      const linkBytes = new TextEncoder().encode(JSON.stringify(compactSweepFileInput(normalized))).length;
      // The encoder refuses a sweep over the link limits, as the Studio's "Copy share link" does.
      const link =
        linkBytes > MAX_SHARE_LINK_BYTES ? null : await encodeShareLink(normalized, `${studio}`).catch(() => null);
      if (link === null || link.length > MAX_SHARE_LINK_LENGTH) {
        paths.push({
          path: 'open share link',
          longestTaskMs: null,
          longestCpuMs: null,
          doneMs: null,
          note: `over the link limits (${(linkBytes / 1024).toFixed(0)} KiB of JSON; the Studio says to share the file)`,
        });
      } else {
        const fragment = link.slice(link.indexOf('#'));
        await page.getByTestId('use-example').click();
        await rowNamed(page, last, false);
        paths.push(
          await measure(
            page,
            'open share link',
            () =>
              page.evaluate((hash) => {
                location.hash = hash;
              }, fragment),
            async () => {
              await page.getByTestId('shared-sweep').waitFor({ timeout: 120_000 });
              await rowNamed(page, last);
            },
          ),
        );
        ctx.log(`limits: ${c.name}: share link of ${link.length} characters`);
      }
      samples.push({ name: c.name, specBytes: text.length, load: currentLoad(), paths, error });
      ctx.log(
        `limits: ${c.name}: ${paths.map((p) => `${p.path} ${p.longestTaskMs === null ? 'n/a' : ms(p.longestTaskMs, 0)}`).join(', ')}`,
      );
    } finally {
      await page.close();
    }
  }
  return { limits: L, samples, loadStart, loadEnd: currentLoad() };
}

function worst(sample: LimitSample): number {
  return Math.max(...sample.paths.map((p) => p.longestTaskMs ?? 0));
}

function worstCpu(sample: LimitSample): number {
  return Math.max(...sample.paths.map((p) => p.longestCpuMs ?? 0));
}

export function renderLimits(result: LimitsResult): string[] {
  const cell = (sample: LimitSample, path: LimitPath): string => {
    const p = sample.paths.find((x) => x.path === path);
    if (p === undefined) return 'not run';
    if (p.longestTaskMs === null) return p.note ?? 'n/a';
    return `${ms(p.longestTaskMs, 0)} / ${ms(p.longestCpuMs, 0)} CPU (done in ${ms(p.doneMs, 0)})`;
  };
  return [
    '## Limits: the largest accepted search spaces in the Studio',
    '',
    `Limits (src/space/limits.ts): ${result.limits.maxParameters} parameters, ${result.limits.maxChoiceValues} values per choice, ${result.limits.maxValues} values in all, ${result.limits.maxNestingDepth} nested choices, ${result.limits.maxStringLength}-character strings. Each case goes through every path that reads or writes a spec; a cell is the longest main-thread task of that path in wall-clock time (the long-task observer: 0 ms when none reached 50 ms) and in the thread's CPU time (Chromium's trace: the task's own cost, without the waits for a core a loaded machine adds), target < ${TASK_TARGET_MS} ms, and in brackets how long the path took to show its result (the trace slows it). Load average (1 min): ${result.loadStart.toFixed(2)} at the start, ${result.loadEnd.toFixed(2)} at the end, and per case below.`,
    '',
    ...table(
      ['path', ...result.samples.map((s) => `${s.name} (${(s.specBytes / 1024).toFixed(0)} KiB)`)],
      LIMIT_PATHS.map((path) => [path, ...result.samples.map((s) => cell(s, path))]),
    ),
    '',
    ...table(
      ['input', 'longest task, any path: wall / CPU', 'target', 'load after the case', 'builder error'],
      result.samples.map((s) => [
        s.name,
        `${ms(worst(s), 0)} / ${ms(worstCpu(s), 0)}`,
        `< ${TASK_TARGET_MS} ms`,
        s.load.toFixed(2),
        s.error === null || s.error === '' ? 'none' : s.error.slice(0, 80),
      ]),
    ),
    '',
  ];
}

export function limitsChecks(result: LimitsResult): Check[] {
  return result.samples.map((s) => ({
    section: 'limits',
    what: `${s.name}: longest main-thread task over every path (import, link, keystroke, export), thread CPU time (wall clock)`,
    figure: `${ms(worstCpu(s), 0)} (${ms(worst(s), 0)} at load ${s.load.toFixed(1)})`,
    target: `< ${TASK_TARGET_MS} ms`,
    pass: worstCpu(s) < TASK_TARGET_MS,
  }));
}
