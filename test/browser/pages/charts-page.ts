// Harness for the Studio charts (test/browser/charts.test.ts): mounts each chart on synthetic
// ChartData, small or large (1000 runs x 100 intervals), and exposes what the spec drives.
import {
  createChart,
  type ChartByKind,
  type ChartData,
  type ChartKind,
  type ChartRun,
  type ChartSelection,
  type ParamColumn,
} from '../../../src/studio/charts/index.js';
import type { Primitive } from '../../../src/space/expression.js';
import type { RunStatus } from '../../../src/store/records.js';

export const XSS_PARAM = '<img src=x onerror=alert(1)>';
export const XSS_METRIC = '<script>alert(3)</script>';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunState {
  id: string;
  index: number;
  status: RunStatus;
  terminated: boolean;
  reason: string | null;
  params: Record<string, Primitive>;
  /** Full planned curves; `length` of them has been reported. */
  planned: Map<string, number[]>;
  reported: Map<string, number[]>;
  length: number;
  target: number;
  /** What a running run ends as once it reaches `target`. */
  final: { status: RunStatus; terminated: boolean; reason: string | null };
}

export interface SweepOptions {
  readonly runs: number;
  readonly intervals: number;
  /** Runs still running at the end of the list. */
  readonly running?: number;
  readonly seed?: number;
  /** Include a parameter and a metric whose names are HTML. */
  readonly xss?: boolean;
  readonly goal?: 'MAXIMIZE' | 'MINIMIZE';
}

const METRICS = ['val_accuracy', 'loss', 'val_loss'] as const;

/** A synthetic sweep that can advance: running runs report, finish, and new ones start. */
export class SyntheticSweep {
  private readonly runs: RunState[] = [];
  private readonly random: () => number;
  private version = 0;
  private readonly columns: ParamColumn[];
  readonly goal: 'MAXIMIZE' | 'MINIMIZE';

  constructor(private readonly options: SweepOptions) {
    this.random = mulberry32(options.seed ?? 7);
    this.goal = options.goal ?? 'MAXIMIZE';
    this.columns = [
      { name: 'learning_rate', kind: 'number', min: 1e-4, max: 1e-1, log: true },
      { name: 'hidden_units', kind: 'category', values: [16, 32, 64, 128] },
      { name: 'dropout', kind: 'number', min: 0, max: 0.5, log: false },
      { name: 'optimizer', kind: 'category', values: ['adam', 'sgd'] },
      { name: 'optimizer.momentum', kind: 'number', min: 0.5, max: 0.99, log: false },
      { name: 'use_bias', kind: 'category', values: [true, false] },
    ];
    if (options.xss === true)
      this.columns.push({
        name: XSS_PARAM,
        kind: 'category',
        values: ['<b>bold</b>', '<img src=y onerror=alert(2)>', 1, '1'],
      });
    const running = options.running ?? 0;
    for (let i = 0; i < options.runs; i++) this.addRun(i >= options.runs - running);
  }

