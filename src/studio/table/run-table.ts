import { compareBestFirst, runStatusText, type PrimaryMetricGoal, type Primitive, type RunStatus } from '../engine.js';
import { formatDuration, formatValue, h, replaceChildren } from '../dom.js';
import type { RunRow } from '../view-model/sweep-model.js';

export const RUN_STATUSES: readonly RunStatus[] = ['Queued', 'Running', 'Completed', 'Canceled', 'Failed'];

type SortKey =
  | { readonly kind: 'index' }
  | { readonly kind: 'id' }
  | { readonly kind: 'status' }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'best' }
  | { readonly kind: 'intervals' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'backend' };

interface Column {
  readonly key: SortKey;
  readonly label: string;
  readonly className: string;
  readonly cell: (row: RunRow, now: number) => string;
}

export interface RunTableOptions {
  readonly primaryMetric: string;
  readonly goal: PrimaryMetricGoal;
  /** Called when the selection changes (checkboxes). */
  readonly onSelect?: (runIds: ReadonlySet<string>) => void;
  /** Offered on running rows when the sweep runs in this page. */
  readonly onCancelRun?: ((runId: string) => void) | null;
}

const ROW_HEIGHT = 36;
const OVERSCAN = 8;

/**
 * The live run table: every run with its number and id, status, hyperparameters, best primary metric,
 * intervals, duration, backend and termination reason. Only the rows in view are in the DOM
 * (a spacer row stands for the rest), so 1000 runs cost what 30 do; sorting and the status
 * filter work on the data, not the DOM.
 */
export class RunTable {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private readonly filterBar: HTMLElement;
  private readonly filterButtons = new Map<RunStatus, HTMLButtonElement>();
  private readonly summary: HTMLElement;
  private rows: readonly RunRow[] = [];
  private visible: RunRow[] = [];
  private columns: Column[] = [];
  private paramNames: string[] = [];
  private sort: { key: SortKey; descending: boolean } = { key: { kind: 'index' }, descending: false };
  private readonly hidden = new Set<RunStatus>();
  private readonly selected = new Set<string>();
  private cancelable: ((runId: string) => void) | null;
  private frame = 0;
  private rendered = new Map<string, { tr: HTMLTableRowElement; signature: string }>();
  private columnsVersion = 0;
  private readonly topSpacer = spacer(0, 1);
  private readonly bottomSpacer = spacer(0, 1);
  private readonly emptyRow = h('tr');

  constructor(private readonly options: RunTableOptions) {
    this.cancelable = options.onCancelRun ?? null;
    this.filterBar = h('div', {
      className: 'status-filter',
      attrs: { role: 'group', 'aria-label': 'Show runs by status' },
    });
    this.summary = h('p', { className: 'table-summary', attrs: { 'aria-live': 'polite' } });
    this.head = h('thead');
    this.body = h('tbody');
    this.table = h('table', { className: 'run-table', attrs: { 'aria-label': 'Runs' } }, this.head, this.body);
    this.scroller = h(
      'div',
      { className: 'table-scroller', attrs: { tabindex: 0, 'aria-label': 'Runs table, scrollable' } },
      this.table,
    );
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element = h(
      'div',
      { className: 'run-table-wrap', attrs: { 'data-testid': 'run-table' } },
      this.filterBar,
      this.summary,
      this.scroller,
    );
  }

  /** Cancel buttons appear only while the sweep runs in this page. */
  setCancelable(onCancelRun: ((runId: string) => void) | null): void {
    this.cancelable = onCancelRun;
    this.schedule();
  }

  update(rows: readonly RunRow[]): void {
    this.rows = rows;
    const names = new Set<string>();
    for (const row of rows) for (const name of Object.keys(row.params)) names.add(name);
    const paramNames = [...names];
    if (paramNames.join('\u0000') !== this.paramNames.join('\u0000')) {
      this.paramNames = paramNames;
      this.columns = this.makeColumns();
      this.columnsVersion += 1;
      this.renderHead();
    }
    this.renderFilter();
    this.applyView();
  }

  selection(): ReadonlySet<string> {
    return this.selected;
  }

  setSelection(runIds: ReadonlySet<string>): void {
    this.selected.clear();
    for (const id of runIds) this.selected.add(id);
    this.renderRows();
  }

