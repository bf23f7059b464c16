import { bestRun, type SweepRecord } from '../engine.js';
import { announce, formatValue, h, replaceChildren } from '../dom.js';
import { StoragePanel } from './storage-panel.js';
import { noteCell } from '../steer/note-cell.js';
import type { PageContext } from './sweep-page.js';
import { SweepListExtras } from '../teach/sweep-list-extras.js';
import { DatasetsPanel, sweepDataLine } from '../data/datasets-panel.js';

/**
 * Every experiment and sweep stored in this browser's workspace: open one with all its charts,
 * continue an interrupted one, delete one (after confirming), or import an exported sweep.
 */
export class HistoryPage {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly message: HTMLElement;
  private readonly dialog: HTMLDialogElement;
  private readonly storage = new StoragePanel();
  private unsubscribe: () => void = () => {};
  private readonly extras: SweepListExtras;
  private readonly datasets: DatasetsPanel;

  constructor(private readonly context: PageContext) {
    this.extras = new SweepListExtras({
      navigate: (hash) => context.navigate(hash),
      rename: async (sweepId, name) => {
        await context.session.workspace.renameSweep(sweepId, name);
        await this.render();
      },
    });
    const { workspace } = context.session;
    this.datasets = new DatasetsPanel({
      list: () => workspace.datasets.list(),
      delete: (id) => workspace.datasets.delete(id),
      sweeps: () => workspace.listSweeps(),
    });
    this.list = h(
      'div',
      { className: 'history-list', attrs: { 'data-testid': 'history' } },
      h('p', { className: 'muted', text: 'Loading…' }),
    );
    this.message = h('p', { attrs: { role: 'status' } });
    this.dialog = h('dialog', { className: 'confirm', attrs: { 'aria-labelledby': 'confirm-title' } });
    const file = h('input', {
      attrs: {
        type: 'file',
        accept: '.json,application/json',
        'data-testid': 'import-sweep',
        'aria-label': 'Import an exported sweep (JSON)',
      },
    });
    file.addEventListener('change', () => {
      const picked = file.files?.[0];
      if (picked !== undefined) void this.importFile(picked);
      file.value = '';
    });
    this.element = h(
      'section',
      { className: 'history-page', attrs: { 'aria-labelledby': 'history-title' } },
      h('h2', { attrs: { id: 'history-title' }, text: 'Sweeps in this browser' }),
      h('p', {
        className: 'muted',
        text: `Workspace “${context.session.name}”: everything is stored in this browser’s IndexedDB, nowhere else.`,
      }),
      h('div', { className: 'row' }, h('label', null, 'Import a sweep exported as JSON: ', file)),
      this.message,
      this.extras.bar,
      this.list,
      this.datasets.element,
      this.storage.element,
      this.dialog,
    );
  }