  private addRun(running: boolean): void {
    const r = this.random;
    const index = this.runs.length;
    const optimizer = r() < 0.6 ? 'adam' : 'sgd';
    const params: Record<string, Primitive> = {
      learning_rate: 10 ** (-4 + 3 * r()),
      hidden_units: [16, 32, 64, 128][Math.floor(r() * 4)] ?? 16,
      dropout: 0.5 * r(),
      optimizer,
      use_bias: r() < 0.5,
    };
    // A nested space: only sgd runs have a momentum leaf.
    if (optimizer === 'sgd') params['optimizer.momentum'] = 0.5 + 0.49 * r();
    if (this.options.xss === true)
      params[XSS_PARAM] = ['<b>bold</b>', '<img src=y onerror=alert(2)>', 1, '1'][index % 4] ?? 1;
    const lr = params['learning_rate'] as number;
    const quality =
      Math.max(0.05, 1 - Math.abs(Math.log10(lr) + 2.3) / 2.2) *
      (optimizer === 'adam' ? 1 : 0.85) *
      (1 - 0.3 * (params['dropout'] as number));
    const intervals = this.options.intervals;
    const speed = 4 + 20 * r();
    const accuracy: number[] = [];
    const loss: number[] = [];
    const valLoss: number[] = [];
    for (let i = 0; i < intervals; i++) {
      const progress = 1 - Math.exp(-(i + 1) / speed);
      const acc = 0.1 + 0.85 * quality * progress + (r() - 0.5) * 0.03;
      accuracy.push(Math.min(0.999, Math.max(0, acc)));
      loss.push(2.3 * (1 - 0.9 * quality * progress) + (r() - 0.5) * 0.05);
      valLoss.push(2.3 * (1 - 0.85 * quality * progress) + (r() - 0.5) * 0.08);
    }
    const planned = new Map<string, number[]>([
      ['val_accuracy', accuracy],
      ['loss', loss],
      ['val_loss', valLoss],
    ]);
    if (this.options.xss === true)
      planned.set(
        XSS_METRIC,
        accuracy.map((v) => v * 0.9),
      );
    // Some runs are stopped early (Bandit-like), a few fail.
    const roll = r();
    let status: RunStatus = 'Completed';
    let terminated = false;
    let reason: string | null = null;
    let target = intervals;
    if (roll < 0.3 && quality < 0.75) {
      status = 'Canceled';
      terminated = true;
      target = Math.max(1, Math.min(intervals, 3 + Math.floor(r() * intervals * 0.4)));
      const best = Math.max(...accuracy.slice(0, target));
      reason = `stopped at interval ${target}: best ${best.toFixed(4)} < 0.9300/(1+0.15) = 0.8087 (Bandit, slack factor 0.15) <i>not html</i>`;
    } else if (roll > 0.97) {
      status = 'Failed';
      target = Math.max(1, Math.floor(intervals * r()));
      reason = 'Error: WebGPU device lost <script>alert(4)</script>';
    }
    const state: RunState = {
      id: `run-${index}`,
      index,
      status: running ? 'Running' : status,
      terminated: running ? false : terminated,
      reason: running ? null : reason,
      params,
      planned,
      reported: new Map([...planned.keys()].map((k) => [k, []])),
      length: 0,
      target,
      final: { status, terminated, reason },
    };
    this.runs.push(state);
    this.advanceRun(state, running ? Math.max(1, Math.floor(target * r() * 0.8)) : target);
  }

  private advanceRun(state: RunState, steps: number): void {
    const end = Math.min(state.target, state.length + steps);
    for (const [name, values] of state.planned) {
      const out = state.reported.get(name);
      if (out === undefined) continue;
      for (let i = state.length; i < end; i++) out.push(values[i] ?? NaN);
    }
    state.length = end;
  }

  /** Running runs report one more interval; finished ones are replaced by new running runs. */
  step(): void {
    let finished = 0;
    for (const state of this.runs) {
      if (state.status !== 'Running') continue;
      this.advanceRun(state, 1);
      if (state.length >= state.target) {
        state.status = state.final.status;
        state.terminated = state.final.terminated;
        state.reason = state.final.reason;
        finished += 1;
      }
    }
    for (let i = 0; i < finished; i++) this.addRun(true);
  }

