/**
 * 6. Limits: the largest inputs the search-space limits accept (src/space/limits.ts), put into
 * the Studio as a user would, through every path that accepts or writes a spec: pasted and
 * applied, uploaded as a file, opened from a share link, one keystroke in the form (a top field
 * and a parameter row), and each export (spec, Azure YAML and JSON, Optuna, share link). The
 * page's 'longtask' observer records every main-thread task of 50 ms or more; the figure per
 * path is the longest one (0: none reached 50 ms). Inputs one step past a limit are refused at
 * the parser, so these are the worst cases the Studio has to handle.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      // A row far from the view is drawn as text, not inputs (LIVE_ROWS in sweep-builder.ts), so
      // the row's own name attribute says it is drawn, input or placeholder.
      [...document.querySelectorAll<HTMLElement>('[data-row]')].some((r) => r.dataset['param'] === name) === present,
    { name, present },
    { timeout: 120_000 },
  );
}

/*
 * The measured actions reach the page the way a person's do, as input events (CDP), and the
 * waits read the page with plain DOM queries. Playwright's locators are kept out of the measured
 * window: their selector engine and actionability checks run as tasks on the page's own main
 * thread, 30-120 ms each on the 1000-row form, and `setInputFiles` with a buffer decodes the file
 * in the page (94 ms of a 119 ms task at 50,000 values), work a real click, key or file pick
 * never does (CPU profiles, OVERDRIVE_LIMITS_PROFILE=1).
 */

/** Scrolls the control into view; the action clicks its centre with the mouse. */
async function clickTarget(page: Page, selector: string): Promise<() => Promise<void>> {
  const point = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (el === null) throw new Error(`limits bench: nothing matches ${sel}`);
    el.scrollIntoView({ block: 'center' });
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, selector);
  return () => page.mouse.click(point.x, point.y);
}

/** Focuses a text field with the caret at its end, ready for a keystroke. */
async function focusAtEnd(page: Page, selector: string, row?: string): Promise<void> {
  // A row far from the view is a placeholder until scrolled near, as a person would scroll to it.
  if (row !== undefined) {
    await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), row);
    await shown(page, selector);
  }
  await page.evaluate((sel) => {
    const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(sel);
    if (el === null) throw new Error(`limits bench: nothing matches ${sel}`);
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, selector);
}

/** The page shows an element matching `selector`. */
function shown(page: Page, selector: string): Promise<unknown> {
  return page.waitForFunction((sel) => document.querySelector(sel) !== null, selector, { timeout: 120_000 });
}

/** Marks the builder's current verdict, so that `checked` sees when the next one is drawn. */
async function stale(page: Page): Promise<void> {
  await page.locator('.builder-summary > p').evaluate((el) => el.setAttribute('data-stale', ''));
}

/** The builder has drawn a new verdict (ready or an error) since `stale`. */
function checked(page: Page): Promise<unknown> {
  return shown(page, '.builder-summary > p:not([data-stale])');
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string; readonly [key: string]: unknown };
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/**
 * OVERDRIVE_LIMITS_PROFILE=1 adds a CPU profile of the page to each path and logs what the
 * longest task spent its time on: its trace events by name and its functions by self and
 * inclusive time. That is how a slow path is diagnosed; the figures are read without it (the
 * sampler slows the page).
 */
const PROFILE = process.env['OVERDRIVE_LIMITS_PROFILE'] === '1';
/** OVERDRIVE_LIMITS_PROFILE=tasks: the three longest tasks' trace events only, no sampler (which adds tasks of its own). */
const EXPLAIN = PROFILE || process.env['OVERDRIVE_LIMITS_PROFILE'] === 'tasks';
/**
 * OVERDRIVE_LIMITS_TRACE_DIR=dir also writes each path's trace events there (Chromium's JSON
 * trace format, `<case> - <path>.json`), to open in DevTools' Performance panel or Perfetto:
 * where a task's wall time exceeds its CPU time, the timeline shows what the thread waited on.
 */
const TRACE_DIR = process.env['OVERDRIVE_LIMITS_TRACE_DIR'];