  private makeColumns(): Column[] {
    const metric = this.options.primaryMetric;
    return [
      { key: { kind: 'index' }, label: 'Run', className: 'num', cell: (r) => String(r.run.index + 1) },
      // The id the API, the exports and the CLI name a run by; the number is only its position.
      { key: { kind: 'id' }, label: 'Run id', className: 'run-id', cell: (r) => r.run.id },
      // "Stopped early (Bandit, interval 5)" for a policy stop, "Canceled" for a user's or a limit's.
      { key: { kind: 'status' }, label: 'Status', className: 'status', cell: (r) => runStatusText(r.run) },
      ...this.paramNames.map(
        (name): Column => ({
          key: { kind: 'param', name },
          label: name,
          className: 'param',
          cell: (r) => formatValue(r.params[name]),
        }),
      ),
      {
        key: { kind: 'best' },
        label: `best ${metric}`,
        className: 'num metric',
        cell: (r) => formatValue(r.run.bestMetric),
      },
      { key: { kind: 'intervals' }, label: 'Intervals', className: 'num', cell: (r) => String(r.run.intervals) },
      {
        key: { kind: 'duration' },
        label: 'Duration',
        className: 'num',
        cell: (r, now) => formatDuration(duration(r, now)),
      },
      { key: { kind: 'backend' }, label: 'Backend', className: 'backend', cell: (r) => r.run.backend ?? '—' },
    ];
  }