  data(): ChartData {
    this.version += 1;
    const goal = this.goal;
    const runs: ChartRun[] = this.runs.map((s) => {
      const primary = s.reported.get('val_accuracy') ?? [];
      let best: number | null = null;
      for (const v of primary) {
        const value = goal === 'MAXIMIZE' ? v : 1 - v;
        if (Number.isFinite(value) && (best === null || (goal === 'MAXIMIZE' ? value > best : value < best)))
          best = value;
      }
      // A running run's curves still grow: give this version its own copy, as a store snapshot would.
      const reported = s.status === 'Running' ? new Map([...s.reported].map(([k, v]) => [k, v.slice()])) : s.reported;
      return {
        id: s.id,
        index: s.index,
        status: s.status,
        params: { ...s.params },
        best,
        terminated: s.terminated,
        reason: s.reason,
        curve: (metric: string) => {
          const values = reported.get(metric) ?? [];
          return metric === 'val_accuracy' && goal === 'MINIMIZE' ? values.map((v) => 1 - v) : values;
        },
      };
    });
    const metricNames = [...METRICS, ...(this.options.xss === true ? [XSS_METRIC] : [])].sort();
    return { version: this.version, primaryMetric: 'val_accuracy', goal, metricNames, params: this.columns, runs };
  }
}

/** ChartData with no runs, or runs that have not logged anything yet. */
export function emptyData(kind: 'no-runs' | 'no-metric' | 'one-param'): ChartData {
  const base = { version: 1, primaryMetric: 'val_accuracy', goal: 'MAXIMIZE' as const, metricNames: [] as string[] };
  if (kind === 'no-runs') return { ...base, params: [], runs: [] };
  const params: ParamColumn[] = [{ name: 'learning_rate', kind: 'number', min: 0.001, max: 0.1, log: true }];
  const runs: ChartRun[] = [0, 1].map((i) => ({
    id: `q-${i}`,
    index: i,
    status: kind === 'no-metric' ? 'Running' : 'Completed',
    params: { learning_rate: 0.01 * (i + 1) },
    best: kind === 'no-metric' ? null : 0.5 + i * 0.1,
    terminated: false,
    reason: null,
    curve: (metric: string) => (kind === 'no-metric' || metric !== 'val_accuracy' ? [] : [0.4, 0.5 + i * 0.1]),
  }));
  return { ...base, metricNames: kind === 'no-metric' ? [] : ['val_accuracy'], params, runs };
}

interface Mounted {
  readonly chart: ChartByKind[ChartKind];
  readonly selections: ChartSelection[];
  readonly container: HTMLElement;
  data: ChartData | null;
}

const mounted = new Map<string, Mounted>();
const prepared = new Map<string, ChartData[]>();

async function mount<K extends ChartKind>(
  kind: K,
  slot: string,
  data: ChartData | null,
  options: Record<string, unknown> = {},
): Promise<void> {
  const container = document.getElementById(slot);
  if (container === null) throw new Error(`no slot ${slot}`);
  mounted.get(slot)?.chart.dispose();
  container.replaceChildren();
  const selections: ChartSelection[] = [];
  const chart = await createChart(kind, container, {
    ...options,
    ...(data === null ? {} : { data }),
    onSelect: (selection: ChartSelection) => selections.push(selection),
  } as never);
  mounted.set(slot, { chart, selections, container, data });
}

/**
 * How much a chart has drawn: the pixels with any opacity over all its canvases (2-D ones read
 * directly; a WebGL canvas is copied onto a 2-D canvas first, which Chromium allows for the
 * frame on screen).
 */
function ink(slot: string): { canvases: number; inked: number; total: number } {
  const root = get(slot).container.firstElementChild;
  if (!(root instanceof HTMLElement)) return { canvases: 0, inked: 0, total: 0 };
  let inked = 0;
  let total = 0;
  const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.width > 1 && c.height > 1);
  for (const canvas of canvases) {
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    if (ctx === null) continue;
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked += 1;
    total += copy.width * copy.height;
  }
  return { canvases: canvases.length, inked, total };
}

function get(slot: string): Mounted {
  const m = mounted.get(slot);
  if (m === undefined) throw new Error(`nothing mounted in ${slot}`);
  return m;
}

