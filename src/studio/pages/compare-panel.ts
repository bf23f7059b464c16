import { runStatusText } from '../engine.js';
import { formatValue, h, replaceChildren } from '../dom.js';
import type { SweepModel } from '../view-model/sweep-model.js';

const MAX_COMPARED = 12;

/** Selected runs side by side: hyperparameters, best metric, last value of every metric, outcome. */
export class ComparePanel {
  readonly element: HTMLElement;
  private ids: string[] = [];

  constructor(private readonly model: SweepModel) {
    this.element = h('section', {
      className: 'panel compare',
      attrs: { 'data-testid': 'compare', 'aria-labelledby': 'compare-title' },
    });
    this.element.hidden = true;
  }

  setRuns(ids: ReadonlySet<string>): void {
    this.ids = [...ids];
    this.update();
  }

  update(): void {
    const rows = this.model
      .rows()
      .filter((r) => this.ids.includes(r.run.id))
      .slice(0, MAX_COMPARED);
    this.element.hidden = rows.length === 0;
    if (rows.length === 0) return;
    const params = [...new Set(rows.flatMap((r) => Object.keys(r.params)))];
    const metrics = [...new Set(rows.flatMap((r) => [...this.model.metricsOf(r.run.id).keys()]))].sort();
    const line = (label: string, cells: readonly string[], differs: boolean): HTMLTableRowElement =>
      h(
        'tr',
        { className: differs ? 'differs' : '' },
        h('th', { attrs: { scope: 'row' }, text: label }),
        ...cells.map((c) => h('td', { text: c })),
      );
    const body: HTMLTableRowElement[] = [
      line(
        'status',
        rows.map((r) => runStatusText(r.run)),
        false,
      ),
      line(
        `best ${this.model.record.config.primaryMetricName}`,
        rows.map((r) => formatValue(r.run.bestMetric)),
        false,
      ),
      line(
        'intervals',
        rows.map((r) => String(r.run.intervals)),
        false,
      ),
      ...params.map((p) => {
        const cells = rows.map((r) => formatValue(r.params[p]));
        return line(p, cells, new Set(cells).size > 1);
      }),
      ...metrics.map((m) =>
        line(
          `last ${m}`,
          rows.map((r) => formatValue(this.model.curve(r.run.id, m).at(-1))),
          false,
        ),
      ),
      line(
        'reason',
        rows.map((r) => r.reason ?? ''),
        false,
      ),
    ];
    replaceChildren(
      this.element,
      h('h3', {
        attrs: { id: 'compare-title' },
        text: `Comparing ${rows.length} selected run${rows.length === 1 ? '' : 's'}`,
      }),
      this.ids.length > MAX_COMPARED
        ? h('p', { className: 'muted', text: `Showing the first ${MAX_COMPARED} of ${this.ids.length} selected.` })
        : null,
      h(
        'div',
        { className: 'table-scroller' },
        h(
          'table',
          { className: 'compare-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { attrs: { scope: 'col' }, text: '' }),
              ...rows.map((r) => h('th', { attrs: { scope: 'col' }, text: `Run ${r.run.index + 1}` })),
            ),
          ),
          h('tbody', null, ...body),
        ),
      ),
      h('p', { className: 'muted', text: 'Highlighted rows are hyperparameters that differ.' }),
    );
  }
}
