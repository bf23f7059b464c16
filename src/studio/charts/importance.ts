// Hyperparameter importance and correlation: per parameter, fANOVA's share of the primary
// metric's variance (a random forest fitted to the finished runs, decomposed as Optuna's
// FanovaImportanceEvaluator does; src/analysis/importance) and Spearman's correlation with the
// metric. Recomputed when the set of finished runs changes, in slices of at most SLICE_MS between
// which the page keeps painting, so a thousand runs never hold the main thread for a long task.
import {
  importanceSteps,
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

class ImportanceImpl extends ChartLifecycle implements ImportanceChart {
  readonly kind = 'importance' as const;
  private current: ImportanceResult | null = null;
  private job: { readonly key: string; timer: ReturnType<typeof setTimeout> | null } | null = null;
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
    const steps = importanceSteps(input, { seed: SEED });
    const job: { readonly key: string; timer: ReturnType<typeof setTimeout> | null } = { key, timer: null };
    this.job = job;
    this.shell.root.setAttribute('data-state', 'computing');
    const slice = (): void => {
      job.timer = null;
      if (this.job !== job) return;
      const until = performance.now() + SLICE_MS;
      try {
        for (;;) {
          const next = steps.next();
          if (next.done === true) {
            this.current = next.value;
            this.computedKey = key;
            this.job = null;
            this.shell.root.setAttribute('data-state', 'done');
            this.forgetDrawn();
            this.scheduler.request('now');
            return;
          }
          if (performance.now() >= until) break;
        }
      } catch (error) {
        this.job = null;
        this.computedKey = key;
        this.current = {
          kind: 'unavailable',
          reason: `The importance could not be computed: ${error instanceof Error ? error.message : String(error)}`,
          runs: input.rows.length,
          minRuns: minRunsToTrust(input.params.length),
        };
        this.shell.root.setAttribute('data-state', 'done');
        this.forgetDrawn();
        this.scheduler.request('now');
        return;
      }
      // A macrotask between slices: the page paints and handles input in between.
      job.timer = setTimeout(slice, 0);
    };
    job.timer = setTimeout(slice, 0);
  }

  private stopJob(): void {
    if (this.job?.timer !== null && this.job?.timer !== undefined) clearTimeout(this.job.timer);
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