/** Longest main-thread task seen by a 'longtask' PerformanceObserver while `work` runs, and how many long tasks. */
async function measureLongTasks(
  work: () => Promise<void>,
): Promise<{ longest: number; count: number; supported: boolean }> {
  const supported = PerformanceObserver.supportedEntryTypes.includes('longtask');
  let longest = 0;
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count += 1;
      longest = Math.max(longest, entry.duration);
    }
  });
  if (supported) observer.observe({ type: 'longtask', buffered: false });
  await work();
  // Let queued slices and the observer's own callback run.
  await new Promise((resolve) => setTimeout(resolve, 600));
  for (const entry of observer.takeRecords()) {
    count += 1;
    longest = Math.max(longest, entry.duration);
  }
  observer.disconnect();
  return { longest: Math.round(longest), count, supported };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const harness = {
  SyntheticSweep,
  emptyData,
  mount,
  small: (options: Partial<SweepOptions> = {}): ChartData =>
    new SyntheticSweep({ runs: 40, intervals: 20, running: 4, xss: true, ...options }).data(),
  async mountAll(size: 'small' | 'large'): Promise<void> {
    const data =
      size === 'small' ? harness.small() : new SyntheticSweep({ runs: 1000, intervals: 100, running: 12 }).data();
    for (const kind of ['metric', 'parallel', 'scatter-2d', 'scatter-3d', 'best-so-far'] as const)
      await mount(kind, kind, data);
  },
  chart: (slot: string) => get(slot).chart,
  data: (slot: string): ChartData | null => get(slot).data,
  ink,
  update(slot: string, data: ChartData): void {
    const m = get(slot);
    m.data = data;
    m.chart.update(data);
  },
  selections: (slot: string): ChartSelection[] => get(slot).selections,
  /** Serialisable view of the selections (sets become sorted arrays). */
  selectionLog: (slot: string): Array<{ kind: string; runIds?: string[] }> =>
    get(slot).selections.map((s) =>
      s.kind === 'clear' ? { kind: 'clear' } : { kind: 'runs', runIds: [...s.runIds].sort() },
    ),
  /**
   * Makes `updates` successive versions of a 1000 x 100 sweep for the chart in `slot` (running
   * runs report, finish, new ones start) and shows the first. Building ChartData is the sweep
   * model's cost, not the chart's, so it happens here, before anything is measured.
   */
  async prepareBurst(slot: string, updates = 40): Promise<void> {
    const sweep = new SyntheticSweep({ runs: 1000, intervals: 100, running: 12, seed: 11 });
    harness.update(slot, sweep.data());
    const versions: ChartData[] = [];
    for (let i = 0; i < updates; i++) {
      sweep.step();
      versions.push(sweep.data());
    }
    prepared.set(slot, versions);
    await sleep(1500);
  },
  /**
   * Feeds the prepared versions to the chart, one every `everyMs`, toggling the highlight now
   * and then, and reports the longest main-thread task seen meanwhile.
   */
  async runBurst(slot: string, everyMs = 30): Promise<{ longest: number; count: number; supported: boolean }> {
    const { chart } = get(slot);
    const versions = prepared.get(slot) ?? [];
    prepared.delete(slot);
    return measureLongTasks(async () => {
      for (let i = 0; i < versions.length; i++) {
        const data = versions[i];
        if (data !== undefined) harness.update(slot, data);
        if (i % 10 === 5) chart.highlight(new Set([`run-${i}`, `run-${i + 100}`]));
        if (i % 10 === 9) chart.highlight(new Set());
        await sleep(everyMs);
      }
      await sleep(400);
    });
  },
  async burst(
    slot: string,
    updates = 40,
    everyMs = 30,
  ): Promise<{ longest: number; count: number; supported: boolean }> {
    await harness.prepareBurst(slot, updates);
    return harness.runBurst(slot, everyMs);
  },
  sleep,
};

declare global {
  interface Window {
    chartsHarness: typeof harness;
    cspViolations: string[];
  }
}

// charts.html ships a strict Content-Security-Policy; anything it blocks is recorded here.
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (event) =>
  violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`),
);

window.chartsHarness = harness;
window.cspViolations = violations;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
