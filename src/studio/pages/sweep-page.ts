import { bestRun, requestPersistence, savedModelExists, type SweepEndReason, type SweepRecord } from '../engine.js';
import { BestRunPanel } from '../best-run/best-run-panel.js';
import { ChartsPanel } from '../charts-panel.js';
import { announce, formatDuration, formatValue, h, panel, replaceChildren } from '../dom.js';
import { downloadSweep } from '../export-actions.js';
import type { ChartSelection } from '../view-model/chart-data.js';
import type { SweepModel } from '../view-model/sweep-model.js';
import type { LiveSweep, StudioSession } from '../session.js';
import { PanelsSection } from '../panels-section.js';
import { RunTable } from '../table/run-table.js';
import { ComparePanel } from './compare-panel.js';
import { PoolReport } from './pool-report.js';
import { DecisionsPanel } from '../teach/decisions-panel.js';
import { SteerPanel, type SteerState } from '../steer/steer-panel.js';
import { sweepDataLine } from '../data/datasets-panel.js';
import { sweepDatasetId } from '../data/sweep-data.js';
import { TryItPanel } from '../data/try-it-panel.js';

export interface PageContext {
  readonly session: StudioSession;
  readonly navigate: (hash: string) => void;
}

/**
 * One sweep, live or stored: status and progress, cancel / continue, the backend report, the
 * best run, every chart, the run table and a comparison of selected runs.
 */
/** How often a page showing another tab's sweep asks whether that tab still runs it. */
const LOCK_WATCH_MS = 1000;
/** The longest the analysis panels' preload waits for the charts' first pictures (a chart may never draw: no data). */
const CHARTS_DRAWN_WAIT_MS = 4000;

