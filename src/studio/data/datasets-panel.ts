import type { DatasetSummary, SweepRecord } from '../engine.js';
import { announce, h, panel, replaceChildren } from '../dom.js';
import { formatBytes } from './suggest.js';
import { sweepDataName, sweepDatasetId } from './sweep-data.js';

export interface DatasetsPanelActions {
  list(): Promise<DatasetSummary[]>;
  delete(id: string): Promise<void>;
  /** The stored sweeps, to say which of them were trained on each dataset. */
  sweeps(): Promise<SweepRecord[]>;
}

/**
 * The Sweeps page's list of datasets stored in this browser: name, format, rows × columns, size
 * and date, with Delete behind a confirmation that names the sweeps trained on it (they keep
 * their runs, but cannot continue without the data).
 */
export class DatasetsPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  private readonly dialog: HTMLDialogElement;

  constructor(private readonly actions: DatasetsPanelActions) {
    this.body = h('div', { className: 'datasets-body' }, h('p', { className: 'muted', text: 'Loading…' }));
    this.message = h('p', { attrs: { role: 'status', 'data-testid': 'datasets-message' } });
    this.dialog = h('dialog', { className: 'confirm', attrs: { 'aria-labelledby': 'dataset-confirm-title' } });
    this.element = panel(
      { kind: 'datasets', testId: 'datasets', titleId: 'datasets-title', title: 'Datasets in this browser' },
      h('p', {
        className: 'muted',
        text: 'Files you picked for sweeps, kept in this site’s storage on this device so that reloading and continuing work. They were never uploaded.',
      }),
      this.message,
      this.body,
      this.dialog,
    );
  }

  async render(): Promise<void> {
    let datasets: DatasetSummary[];
    let sweeps: SweepRecord[];
    try {
      [datasets, sweeps] = await Promise.all([this.actions.list(), this.actions.sweeps()]);
    } catch (error) {
      this.message.textContent = `Could not list the stored datasets: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    if (datasets.length === 0) {
      replaceChildren(
        this.body,
        h(
          'p',
          { text: 'No datasets stored. Pick or drop a file in the Data step of ' },
          h('a', { attrs: { href: '#/' }, text: 'a new sweep' }),
          '.',
        ),
      );
      return;
    }
    const rows = datasets.map((d) => {
      const users = sweeps.filter((s) => sweepDatasetId(s) === d.id);
      return h(
        'tr',
        { attrs: { 'data-dataset-id': d.id } },
        h('th', { attrs: { scope: 'row' }, text: d.name }),
        h('td', {
          attrs: { 'data-label': 'Format' },
          text: d.format === 'images' ? 'image folder' : d.format.toUpperCase(),
        }),
        h('td', {
          className: 'num',
          attrs: { 'data-label': 'Rows × columns' },
          text: d.format === 'images' ? `${d.rows} images, ${d.columns} classes` : `${d.rows} × ${d.columns}`,
        }),
        h('td', { className: 'num', attrs: { 'data-label': 'Size' }, text: formatBytes(d.bytes) }),
        h('td', { attrs: { 'data-label': 'Stored' }, text: new Date(d.storedAt).toLocaleString() }),
        h('td', { className: 'num', attrs: { 'data-label': 'Sweeps' }, text: String(users.length) }),
        h(
          'td',
          { className: 'actions' },
          h('button', {
            attrs: { type: 'button', 'data-action': 'delete-dataset', 'aria-label': `Delete dataset ${d.name}` },
            className: 'small danger',
            text: 'Delete',
            on: { click: () => this.confirmDelete(d, users) },
          }),
        ),
      );
    });
    replaceChildren(
      this.body,
      h(
        'div',
        { className: 'table-scroller' },
        h(
          'table',
          { className: 'datasets-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['Name', 'Format', 'Rows × columns', 'Size', 'Stored', 'Sweeps', ''].map((t) =>
                h('th', { attrs: { scope: 'col' }, text: t }),
              ),
            ),
          ),
          h('tbody', null, ...rows),
        ),
      ),
    );
  }

  private confirmDelete(dataset: DatasetSummary, users: readonly SweepRecord[]): void {
    const confirm = h('button', {
      attrs: { type: 'button', 'data-action': 'confirm-delete-dataset' },
      className: 'danger',
      text: `Delete ${dataset.name}`,
      on: {
        click: () => {
          this.dialog.close('delete');
          void this.actions.delete(dataset.id).then(
            () => {
              this.message.textContent = `Deleted dataset ${dataset.name} from this browser.`;
              announce(`Deleted dataset ${dataset.name}`);
              return this.render();
            },
            (error: unknown) => {
              this.message.textContent = `Could not delete ${dataset.name}: ${error instanceof Error ? error.message : String(error)}`;
            },
          );
        },
      },
    });
    const names = users.map((s) => s.name ?? s.id);
    replaceChildren(
      this.dialog,
      h('h3', { attrs: { id: 'dataset-confirm-title' }, text: 'Delete this dataset?' }),
      h('p', {
        text: `${dataset.name} (${formatBytes(dataset.bytes)}) is removed from this browser’s storage. This cannot be undone.`,
      }),
      users.length === 0
        ? null
        : h('p', {
            className: 'warning',
            text: `${users.length} sweep${users.length === 1 ? ' was' : 's were'} trained on it (${names.join(', ')}): ${users.length === 1 ? 'it keeps its' : 'they keep their'} runs, but continuing needs the file picked again.`,
          }),
      h(
        'div',
        { className: 'row' },
        h('button', {
          attrs: { type: 'button', autofocus: true },
          text: 'Keep it',
          on: { click: () => this.dialog.close('cancel') },
        }),
        confirm,
      ),
    );
    this.dialog.showModal();
  }
}

/** The line a sweep shows about its data: "Data: penguins.csv" (or nothing for a sweep without one). */
export function sweepDataLine(record: SweepRecord): HTMLElement | null {
  const name = sweepDataName(record);
  return name === null
    ? null
    : h(
        'p',
        { className: 'sweep-data', attrs: { 'data-testid': 'sweep-dataset' } },
        'Data: ',
        h('strong', { text: name }),
      );
}
