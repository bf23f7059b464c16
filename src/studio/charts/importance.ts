// Hyperparameter importance and correlation: per parameter, fANOVA's share of the primary
// metric's variance (a random forest fitted to the finished runs, decomposed as Optuna's
// FanovaImportanceEvaluator does; src/analysis/importance) and Spearman's correlation with the
// metric. Recomputed when the set of finished runs changes, in the analysis worker (off the page's
// thread: 64 trees on 1000 runs are seconds of CPU on a slow machine, and one tree's split search
// alone could exceed a frame), or, where no worker can start, in slices of at most SLICE_MS
// between which the page keeps painting.
import { spawnAnalysisWorker } from '../analysis-url.js';
import {
  importanceSteps,
  type ImportanceReply,
  type ImportanceRequest,
  minRunsToTrust,
  type ImportanceInput,
  type ImportanceParam,
  type ImportanceResult,
} from '../engine.js';
import type { ChartData, StudioChart } from '../view-model/chart-data.js';
import { h } from './dom.js';
import { formatNumber } from './format.js';
import { ChartLifecycle } from './lifecycle.js';
import type { BaseChartOptions } from './types.js';

export interface ImportanceChart extends StudioChart {
  readonly kind: 'importance';
  /** The figures shown now (null before the first result), and whether a newer one is computing. */
  result(): { readonly result: ImportanceResult | null; readonly computing: boolean };
}

/** Longest a slice of the computation runs before yielding to the page. */
const SLICE_MS = 8;
/** The forest's seed: fixed, so the same runs always show the same figures. */
const SEED = 0;

/** What the analysis is fed: finished runs (not running, not queued) with a primary metric. */
export function importanceInput(data: ChartData): ImportanceInput {
  const params: ImportanceParam[] = data.params.map((c) =>
    c.kind === 'number'
      ? { name: c.name, kind: 'number', low: c.min, high: c.max, log: c.log }
      : { name: c.name, kind: 'category', choices: c.values },
  );
  const rows = data.runs
    .filter((r) => r.status !== 'Running' && r.status !== 'Queued' && r.best !== null && Number.isFinite(r.best))
    .map((r) => ({ values: r.params, target: r.best as number }));
  return { params, rows };
}

/** A computation in progress: `cancel` drops its answer (and stops it, where it runs on the page). */
interface Job {
  readonly key: string;
  cancel: () => void;
}

/** The importance in slices on the page's thread; returns what cancels it. */
function computeInSlices(
  input: ImportanceInput,
  done: (result: ImportanceResult) => void,
  failed: (error: string) => void,
): () => void {
  const steps = importanceSteps(input, { seed: SEED });
  let timer: ReturnType<typeof setTimeout> | null = null;
  const slice = (): void => {
    timer = null;
    const until = performance.now() + SLICE_MS;
    try {
      for (;;) {
        const next = steps.next();
        if (next.done === true) {
          done(next.value);
          return;
        }
        if (performance.now() >= until) break;
      }
    } catch (error) {
      failed(error instanceof Error ? error.message : String(error));
      return;
    }
    // A macrotask between slices: the page paints and handles input in between.
    timer = setTimeout(slice, 0);
  };
  timer = setTimeout(slice, 0);
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}

/**
 * The page's side of the analysis worker. The worker cannot be interrupted, so a request made
 * while it computes waits, and only the latest waiting one is sent when it is free: a burst of
 * finishing runs costs at most the computation in progress plus one, not one per run.
 */