export class SweepPage {
  readonly element: HTMLElement;
  private model: SweepModel | null = null;
  private live: LiveSweep | null = null;
  private release: () => void = () => {};
  private unsubscribe: () => void = () => {};
  private ticker: ReturnType<typeof setInterval> | null = null;
  private table: RunTable | null = null;
  private best: BestRunPanel | null = null;
  private pool: PoolReport | null = null;
  private charts: ChartsPanel | null = null;
  private panels: PanelsSection | null = null;
  private compare: ComparePanel | null = null;
  private decisions: DecisionsPanel | null = null;
  private steer: SteerPanel | null = null;
  private tryIt: TryItPanel | null = null;
  private readonly header: HTMLElement;
  private readonly status: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly notes: HTMLElement;
  private interrupted = false;
  private elsewhere = false;
  /** While another tab runs the sweep: looks for its lock's release (see watchElsewhere). */
  private lockWatch: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly context: PageContext,
    private readonly sweepId: string,
  ) {
    this.header = h('div', { className: 'sweep-header' });
    this.status = h('p', { className: 'sweep-status', attrs: { 'aria-live': 'polite' } });
    this.actions = h('div', { className: 'row sweep-actions' });
    this.notes = h('div', { className: 'sweep-notes' });
    this.element = h(
      'section',
      { className: 'sweep-page', attrs: { 'aria-labelledby': 'sweep-title' } },
      this.header,
      this.status,
      this.actions,
      this.notes,
      h('p', { className: 'muted', text: 'Loading…' }),
    );
  }

  async mount(): Promise<void> {
    const loaded = await this.context.session.model(this.sweepId);
    if (loaded === null) {
      replaceChildren(
        this.element,
        h('h2', { text: 'Sweep not found' }),
        h('p', { text: `No sweep ${this.sweepId} is stored in workspace ${this.context.session.name}.` }),
        h('a', { attrs: { href: '#/history' }, text: 'See all sweeps' }),
      );
      return;
    }
    const { model, live, release } = loaded;
    this.model = model;
    this.live = live;
    this.release = release;
    await this.checkElsewhere();
    const record = model.record;
    this.table = new RunTable({
      primaryMetric: record.config.primaryMetricName,
      goal: record.config.primaryMetricGoal,
      onSelect: (ids) => this.select(ids),
      onCancelRun: live === null ? null : (runId) => this.cancelRun(runId),
    });
    this.best = new BestRunPanel(model, {
      exportModel: async (runId, destination) => {
        // A model kept in the browser is only as safe as the site's storage: ask to keep it.
        const persisted = destination.startsWith('indexeddb://') ? await requestPersistence() : true;
        await this.context.session.workspace.exportModel(runId, destination);
        if (destination.startsWith('indexeddb://') && !(await savedModelExists(destination))) {
          throw new Error(`${destination} was not found after saving it (the browser refused to store it)`);
        }
        return persisted
          ? null
          : 'Saved; this browser may evict it under storage pressure (it declined persistent storage), so download it too if it matters.';
      },
      modelStored: (runId) => this.context.session.workspace.modelStored(runId),
    });
    this.pool = new PoolReport(model);
    this.charts = new ChartsPanel(model, { onSelect: (selection) => this.pickOnChart(selection) });
    this.panels = new PanelsSection(model, { onSelect: (selection) => this.pickOnChart(selection) });
    this.compare = new ComparePanel(model);
    this.decisions = new DecisionsPanel(model, {
      focus: (moment) => {
        const ids = moment?.runIds ?? new Set<string>();
        this.table?.setSelection(ids);
        this.charts?.highlight(ids);
        this.charts?.markInterval(moment?.interval ?? null);
      },
    });
    const { workspace } = this.context.session;
    this.tryIt =
      sweepDatasetId(record) === null ? null : new TryItPanel({ load: () => workspace.tryBestModel(record.id) });
    this.steer = new SteerPanel({
      session: this.context.session,
      model,
      navigate: (hash) => this.context.navigate(hash),
      state: () => this.steerState(),
    });
    replaceChildren(
      this.element,
      this.header,
      this.status,
      this.actions,
      this.notes,
      this.steer.element,
      h('div', { className: 'sweep-top' }, this.best.element, this.pool.element),
      this.tryIt?.element,
      this.charts.element,
      this.panels.element,
      this.decisions.element,
      this.compare.element,
      panel({ titleId: 'runs-title', title: 'Runs' }, this.table.element),
      embedSnippet(record.id, this.context.session.name),
    );
    this.unsubscribe = model.subscribe(() => this.refresh());
    this.ticker = setInterval(() => {
      if (this.model?.record.status === 'Running') this.refresh();
    }, 1000);
    this.refresh();
    void this.charts.mount();
    void this.panels.mount(this.charts.whenDrawn(CHARTS_DRAWN_WAIT_MS));
  }

  dispose(): void {
    this.unsubscribe();
    this.release();
    if (this.ticker !== null) clearInterval(this.ticker);
    this.stopWatchingElsewhere();
    this.charts?.dispose();
    this.panels?.dispose();
    this.tryIt?.dispose();
  }

  private async checkElsewhere(): Promise<void> {
    // The stored record, not the live one: a sweep paused for storage ends in memory but stays
    // stored as Running, which is what makes it continuable.
    const record = this.model === null ? undefined : await this.context.session.workspace.getSweep(this.model.id);
    if (record === undefined || this.live !== null || (record.status !== 'Running' && record.status !== 'Queued')) {
      this.interrupted = false;
      this.elsewhere = false;
      return;
    }
    const interrupted = await this.context.session.workspace.listInterruptedSweeps();
    this.interrupted = interrupted.some((s) => s.id === record.id);
    this.elsewhere = !this.interrupted;
    if (this.elsewhere) this.watchElsewhere();
  }

  /**
   * The tab running this sweep can close or crash without a word: its Web Lock is then
   * released, which no event announces. Asking the lock manager every second (no database
   * read) notices it within about a second, and the page offers Continue. Asking, rather than
   * queueing a request for the lock, never holds the lock, so it cannot make another tab's
   * "Continue" find the lock taken.
   */
  private watchElsewhere(): void {
    if (this.lockWatch !== null || this.model === null) return;
    const id = this.model.id;
    let checking = false;
    this.lockWatch = setInterval(() => {
      if (checking) return;
      checking = true;
      void this.context.session.workspace
        .isSweepHeld(id)
        .then(async (held) => {
          if (held || this.lockWatch === null) return;
          this.stopWatchingElsewhere();
          await this.checkElsewhere();
          this.actions.dataset['key'] = '';
          this.refresh();
        })
        .finally(() => {
          checking = false;
        });
    }, LOCK_WATCH_MS);
  }

  private stopWatchingElsewhere(): void {
    if (this.lockWatch !== null) clearInterval(this.lockWatch);
    this.lockWatch = null;
  }

  private refresh(): void {
    const model = this.model;
    if (model === null) return;
    const record = model.record;
    if (this.live !== null && (record.endReason?.kind === 'storage-full' || record.paused !== undefined)) {
      // Paused: no longer running here, and continuable once space is freed.
      this.live = null;
      this.table?.setCancelable(null);
      void this.checkElsewhere().then(() => {
        this.actions.dataset['key'] = '';
        this.refresh();
      });
    }
    this.renderHeader(record);
    this.renderStatus(record);
    this.renderActions(record);
    this.renderNotes(record);
    this.table?.update(model.rows());
    if (this.live === null || record.status !== 'Running') this.table?.setCancelable(null);
    this.best?.update();
    this.pool?.update();
    this.charts?.update();
    this.panels?.update();
    this.compare?.update();
    this.decisions?.update();
    this.steer?.update();
    if (this.tryIt !== null) void this.tryIt.show(finishedBestRun(model));
  }

  private steerState(): SteerState {
    const status = this.model?.record.status;
    if (this.live !== null && (status === 'Running' || status === 'Queued')) return { kind: 'live', live: this.live };
    if (this.elsewhere) return { kind: 'elsewhere' };
    if (this.interrupted && this.model?.record.paused !== undefined) return { kind: 'paused' };
    return { kind: 'stored' };
  }

  private renderHeader(record: SweepRecord): void {
    const title = `${record.experiment} · ${record.id} · ${record.name ?? ''}`;
    if (this.header.dataset['title'] === title) return;
    this.header.dataset['title'] = title;
    replaceChildren(
      this.header,
      h(
        'p',
        { className: 'crumbs' },
        h('a', { attrs: { href: '#/history' }, text: 'Sweeps' }),
        ' / ',
        record.experiment,
      ),
      h(
        'h2',
        { attrs: { id: 'sweep-title' } },
        h('span', { text: record.name ?? record.experiment }),
        ' ',
        h('code', { className: 'sweep-id', text: record.id }),
      ),
      sweepDataLine(record),
    );
  }

  private renderStatus(record: SweepRecord): void {
    const rows = this.model?.rows() ?? [];
    const count = (pred: (s: string) => boolean): number => rows.filter((r) => pred(r.run.status)).length;
    const stopped = rows.filter((r) => r.run.termination?.kind === 'policy').length;
    const elapsed = record.startedAt === null ? null : (record.endedAt ?? Date.now()) - record.startedAt;
    const shownStatus = this.interrupted ? (record.paused === undefined ? 'Interrupted' : 'Paused') : record.status;
    replaceChildren(
      this.status,
      h('span', {
        className: `badge status-${shownStatus.toLowerCase()}`,
        attrs: { 'data-testid': 'sweep-status' },
        text: shownStatus,
      }),
      ` ${rows.length} of ${record.config.maxTotalRuns} runs: ${count((s) => s === 'Running')} running, ${count((s) => s === 'Completed')} completed, ${stopped} stopped early by the policy, ${count((s) => s === 'Failed')} failed. `,
      `Concurrency ${record.concurrency}. Elapsed ${formatDuration(elapsed)}.`,
    );
  }

  private renderActions(record: SweepRecord): void {
    const key = `${record.status}|${this.live !== null}|${this.interrupted}|${record.paused !== undefined}`;
    if (this.actions.dataset['key'] === key) return;
    this.actions.dataset['key'] = key;
    const buttons: HTMLElement[] = [];
    if (this.live !== null && (record.status === 'Running' || record.status === 'Queued')) {
      buttons.push(
        h('button', {
          attrs: { type: 'button', 'data-testid': 'cancel-sweep' },
          className: 'danger',
          text: 'Cancel sweep',
          on: {
            click: () => {
              announce('Canceling the sweep');
              void this.live?.sweep.cancel();
            },
          },
        }),
      );
    }
    // A paused sweep is resumed from the steering panel.
    if (this.interrupted && record.paused === undefined) {
      buttons.push(
        h('button', {
          attrs: { type: 'button', 'data-testid': 'continue-sweep' },
          className: 'primary',
          text: 'Continue this sweep',
          on: { click: () => void this.continueSweep() },
        }),
      );
    }
    buttons.push(
      h('button', {
        attrs: { type: 'button', 'data-action': 'export-json' },
        text: 'Export JSON',
        on: { click: () => void this.download('json') },
      }),
      h('button', {
        attrs: { type: 'button', 'data-action': 'export-csv' },
        text: 'Export runs CSV',
        on: { click: () => void this.download('runs-csv') },
      }),
      h('button', {
        attrs: { type: 'button', 'data-action': 'export-metrics-csv' },
        text: 'Export metrics CSV',
        on: { click: () => void this.download('metrics-csv') },
      }),
    );
    replaceChildren(this.actions, ...buttons);
  }

  private renderNotes(record: SweepRecord): void {
    const items: HTMLElement[] = [];
    if (this.elsewhere)
      items.push(
        h('p', {
          className: 'note',
          attrs: { 'data-testid': 'read-only' },
          text: 'This sweep is running in another tab or window: shown live, read-only here.',
        }),
      );
    if (this.interrupted && record.paused === undefined)
      items.push(
        h('p', {
          className: 'note',
          text: 'The page that ran this sweep went away (reload, crash or closed tab). Finished runs are kept; continuing re-runs the unfinished ones from their last checkpoints and stays within the run budget.',
        }),
      );
    if (record.endReason !== null)
      items.push(h('p', { attrs: { 'data-testid': 'end-reason' }, text: `Ended: ${endReasonText(record.endReason)}` }));
    if (record.error !== null) items.push(h('p', { className: 'error', text: record.error.message }));
    if (record.warnings.length > 0)
      items.push(h('ul', { className: 'warnings' }, ...record.warnings.map((w) => h('li', { text: w }))));
    const text = items.map((i) => i.textContent).join('|');
    if (this.notes.dataset['text'] === text) return;
    this.notes.dataset['text'] = text;
    replaceChildren(this.notes, ...items);
  }

  private pickOnChart(selection: ChartSelection): void {
    const ids = selection.kind === 'runs' ? selection.runIds : new Set<string>();
    this.table?.setSelection(ids);
    this.select(ids);
    announce(selection.kind === 'runs' ? `${ids.size} runs selected on the chart` : 'Chart selection cleared');
  }

  private select(ids: ReadonlySet<string>): void {
    this.charts?.highlight(ids);
    this.panels?.highlight(ids);
    this.steer?.setSelection(ids);
    this.compare?.setRuns(ids);
  }

  private cancelRun(runId: string): void {
    const run = this.model?.run(runId);
    if (this.live?.sweep.cancelRun(runId) === true)
      announce(`Canceling run ${run === undefined ? runId : run.index + 1}`);
  }

  private async continueSweep(): Promise<void> {
    const record = this.model?.record;
    if (record === undefined) return;
    try {
      // On the backend it was asked for, not the default, when the stored report says which.
      const requested = (await this.context.session.workspace.getSweep(record.id))?.backendReport?.requested;
      await this.context.session.continueSweep(record.id, requested === undefined ? {} : { backend: requested });
      this.dispose();
      this.context.navigate(`#/sweep/${encodeURIComponent(record.id)}`);
    } catch (error) {
      this.notes.prepend(
        h('p', {
          className: 'error',
          attrs: { role: 'alert' },
          text: `Could not continue: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    }
  }

  private async download(kind: 'json' | 'runs-csv' | 'metrics-csv'): Promise<void> {
    try {
      await downloadSweep(this.context.session.workspace, this.sweepId, kind);
      announce('Export downloaded');
    } catch (error) {
      this.notes.prepend(
        h('p', {
          className: 'error',
          attrs: { role: 'alert' },
          text: `Export failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    }
  }
}

export function endReasonText(reason: SweepEndReason): string {
  switch (reason.kind) {
    case 'max-total-runs':
      return `all ${reason.runs} runs of the budget (maxTotalRuns) were made`;
    case 'space-exhausted':
      return `the search space was exhausted after ${reason.runs} runs`;
    case 'max-duration':
      return `maxDurationMinutes (${formatValue(reason.minutes)}) elapsed; unfinished runs were canceled`;
    case 'canceled':
      return 'the sweep was canceled';
    case 'metric-never-logged':
      return `no run logged the primary metric "${reason.metric}"${reason.logged.length === 0 ? '' : ` (logged: ${reason.logged.join(', ')})`}`;
    case 'all-runs-failed':
      return `all ${reason.runs} runs failed`;
    case 'store-error':
      return 'storing results failed';
    case 'storage-full':
      return `paused: ${reason.message}`;
    case 'sampler-error':
      return 'the sampler failed';
    case 'imported-unfinished':
      return `imported from a file exported while the sweep was ${reason.status === 'Queued' ? 'queued' : 'running'} (${reason.exportedAt}); it cannot be continued`;
  }
}

/** HyperDrive's notebook widget, for any page of this site: the element and the script to load. */
function embedSnippet(sweepId: string, workspace: string): HTMLElement {
  const attr = (v: string): string => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  // The script's path from the site's root, wherever the app is served (`/overdrive/…` under a
  // sub-path): the snippet goes into other pages of the site, at any depth.
  const script = new URL('overdrive-run-details.js', `${location.origin}${location.pathname}`).pathname;
  const code = `<script type="module" src="${attr(script)}"></script>\n<overdrive-run-details sweep="${attr(sweepId)}" workspace="${attr(workspace)}"></overdrive-run-details>`;
  return h(
    'details',
    { className: 'panel embed', attrs: { 'data-testid': 'embed' } },
    h('summary', { text: 'Embed this sweep in another page' }),
    h('p', {
      className: 'muted',
      text: 'Shows this sweep’s status, runs and metric curves, live while it runs, on any page served from this site.',
    }),
    h('textarea', { attrs: { readonly: true, rows: 3, 'aria-label': 'Embed code' }, className: 'code', text: code }),
    h(
      'p',
      null,
      h('a', {
        attrs: {
          href: `/src/studio/run-details/embed.html?sweep=${encodeURIComponent(sweepId)}&workspace=${encodeURIComponent(workspace)}`,
        },
        text: 'Open the embedding example',
      }),
    ),
  );
}

/** The best run once it has finished with a model: what "Try it" answers with (null until then). */
function finishedBestRun(model: SweepModel): string | null {
  const best = bestRun(
    model.rows().map((r) => r.run),
    model.record.config.primaryMetricGoal,
  );
  if (best === null || best.status === 'Running' || best.status === 'Queued') return null;
  return best.checkpoint?.model === true ? best.id : null;
}