function frameName(node: ProfileNode): string {
  const f = node.callFrame;
  const file = f.url.slice(f.url.lastIndexOf('/') + 1);
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

/** What the task [from, to] (trace microseconds) did: its trace events and its profile, as log lines. */
function explainTask(
  events: readonly TraceEvent[],
  thread: string,
  from: number,
  to: number,
  profile: CpuProfile | null,
): string[] {
  // Wall and thread CPU per event name: on a loaded machine the wall column is mostly waiting
  // for a core, the CPU column is what the event itself cost.
  const byName = new Map<string, { wall: number; cpu: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || `${e.pid}:${e.tid}` !== thread || e.name === 'RunTask') continue;
    if (e.ts < from || e.ts > to) continue;
    const sum = byName.get(e.name) ?? { wall: 0, cpu: 0 };
    sum.wall += (e.dur ?? 0) / 1000;
    sum.cpu += (e.tdur ?? 0) / 1000;
    byName.set(e.name, sum);
  }
  const inner = events.find(
    (e) => e.ph === 'X' && `${e.pid}:${e.tid}` === thread && e.name !== 'RunTask' && e.ts >= from && e.ts <= to,
  );
  const lines = [
    // Where the task was posted from (the scheduler's annotation): names work that runs no
    // script and records no Blink event, such as Chromium's Autofill re-reading the forms.
    `  posted from: ${String(inner?.args?.['src_file'] ?? '?')} ${String(inner?.args?.['src_func'] ?? '')}`,
    `  trace events (inclusive ms wall/CPU, nested ones counted again): ${[...byName]
      .sort((a, b) => b[1].cpu - a[1].cpu)
      .slice(0, 12)
      .map(([n, d]) => `${n} ${d.wall.toFixed(1)}/${d.cpu.toFixed(1)}`)
      .join(', ')}`,
  ];
  if (profile === null) return lines;
  const parent = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    nodes.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i += 1) {
    t += deltas[i] ?? 0;
    if (t < from || t > to) continue;
    const step = (deltas[i + 1] ?? 0) / 1000;
    let id: number | undefined = samples[i];
    const node = id === undefined ? undefined : nodes.get(id);
    if (node === undefined) continue;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + step);
    const seen = new Set<string>();
    while (id !== undefined) {
      const n = nodes.get(id);
      if (n === undefined) break;
      const name = frameName(n);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + step);
      seen.add(name);
      id = parent.get(id);
    }
  }
  const top = (m: Map<string, number>, k: number): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, d]) => `${n} ${d.toFixed(1)}`)
      .join('; ');
  lines.push(`  self ms: ${top(self, 14)}`, `  inclusive ms: ${top(inclusive, 24)}`);
  return lines;
}

/** Runs `run` under a Chromium trace; the page's main thread's longest task in thread CPU time. */
async function traced<T>(
  cdp: CDPSession,
  run: () => Promise<T>,
  log: (line: string) => void,
  label: string,
): Promise<{ result: T; longestCpuMs: number }> {
  const events: TraceEvent[] = [];
  const collect = (data: { value: object[] }): void => {
    events.push(...(data.value as TraceEvent[]));
  };
  cdp.on('Tracing.dataCollected', collect);
  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
  }
  await cdp.send('Tracing.start', {
    // The profile's extra categories cost time of their own: only when a profile is asked for.
    categories: `toplevel,devtools.timeline,disabled-by-default-devtools.timeline${PROFILE ? ',*' : ''}${EXPLAIN ? ',blink_gc,disabled-by-default-blink_gc,v8,toplevel.ipc,mojom,ipc,disabled-by-default-toplevel.flow,scheduler,sequence_manager,disabled-by-default-sequence_manager' : ''}`,
    transferMode: 'ReportEvents',
  });
  let result: T;
  let profile: CpuProfile | null = null;
  try {
    result = await run();
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
    if (PROFILE) profile = (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile;
  }
  if (TRACE_DIR !== undefined)
    await writeFile(
      join(TRACE_DIR, `${label.replace(/[^A-Za-z0-9 ,()-]+/g, '_')}.json`),
      JSON.stringify({ traceEvents: events }),
    );
  // The renderer's main threads; the page's is the one that ran the most tasks in the window.
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, { total: number; longest: TraceEvent | null }>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(key)) continue;
    const entry = byThread.get(key) ?? { total: 0, longest: null };
    entry.total += e.dur ?? 0;
    if ((e.tdur ?? 0) > (entry.longest?.tdur ?? -1)) entry.longest = e;
    byThread.set(key, entry);
  }
  const main = [...byThread].sort((a, b) => b[1].total - a[1].total)[0];
  const task = main?.[1].longest ?? null;
  if (EXPLAIN && main !== undefined) {
    // The three longest: the profiler's own start (all "(program)") can be one of them.
    const tasks = events
      .filter((e) => e.ph === 'X' && e.name === 'RunTask' && `${e.pid}:${e.tid}` === main[0])
      .sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))
      .slice(0, 3);
    for (const t of tasks) {
      log(
        `  task: ${((t.dur ?? 0) / 1000).toFixed(1)} ms wall, ${((t.tdur ?? 0) / 1000).toFixed(1)} ms CPU, ${JSON.stringify(t.args).slice(0, 200)}`,
      );
      for (const line of explainTask(events, main[0], t.ts, t.ts + (t.dur ?? 0), profile)) log(line);
    }
  }
  return { result, longestCpuMs: (task?.tdur ?? 0) / 1000 };
}