class AnalysisClient {
  private nextId = 0;
  /** The request the worker is computing, and the one to send when it is done. */
  private busy: { readonly id: number; readonly answer: (reply: ImportanceReply | null) => void } | null = null;
  private waiting: {
    readonly input: ImportanceInput;
    readonly answer: (reply: ImportanceReply | null) => void;
  } | null = null;
  private broken = false;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<ImportanceReply>) => {
      const busy = this.busy;
      if (busy === null || event.data.id !== busy.id) return;
      this.busy = null;
      busy.answer(event.data);
      this.sendWaiting();
    };
    // A worker script that fails to load or throws: every caller falls back (null answer).
    worker.onerror = (event) => {
      event.preventDefault();
      this.broken = true;
      const answers = [this.busy?.answer, this.waiting?.answer];
      this.busy = null;
      this.waiting = null;
      worker.terminate();
      for (const answer of answers) answer?.(null);
    };
  }

  /** Asks for the importance of `input`; `answer` gets the reply, or null when the worker broke. Returns a cancel. */
  request(input: ImportanceInput, answer: (reply: ImportanceReply | null) => void): () => void {
    if (this.broken) {
      answer(null);
      return () => {};
    }
    let live = true;
    const guarded = (reply: ImportanceReply | null): void => {
      if (live) answer(reply);
    };
    this.waiting = { input, answer: guarded };
    if (this.busy === null) this.sendWaiting();
    return () => {
      live = false;
      if (this.waiting?.answer === guarded) this.waiting = null;
    };
  }

  dispose(): void {
    this.broken = true;
    this.busy = null;
    this.waiting = null;
    this.worker.terminate();
  }

  private sendWaiting(): void {
    const next = this.waiting;
    if (next === null || this.broken) return;
    this.waiting = null;
    const id = ++this.nextId;
    this.busy = { id, answer: next.answer };
    const request: ImportanceRequest = { kind: 'importance', id, input: next.input, seed: SEED };
    this.worker.postMessage(request);
  }
}

class ImportanceImpl extends ChartLifecycle implements ImportanceChart {
  readonly kind = 'importance' as const;
  private current: ImportanceResult | null = null;
  private job: Job | null = null;
  private analysis: AnalysisClient | 'broken' | null = null;
  private computedKey = '';
  private readonly note: HTMLElement;
  private readonly table: HTMLElement;

  constructor(container: HTMLElement, options: BaseChartOptions) {
    super(container, 'importance-panel', 'Hyperparameter importance');
    this.note = h('p', { class: 'odc-note', 'data-testid': 'importance-note' });
    this.table = h('div', { class: 'odc-importance' });
    this.shell.plot.append(this.note, this.table);
    this.shell.plot.setAttribute('role', 'group');
    this.own({ dispose: () => this.stopJob() });
    this.start(options.data);
  }

  result(): { readonly result: ImportanceResult | null; readonly computing: boolean } {
    return { result: this.current, computing: this.job !== null };
  }

  protected draw(): void {
    const data = this.data;
    if (data === null) {
      this.shell.setEmpty('No runs yet. Importance shows which hyperparameters explain the metric.');
      return;
    }
    const input = importanceInput(data);
    const key = `${data.primaryMetric}|${input.params.map((p) => p.name).join('\u0001')}|${input.rows.map((r) => r.target).join(',')}|${data.runs.length}`;
    if (key !== this.computedKey && this.job?.key !== key) this.startJob(key, input);
    this.render(data, input.rows.length);
  }

  private startJob(key: string, input: ImportanceInput): void {
    this.stopJob();
    const job: Job = { key, cancel: () => {} };
    this.job = job;
    this.shell.root.setAttribute('data-state', 'computing');
    const finish = (result: ImportanceResult): void => {
      if (this.job !== job) return;
      this.current = result;
      this.computedKey = key;
      this.job = null;
      this.shell.root.setAttribute('data-state', 'done');
      this.forgetDrawn();
      this.scheduler.request('now');
    };
    const failed = (error: string): void =>
      finish({
        kind: 'unavailable',
        reason: `The importance could not be computed: ${error}`,
        runs: input.rows.length,
        minRuns: minRunsToTrust(input.params.length),
      });
    const inSlices = (): void => {
      job.cancel = computeInSlices(input, finish, failed);
    };
    // Off the page's thread when a worker can be started; a worker that cannot load (a host that
    // serves no worker scripts) hands the job to slices on the page, as before there was one.
    const worker = this.worker();
    if (worker === null) inSlices();
    else
      job.cancel = worker.request(input, (reply) => {
        if (reply === null) {
          this.analysis = 'broken';
          if (this.job === job) inSlices();
        } else if (reply.kind === 'result') finish(reply.result);
        else failed(reply.message);
      });
  }

  /** The analysis worker, started on first use; null once it failed to start or load. */
  private worker(): AnalysisClient | null {
    if (this.analysis === 'broken') return null;
    if (this.analysis !== null) return this.analysis;
    try {
      const client = new AnalysisClient(spawnAnalysisWorker());
      this.analysis = client;
      this.own(client);
      return client;
    } catch {
      this.analysis = 'broken';
      return null;
    }
  }