  private renderHead(): void {
    const cells = [
      h('th', { attrs: { scope: 'col' }, className: 'select' }, this.selectAllBox()),
      ...this.columns.map((column) => {
        const active = sameKey(column.key, this.sort.key);
        const th = h(
          'th',
          {
            attrs: { scope: 'col', 'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : 'none' },
            className: column.className,
          },
          h(
            'button',
            {
              attrs: { type: 'button', title: `Sort by ${column.label}` },
              className: 'sort',
              on: { click: () => this.sortBy(column.key) },
            },
            column.label,
            h('span', {
              attrs: { 'aria-hidden': 'true' },
              className: 'sort-mark',
              text: active ? (this.sort.descending ? ' ▼' : ' ▲') : '',
            }),
          ),
        );
        return th;
      }),
      h('th', { attrs: { scope: 'col' }, className: 'reason', text: 'Termination reason' }),
      h(
        'th',
        { attrs: { scope: 'col' }, className: 'actions' },
        h('span', { className: 'visually-hidden', text: 'Actions' }),
      ),
    ];
    // Rebuilt on every sort: a keyboard user who sorted keeps focus on the same column's button.
    const sortButtons = (): Element[] => [...this.head.querySelectorAll('button.sort')];
    const focused = sortButtons().indexOf(document.activeElement as HTMLButtonElement);
    replaceChildren(this.head, h('tr', null, ...cells));
    if (focused >= 0) (sortButtons()[focused] as HTMLElement | undefined)?.focus();
  }

  private selectAllBox(): HTMLInputElement {
    const box = h('input', {
      attrs: { type: 'checkbox', 'aria-label': 'Select all shown runs' },
      on: {
        change: () => {
          if (box.checked) for (const row of this.visible) this.selected.add(row.run.id);
          else for (const row of this.visible) this.selected.delete(row.run.id);
          this.renderRows();
          this.options.onSelect?.(this.selected);
        },
      },
    });
    return box;
  }

  /**
   * The status chips are built once and updated in place: they refresh with every batch of a
   * running sweep, and a rebuilt button would drop the keyboard focus (and a press in progress).
   */
  private renderFilter(): void {
    const counts = new Map<RunStatus, number>();
    for (const row of this.rows) counts.set(row.run.status, (counts.get(row.run.status) ?? 0) + 1);
    if (this.filterButtons.size === 0) {
      for (const status of RUN_STATUSES) {
        const button = h('button', {
          attrs: { type: 'button', 'data-status': status },
          className: `chip status-${status.toLowerCase()}`,
          on: {
            click: () => {
              if (this.hidden.has(status)) this.hidden.delete(status);
              else this.hidden.add(status);
              this.renderFilter();
              this.applyView();
            },
          },
        });
        this.filterButtons.set(status, button);
      }
      replaceChildren(
        this.filterBar,
        h('span', { className: 'filter-label', text: 'Show:' }),
        ...this.filterButtons.values(),
      );
    }
    for (const [status, button] of this.filterButtons) {
      const pressed = this.hidden.has(status) ? 'false' : 'true';
      if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
      const text = `${status} ${counts.get(status) ?? 0}`;
      if (button.textContent !== text) button.textContent = text;
    }
  }

  private sortBy(key: SortKey): void {
    this.sort = sameKey(key, this.sort.key)
      ? { key, descending: !this.sort.descending }
      : { key, descending: key.kind === 'best' };
    this.renderHead();
    this.applyView();
  }

  private applyView(): void {
    const filtered = this.rows.filter((r) => !this.hidden.has(r.run.status));
    const compare = this.comparator();
    filtered.sort((a, b) => {
      const c = compare(a, b);
      return (this.sort.descending ? -c : c) || a.run.index - b.run.index;
    });
    this.visible = filtered;
    this.summary.textContent =
      filtered.length === this.rows.length
        ? `${this.rows.length} runs`
        : `${filtered.length} of ${this.rows.length} runs shown`;
    this.renderRows();
  }

  private comparator(): (a: RunRow, b: RunRow) => number {
    const key = this.sort.key;
    const now = Date.now();
    switch (key.kind) {
      case 'index':
        return (a, b) => a.run.index - b.run.index;
      case 'id':
        // Numeric collation: `…_10` after `…_9`, as the runs were made.
        return (a, b) => a.run.id.localeCompare(b.run.id, undefined, { numeric: true });
      case 'status':
        return (a, b) => RUN_STATUSES.indexOf(a.run.status) - RUN_STATUSES.indexOf(b.run.status);
      case 'param':
        return (a, b) => comparePrimitive(a.params[key.name], b.params[key.name]);
      case 'best':
        // Ascending means worst first, so that "descending" puts the best run on top.
        return (a, b) =>
          -compareBestFirst(this.options.goal, a.run.bestMetric ?? undefined, b.run.bestMetric ?? undefined);
      case 'intervals':
        return (a, b) => a.run.intervals - b.run.intervals;
      case 'duration':
        return (a, b) => (duration(a, now) ?? -1) - (duration(b, now) ?? -1);
      case 'backend':
        return (a, b) => (a.run.backend ?? '').localeCompare(b.run.backend ?? '');
    }
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  private renderRows(): void {
    const total = this.visible.length;
    const viewport = this.scroller.clientHeight || ROW_HEIGHT * 12;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((this.scroller.scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
    const now = Date.now();
    const span = this.columns.length + 3;
    const rows: HTMLTableRowElement[] = [];
    this.topSpacer.hidden = first === 0;
    this.topSpacer.style.height = `${first * ROW_HEIGHT}px`;
    rows.push(this.topSpacer);
    const kept = new Map<string, { tr: HTMLTableRowElement; signature: string }>();
    for (let i = first; i < last; i++) {
      const row = this.visible[i];
      if (row === undefined) continue;
      const signature = this.signature(row);
      const cached = this.rendered.get(row.run.id);
      // A row keeps its element while its shape stays the same and only its texts are updated:
      // a button being clicked, a focused checkbox, a text selection survive the stream of updates.
      let tr: HTMLTableRowElement;
      if (cached !== undefined && cached.signature === signature) {
        tr = cached.tr;
        this.refreshRow(tr, row, i, now);
      } else {
        tr = this.renderRow(row, i, now);
      }
      // Selection changes in place, so a checkbox keeps keyboard focus when toggled.
      const selected = this.selected.has(row.run.id);
      tr.classList.toggle('selected', selected);
      const box = tr.querySelector<HTMLInputElement>('td.select input');
      if (box !== null && box.checked !== selected) box.checked = selected;
      kept.set(row.run.id, { tr, signature });
      rows.push(tr);
    }
    this.rendered = kept;
    this.bottomSpacer.hidden = last >= total;
    this.bottomSpacer.style.height = `${(total - last) * ROW_HEIGHT}px`;
    rows.push(this.bottomSpacer);
    if (total === 0) {
      this.emptyRow.replaceChildren(
        h('td', {
          attrs: { colspan: span },
          className: 'empty',
          text: this.rows.length === 0 ? 'No runs yet.' : 'No run has a status shown by the filter.',
        }),
      );
      rows.push(this.emptyRow);
    }
    for (const spacerRow of [this.topSpacer, this.bottomSpacer])
      spacerRow.firstElementChild?.setAttribute('colspan', String(span));
    const current = [...this.body.children];
    if (current.length !== rows.length || current.some((node, i) => node !== rows[i]))
      this.body.replaceChildren(...rows);
    this.table.setAttribute('aria-rowcount', String(total + 1));
  }

  /** What decides a row's structure; rows with the same signature are updated in place. */
  private signature(row: RunRow): string {
    const cancel = this.cancelable !== null && (row.run.status === 'Running' || row.run.status === 'Queued');
    return `${this.columnsVersion}|${cancel ? 1 : 0}`;
  }

  private refreshRow(tr: HTMLTableRowElement, row: RunRow, position: number, now: number): void {
    tr.setAttribute('aria-rowindex', String(position + 2));
    tr.dataset['status'] = row.run.status;
    const cells = tr.children;
    this.columns.forEach((column, i) => {
      const td = cells[i + 1];
      if (td === undefined) return;
      const text = column.cell(row, now);
      if (td.textContent !== text) td.textContent = text;
      if (column.key.kind === 'status') td.className = `${column.className} status-${row.run.status.toLowerCase()}`;
    });
    const reason = cells[this.columns.length + 1];
    if (reason !== undefined && reason.textContent !== (row.reason ?? '')) {
      reason.textContent = row.reason ?? '';
      (reason as HTMLElement).title = row.reason ?? '';
    }
  }

  private renderRow(row: RunRow, position: number, now: number): HTMLTableRowElement {
    const id = row.run.id;
    const box = h('input', {
      attrs: { type: 'checkbox', 'aria-label': `Select run ${row.run.index + 1}` },
      on: {
        change: () => {
          if (box.checked) this.selected.add(id);
          else this.selected.delete(id);
          tr.classList.toggle('selected', box.checked);
          this.options.onSelect?.(this.selected);
        },
      },
    });
    box.checked = this.selected.has(id);
    const cells = this.columns.map((column) => {
      const text = column.cell(row, now);
      const td = h('td', { className: column.className, text });
      if (column.key.kind === 'status') td.classList.add(`status-${row.run.status.toLowerCase()}`);
      if (column.key.kind === 'param') td.title = text;
      return td;
    });
    const reason = h('td', { className: 'reason', text: row.reason ?? '' });
    if (row.reason !== null) reason.title = row.reason;
    const cancel = this.cancelable;
    const actions = h(
      'td',
      { className: 'actions' },
      cancel !== null && (row.run.status === 'Running' || row.run.status === 'Queued')
        ? h('button', {
            attrs: { type: 'button', 'data-action': 'cancel-run', 'aria-label': `Cancel run ${row.run.index + 1}` },
            className: 'small',
            text: 'Cancel',
            on: { click: () => cancel(id) },
          })
        : null,
    );
    const tr = h(
      'tr',
      {
        attrs: { 'aria-rowindex': position + 2, 'data-run-id': id, 'data-status': row.run.status },
        className: this.selected.has(id) ? 'selected' : '',
      },
      h('td', { className: 'select' }, box),
      ...cells,
      reason,
      actions,
    );
    return tr;
  }
}

function spacer(height: number, span: number): HTMLTableRowElement {
  const tr = h('tr', { className: 'spacer', attrs: { 'aria-hidden': 'true' } }, h('td', { attrs: { colspan: span } }));
  tr.style.height = `${height}px`;
  return tr;
}

function duration(row: RunRow, now: number): number | null {
  const { startedAt, endedAt, status } = row.run;
  if (startedAt === null) return null;
  if (endedAt !== null) return endedAt - startedAt;
  return status === 'Running' ? now - startedAt : null;
}

function sameKey(a: SortKey, b: SortKey): boolean {
  return a.kind === b.kind && (a.kind !== 'param' || (b.kind === 'param' && a.name === b.name));
}

/** Numbers before strings before booleans; missing values last. */
function comparePrimitive(a: Primitive | undefined, b: Primitive | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const rank = (v: Primitive): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  return rank(a) - rank(b) || String(a).localeCompare(String(b), undefined, { numeric: true });
}
