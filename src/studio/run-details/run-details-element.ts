import studioCss from '../styles/studio.css?inline';
import { h, replaceChildren } from '../dom.js';
import type { StudioChart } from '../view-model/chart-data.js';
import type { SweepModel } from '../view-model/sweep-model.js';
import { endReasonText } from '../pages/sweep-page.js';
import { StudioSession } from '../session.js';
import { checkWorkspaceName } from '../engine.js';
import { RunTable } from '../table/run-table.js';

export const RUN_DETAILS_TAG = 'overdrive-run-details';

let sheet: CSSStyleSheet | null = null;
/** The Studio's stylesheet, scoped to the element (adopted, so the page's CSP needs no inline style). */
function styles(): CSSStyleSheet {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    // The page's own styles stop at the shadow root: the element brings the Studio's font and colours.
    sheet.replaceSync(
      `${studioCss.replaceAll(':root', ':host')}\n:host { display: block; font-family: var(--font); color: var(--fg); background: var(--bg); line-height: 1.45; padding: 0.5rem; border-radius: var(--radius); }`,
    );
  }
  return sheet;
}

/**
 * `<overdrive-run-details sweep="HD_…" workspace="overdrive">`: HyperDrive's notebook widget for
 * any page of this site — one sweep's status, run table and metric curves, live while the sweep
 * runs (here or in another tab), read-only. Attributes: `sweep` (required), `workspace`
 * (default `overdrive`), `metric` (the curve shown first; default the primary metric).
 */
export class RunDetailsElement extends HTMLElement {
  static readonly observedAttributes = ['sweep', 'workspace', 'metric'];

  private readonly root: ShadowRoot;
  private session: Promise<StudioSession> | null = null;
  private sessionName: string | null = null;
  private teardown: () => void = () => {};
  private generation = 0;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styles()];
  }

  connectedCallback(): void {
    void this.load();
  }

  disconnectedCallback(): void {
    // A load still awaiting the store or the chart code must find itself stale when it resumes.
    this.generation += 1;
    this.teardown();
    this.teardown = () => {};
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.load();
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.teardown();
    this.teardown = () => {};
    const sweepId = this.getAttribute('sweep');
    const workspace = this.getAttribute('workspace') ?? 'overdrive';
    const container = h('div', { className: 'run-details', attrs: { 'data-testid': 'run-details' } });
    this.root.replaceChildren(container);
    if (sweepId === null || sweepId.trim() === '') {
      replaceChildren(
        container,
        h('p', { className: 'error', text: 'overdrive-run-details: set the sweep attribute to a sweep id.' }),
      );
      return;
    }
    if (this.session === null || this.sessionName !== workspace) {
      this.sessionName = workspace;
      // Checked before opening, so a reserved or malformed name creates no database.
      this.session = Promise.resolve().then(() => StudioSession.open(checkWorkspaceName(workspace, 'workspace')));
    }
    let loaded;
    try {
      loaded = await (await this.session).model(sweepId);
    } catch (error) {
      replaceChildren(
        container,
        h('p', {
          className: 'error',
          text: `Cannot open workspace ${workspace}: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return;
    }
    if (generation !== this.generation) {
      loaded?.release();
      return;
    }
    if (loaded === null) {
      replaceChildren(
        container,
        h('p', { className: 'error', text: `No sweep ${sweepId} is stored in workspace ${workspace} of this site.` }),
      );
      return;
    }
    const { model, release } = loaded;
    const status = h('p', { className: 'sweep-status', attrs: { 'aria-live': 'polite' } });
    const table = new RunTable({
      primaryMetric: model.record.config.primaryMetricName,
      goal: model.record.config.primaryMetricGoal,
    });
    const chartSlot = h('div', { className: 'chart-slot' });
    replaceChildren(
      container,
      h('h3', null, `${model.record.experiment} `, h('code', { className: 'sweep-id', text: model.record.id })),
      status,
      h('section', { className: 'panel chart' }, h('h4', { text: 'Metric curves' }), chartSlot),
      h('section', { className: 'panel' }, table.element),
    );
    let chart: StudioChart | null = null;
    const render = (): void => {
      renderStatus(status, model);
      table.update(model.rows());
      chart?.update(model.chartData());
    };
    const unsubscribe = model.subscribe(render);
    this.teardown = () => {
      unsubscribe();
      release();
      chart?.dispose();
    };
    render();
    const { createChart } = await import('../charts/index.js');
    if (generation !== this.generation) return;
    const metricChart = await createChart('metric', chartSlot, {});
    // Detached or re-pointed while the chart was being made: this load's teardown has already
    // run (with no chart to dispose), so this chart is nobody's.
    if (generation !== this.generation) {
      metricChart.dispose();
      return;
    }
    chart = metricChart;
    const metric = this.getAttribute('metric');
    metricChart.update(model.chartData());
    if (metric !== null) metricChart.setMetric(metric);
  }
}

function renderStatus(status: HTMLElement, model: SweepModel): void {
  const record = model.record;
  const rows = model.rows();
  const running = rows.filter((r) => r.run.status === 'Running').length;
  const stopped = rows.filter((r) => r.run.termination?.kind === 'policy').length;
  replaceChildren(
    status,
    h('span', { className: `badge status-${record.status.toLowerCase()}`, text: record.status }),
    ` ${rows.length} of ${record.config.maxTotalRuns} runs, ${running} running, ${stopped} stopped early.`,
    record.endReason === null ? '' : ` Ended: ${endReasonText(record.endReason)}.`,
  );
}

/** Registers the element once (embedding pages may load the script more than once). */
export function defineRunDetails(): void {
  if (customElements.get(RUN_DETAILS_TAG) === undefined) customElements.define(RUN_DETAILS_TAG, RunDetailsElement);
}