  private stopJob(): void {
    this.job?.cancel();
    this.job = null;
  }

  private render(data: ChartData, finished: number): void {
    const result = this.current;
    this.shell.markDrawn(data.version);
    const computing = this.job !== null;
    if (result === null) {
      this.shell.setEmpty(computing ? `Computing importance from ${finished} finished runs…` : 'No finished runs yet.');
      return;
    }
    this.shell.setEmpty(null);
    const status = computing ? ` Updating with ${finished} finished runs…` : '';
    if (result.kind === 'unavailable') {
      this.note.className = 'odc-note';
      this.note.textContent = `${result.reason}${status}`;
      this.table.replaceChildren();
      this.shell.setLabel(`Hyperparameter importance: ${result.reason}`);
      return;
    }
    const trust = result.trusted
      ? `From ${result.runs} finished runs.`
      : `Only ${result.runs} finished runs: too few to trust (at least ${result.minRuns}: 10, and 5 per parameter). The figures may change a lot as runs finish.`;
    this.note.className = result.trusted ? 'odc-note' : 'odc-note odc-warn';
    this.note.setAttribute('data-trusted', String(result.trusted));
    this.note.textContent = `fANOVA importance (share of the ${data.primaryMetric} variance a random forest attributes to each parameter alone, as Optuna computes it) and Spearman correlation with ${data.primaryMetric} (${data.goal === 'MAXIMIZE' ? 'higher is better' : 'lower is better'}). ${trust}${status}`;
    const head = h(
      'div',
      { class: 'odc-imp-row odc-imp-head', 'aria-hidden': 'true' },
      h('span', {}, 'parameter'),
      h('span', {}, 'importance'),
      h('span', {}, 'correlation'),
    );
    const rows = result.params.map((p) => {
      const bar = h('span', { class: 'odc-imp-bar' });
      bar.style.width = `${Math.max(0, Math.min(100, p.importance * 100))}%`;
      const corr = h('span', { class: `odc-corr-bar ${p.correlation !== null && p.correlation < 0 ? 'neg' : 'pos'}` });
      if (p.correlation !== null) {
        const half = Math.min(50, Math.abs(p.correlation) * 50);
        corr.style.width = `${half}%`;
        corr.style.left = p.correlation < 0 ? `${50 - half}%` : '50%';
      }
      // A category has no order to rank; fewer than 3 runs have no correlation to speak of.
      const corrWhy = p.correlation !== null ? null : p.runs < 3 ? 'too few runs' : 'a category has no order';
      const corrText = p.correlation === null ? '—' : formatNumber(Number(p.correlation.toFixed(2)));
      return h(
        'div',
        {
          class: 'odc-imp-row',
          role: 'listitem',
          'data-testid': 'importance-row',
          'data-param': p.name,
          'data-importance': p.importance,
          'data-correlation': p.correlation === null ? '' : p.correlation,
          'aria-label': `${p.name}: importance ${Math.round(p.importance * 100)}%, correlation ${corrWhy ?? corrText}${p.runs < result.runs ? `, in ${p.runs} of ${result.runs} runs` : ''}`,
        },
        h('span', { class: 'odc-imp-name', title: p.name }, p.name),
        h(
          'span',
          { class: 'odc-imp-cell' },
          h('span', { class: 'odc-imp-track' }, bar),
          h('span', { class: 'odc-imp-value' }, `${(p.importance * 100).toFixed(p.importance < 0.1 ? 1 : 0)}%`),
        ),
        h(
          'span',
          { class: 'odc-imp-cell' },
          h('span', { class: 'odc-imp-track odc-corr-track' }, corr),
          h('span', { class: 'odc-imp-value', ...(corrWhy === null ? {} : { title: corrWhy }) }, corrText),
        ),
      );
    });
    this.table.replaceChildren(head, h('div', { role: 'list', 'aria-label': 'Parameters by importance' }, ...rows));
    this.shell.setLabel(
      `Hyperparameter importance from ${result.runs} runs: ${result.params.map((p) => `${p.name} ${Math.round(p.importance * 100)}%`).join(', ')}.`,
    );
  }
}

export function createImportance(container: HTMLElement, options: BaseChartOptions = {}): ImportanceChart {
  return new ImportanceImpl(container, options);
}