/** Runs `action`, waits for `done`, then lets the page settle and reads the longest task. */
async function measure(
  ctx: BenchContext,
  page: Page,
  caseName: string,
  path: LimitPath,
  action: () => Promise<unknown>,
  done: () => Promise<unknown>,
): Promise<PathSample> {
  await longest(page, 300);
  const cdp = await page.context().newCDPSession(page);
  try {
    if (EXPLAIN) ctx.log(`limits: profile of ${path}`);
    const { result, longestCpuMs } = await traced(
      cdp,
      async () => {
        const t0 = Date.now();
        await action();
        await done();
        const doneMs = Date.now() - t0;
        return { doneMs, longestTaskMs: await longest(page, 1500) };
      },
      ctx.log,
      `${caseName} - ${path}`,
    );
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
  const dir = await mkdtemp(join(tmpdir(), 'overdrive-limits-'));
  // OVERDRIVE_LIMITS_CASES=0,2 runs only those cases (by index), e.g. while profiling one.
  const only = process.env['OVERDRIVE_LIMITS_CASES']?.split(',').map(Number);
  for (const [index, c] of cases(ctx.quick).entries()) {
    if (only !== undefined && !only.includes(index)) continue;
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
        await measure(ctx, page, c.name, 'paste and apply', await clickTarget(page, '[data-testid="apply-spec"]'), () =>
          rowNamed(page, last),
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
      await focusAtEnd(page, '[data-field="objective.primary_metric"]');
      paths.push(
        await measure(
          ctx,
          page,
          c.name,
          'keystroke (metric)',
          () => page.keyboard.type('x'),
          () => checked(page),
        ),
      );
      await stale(page);
      // One keystroke in the last parameter's widest field (a 10,000-value list in the choice cases).
      await focusAtEnd(
        page,
        `[data-row][data-param="${last}"] :is([data-subfield="values"], [data-subfield="value"], [data-subfield="max_value"])`,
        `[data-row][data-param="${last}"]`,
      );
      paths.push(
        await measure(
          ctx,
          page,
          c.name,
          'keystroke (parameter row)',
          () => page.keyboard.type(' '),
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
        const click = await clickTarget(page, `[data-action="${action}"]`);
        paths.push(
          await measure(
            ctx,
            page,
            c.name,
            path,
            () => Promise.all([page.waitForEvent('download', { timeout: 120_000 }), click()]),
            async () => undefined,
          ),
        );
      }
      const linkBox = page.getByTestId('share-link');
      paths.push(
        await measure(ctx, page, c.name, 'copy share link', await clickTarget(page, '[data-action="share-link"]'), () =>
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
      // A file on disk, handed over as a file pick is (CDP), not decoded from a buffer in the page.
      const file = join(dir, 'limits.json');
      await writeFile(file, text);
      const upload = await page.$('[data-testid="upload-spec"]');
      if (upload === null) throw new Error('limits bench: no upload-spec input');
      paths.push(
        await measure(
          ctx,
          page,
          c.name,
          'upload file',
          () => upload.setInputFiles(file),
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
            ctx,
            page,
            c.name,
            'open share link',
            () =>
              page.evaluate((hash) => {
                location.hash = hash;
              }, fragment),
            async () => {
              await shown(page, '[data-testid="shared-sweep"]');
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
  await rm(dir, { recursive: true, force: true });
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