  async mount(): Promise<void> {
    // A change can arrive after the store closed (another tab upgrading the database): say so on
    // the page rather than leave the rejection unhandled.
    this.unsubscribe = this.context.session.onChange(() => {
      this.render().catch((error: unknown) => {
        this.message.textContent = `Could not list the stored sweeps: ${error instanceof Error ? error.message : String(error)}`;
      });
    });
    await Promise.all([this.render(), this.storage.render(), this.datasets.render()]);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private async render(): Promise<void> {
    const { workspace } = this.context.session;
    const [sweeps, interrupted] = await Promise.all([workspace.listSweeps(), workspace.listInterruptedSweeps()]);
    const interruptedIds = new Set(interrupted.map((s) => s.id));
    if (sweeps.length === 0) {
      replaceChildren(
        this.list,
        h(
          'p',
          { text: 'No sweeps yet. ' },
          h('a', { attrs: { href: '#/' }, text: 'Start one' }),
          ' or ',
          h('a', { attrs: { href: '#/demo' }, text: 'run the demo' }),
          '.',
        ),
      );
      return;
    }
    this.extras.keepOnly(new Set(sweeps.map((s) => s.id)));
    const byExperiment = new Map<string, SweepRecord[]>();
    for (const sweep of [...sweeps].reverse()) {
      const list = byExperiment.get(sweep.experiment) ?? [];
      list.push(sweep);
      byExperiment.set(sweep.experiment, list);
    }
    const sections = await Promise.all(
      [...byExperiment].map(async ([experiment, list]) => {
        const rows = await Promise.all(list.map((sweep) => this.row(sweep, interruptedIds.has(sweep.id))));
        return h(
          'section',
          { className: 'panel', attrs: { 'data-experiment': experiment } },
          h('h3', { text: experiment }),
          h(
            'div',
            { className: 'table-scroller' },
            h(
              'table',
              { className: 'history-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...['Compare', 'Sweep', 'Sampling · policy', 'Status', 'Created', 'Runs', 'Best', ''].map((t) =>
                    h('th', { attrs: { scope: 'col' }, text: t }),
                  ),
                ),
              ),
              h('tbody', null, ...rows),
            ),
          ),
        );
      }),
    );
    replaceChildren(this.list, ...sections);
  }

  private async row(sweep: SweepRecord, interrupted: boolean): Promise<HTMLTableRowElement> {
    const runs = await this.context.session.workspace.listRuns(sweep.id);
    const best = bestRun(runs, sweep.config.primaryMetricGoal);
    const live = this.context.session.liveSweep(sweep.id) !== undefined;
    const stopped = sweep.paused === undefined ? 'Interrupted' : 'Paused';
    const status = interrupted ? stopped : live && sweep.status === 'Running' ? 'Running here' : sweep.status;
    const open = `#/sweep/${encodeURIComponent(sweep.id)}`;
    return h(
      'tr',
      { attrs: { 'data-sweep-id': sweep.id } },
      this.extras.selectCell(sweep),
      this.extras.nameCell(sweep, open, h('div', null, noteCell(sweep), sweepDataLine(sweep))),
      this.extras.methodCell(sweep),
      h(
        'td',
        null,
        h('span', { className: `badge status-${status.split(' ')[0]?.toLowerCase() ?? ''}`, text: status }),
      ),
      h('td', { text: new Date(sweep.createdAt).toLocaleString() }),
      h('td', { className: 'num', text: `${runs.length} / ${sweep.config.maxTotalRuns}` }),
      h('td', {
        className: 'num',
        text: best === null ? '—' : `${sweep.config.primaryMetricName} ${formatValue(best.bestMetric)}`,
      }),
      h(
        'td',
        { className: 'actions' },
        h('a', {
          attrs: { href: open },
          className: 'button small',
          text: interrupted ? (sweep.paused === undefined ? 'Open / continue' : 'Open / resume') : 'Open',
        }),
        h('button', {
          attrs: {
            type: 'button',
            'data-action': 'delete-sweep',
            'aria-label': `Delete sweep ${sweep.name ?? sweep.id}`,
          },
          className: 'small danger',
          text: 'Delete',
          on: { click: () => this.confirmDelete(sweep, runs.length) },
        }),
      ),
    );
  }

  private confirmDelete(sweep: SweepRecord, runs: number): void {
    const cancel = h('button', {
      attrs: { type: 'button', value: 'cancel', autofocus: true },
      text: 'Keep it',
      on: { click: () => this.dialog.close('cancel') },
    });
    const confirm = h('button', {
      attrs: { type: 'button', 'data-action': 'confirm-delete' },
      className: 'danger',
      text: `Delete the sweep and its ${runs} run${runs === 1 ? '' : 's'}`,
      on: {
        click: () => {
          this.dialog.close('delete');
          void this.context.session.deleteSweep(sweep).then(
            () => {
              this.message.textContent = `Deleted sweep ${sweep.id}.`;
              announce(`Deleted sweep ${sweep.id}`);
              return this.render();
            },
            (error: unknown) => {
              this.message.textContent = `Could not delete: ${error instanceof Error ? error.message : String(error)}`;
            },
          );
        },
      },
    });
    replaceChildren(
      this.dialog,
      h('h3', { attrs: { id: 'confirm-title' }, text: 'Delete this sweep?' }),
      h('p', {
        text: `${sweep.experiment} · ${sweep.id}: its runs, metrics, decisions and saved models are removed from this browser. This cannot be undone.`,
      }),
      h('div', { className: 'row' }, cancel, confirm),
    );
    this.dialog.showModal();
  }

  private async importFile(file: File): Promise<void> {
    try {
      const sweepId = await this.context.session.workspace.importSweep(await file.text());
      this.message.textContent = `Imported ${file.name} as sweep ${sweepId}.`;
      announce(`Imported sweep ${sweepId}`);
      this.context.navigate(`#/sweep/${encodeURIComponent(sweepId)}`);
    } catch (error) {
      this.message.textContent = `Could not import ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      announce('The import failed');
    }
  }
}
