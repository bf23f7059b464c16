import { formatValue, h, replaceChildren } from '../dom.js';
import { attachChartHelp } from '../teach/chart-help.js';
import {
  compareSweeps,
  type SweepComparison,
  type SweepForComparison,
  type SweepSummary,
} from '../teach/compare-sweeps.js';
import type { PageContext } from './sweep-page.js';

/** The most sweeps one comparison shows side by side (columns and lines stay readable). */
export const MAX_COMPARED_SWEEPS = 8;
const SVG = 'http://www.w3.org/2000/svg';
/** Line colours, told apart by dash too (for colour-blind readers and print). */
const STROKES = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '', '6 3', '2 3', '8 3 2 3'];

/** The hash of the comparison of `ids` (the Sweeps page links here). */
export function compareHash(ids: readonly string[]): string {
  return `#/compare/${ids.map((id) => encodeURIComponent(id)).join(',')}`;
}

/** The sweep ids in a comparison hash, or null when it is not one. */
export function idsOfCompareHash(hash: string): string[] | null {
  const match = /^#\/compare\/(.+)$/.exec(hash);
  if (match?.[1] === undefined) return null;
  return match[1]
    .split(',')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
}

/**
 * Two or more stored sweeps side by side (Sweeps page → Compare): best so far against the
 * compute spent, the final best, compute saved, runs stopped, and the stopped runs that would
 * have won where a same-seed sweep trained them to the end.
 */
export class ComparePage {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private resizeObserver: ResizeObserver | null = null;

  constructor(
    private readonly context: PageContext,
    private readonly ids: readonly string[],
  ) {
    this.body = h('div', { className: 'compare-body' }, h('p', { className: 'muted', text: 'Loading…' }));
    this.element = h(
      'section',
      {
        className: 'compare-page',
        attrs: { 'aria-labelledby': 'compare-sweeps-title', 'data-testid': 'compare-page' },
      },
      h('p', { className: 'crumbs' }, h('a', { attrs: { href: '#/history' }, text: 'Sweeps' }), ' / Compare'),
      h('h2', { attrs: { id: 'compare-sweeps-title' }, text: 'Compare sweeps' }),
      this.body,
    );
  }

  async mount(): Promise<void> {
    const { workspace } = this.context.session;
    const ids = [...new Set(this.ids)].slice(0, MAX_COMPARED_SWEEPS);
    const loaded: SweepForComparison[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const record = await workspace.getSweep(id);
      if (record === undefined) {
        missing.push(id);
        continue;
      }
      const [runs, points] = await Promise.all([workspace.listRuns(id), workspace.store.listMetrics(id)]);
      loaded.push({ record, runs, points });
    }
    const notes = [
      missing.length === 0 ? null : h('p', { className: 'error', text: `Not stored here: ${missing.join(', ')}.` }),
      this.ids.length > MAX_COMPARED_SWEEPS
        ? h('p', { className: 'muted', text: `Showing the first ${MAX_COMPARED_SWEEPS} of ${this.ids.length} sweeps.` })
        : null,
    ];
    if (loaded.length < 2) {
      replaceChildren(
        this.body,
        ...notes,
        h(
          'p',
          null,
          'Pick two or more sweeps on the ',
          h('a', { attrs: { href: '#/history' }, text: 'Sweeps page' }),
          '.',
        ),
      );
      return;
    }
    const comparison = compareSweeps(loaded);
    replaceChildren(
      this.body,
      ...notes,
      comparison.mismatch === null ? null : h('p', { className: 'note', text: comparison.mismatch }),
      this.table(comparison),
      this.chart(comparison),
      this.winners(comparison),
    );
  }

  dispose(): void {
    this.resizeObserver?.disconnect();
  }

  private table(c: SweepComparison): HTMLElement {
    const row = (label: string, cells: readonly (string | HTMLElement)[], testId?: string): HTMLTableRowElement =>
      h(
        'tr',
        { attrs: { 'data-row': testId } },
        h('th', { attrs: { scope: 'row' }, text: label }),
        ...cells.map((cell) => (typeof cell === 'string' ? h('td', { text: cell }) : h('td', null, cell))),
      );
    const s = c.sweeps;
    return h(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'compare-table-title' } },
      h('h3', { attrs: { id: 'compare-table-title' }, text: 'Side by side' }),
      h(
        'div',
        { className: 'table-scroller' },
        h(
          'table',
          { className: 'compare-table compare-sweeps', attrs: { 'data-testid': 'compare-sweeps-table' } },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { attrs: { scope: 'col' }, text: '' }),
              ...s.map((sweep, i) =>
                h(
                  'th',
                  { attrs: { scope: 'col', 'data-sweep-id': sweep.id } },
                  swatch(i),
                  h('a', { attrs: { href: `#/sweep/${encodeURIComponent(sweep.id)}` }, text: sweep.label }),
                ),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            row(
              'sampling',
              s.map((x) => `${x.sampling}${x.seed === null ? '' : `, seed ${x.seed}`}`),
            ),
            row(
              'policy',
              s.map((x) => x.policy),
            ),
            row(
              `final best ${c.primaryMetric}`,
              s.map((x) => formatValue(x.finalBest)),
              'final-best',
            ),
            row(
              'intervals trained',
              s.map((x) => String(x.compute)),
              'compute',
            ),
            row(
              'compute saved',
              s.map((x) => (x.baseline ? 'baseline' : `${formatPercent(x.computeSavedPercent)}`)),
              'saved',
            ),
            row(
              'runs stopped early',
              s.map((x) => `${x.runsStopped} of ${x.runs}`),
              'stopped',
            ),
          ),
        ),
      ),
      h('p', { className: 'muted', text: `Compute saved is relative to ${c.baselineReason}.` }),
    );
  }

  private chart(c: SweepComparison): HTMLElement {
    // Drawn at the width it is shown at (the page is in the document by now), so its text stays
    // legible on a phone instead of being scaled down with a wide drawing.
    const widthNow = (): number => Math.round(Math.min(900, Math.max(260, this.body.clientWidth - 40)));
    let drawnWidth = widthNow();
    let drawn = bestSoFarSvg(c, drawnWidth);
    // Redrawn when the page's width changes much (a phone turned, a window resized).
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() => {
      const width = widthNow();
      if (Math.abs(width - drawnWidth) < 24) return;
      drawnWidth = width;
      const next = bestSoFarSvg(c, width);
      drawn.replaceWith(next);
      drawn = next;
    });
    this.resizeObserver.observe(this.body);
    const section = h(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'compare-chart-title' } },
      h('h3', { attrs: { id: 'compare-chart-title' }, text: 'Best so far against compute' }),
      drawn,
      h(
        'ul',
        { className: 'compare-legend' },
        ...c.sweeps.map((s, i) => h('li', null, swatch(i), `${s.label} (${s.policy})`)),
      ),
    );
    attachChartHelp(section, 'compare-sweeps', 'Best so far against compute');
    return section;
  }

  private winners(c: SweepComparison): HTMLElement {
    let content: HTMLElement;
    if (c.sameSeedPairs === 0) {
      content = h('p', {
        className: 'muted',
        text: 'None of these sweeps share a seed and sampling, so no stopped run can be matched with its configuration trained to the end. Run the same sweep (same seed) with another policy, or none, to see this.',
      });
    } else if (c.stoppedWinners.length === 0) {
      content = h('p', {
        attrs: { 'data-testid': 'no-stopped-winners' },
        text: 'No stopped run would have won: every configuration a policy stopped did worse, trained to the end in a same-seed sweep, than the best that sweep found.',
      });
    } else {
      content = h(
        'ul',
        { attrs: { 'data-testid': 'stopped-winners' } },
        ...c.stoppedWinners.map((w) =>
          h('li', {
            text:
              `Run ${w.stoppedRunIndex + 1} of ${w.stoppedIn}, stopped at interval ${w.stoppedAt}, reached ${formatValue(w.valueThere)} ` +
              `as run ${w.ranRunIndex + 1} of ${w.ranIn}` +
              (w.wonThere ? `, the best there` : '') +
              (w.beatsStoppingSweep ? `, better than ${w.stoppedIn}’s best` : '') +
              '.',
          }),
        ),
      );
    }
    return h(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'compare-winners-title', 'data-testid': 'compare-winners' } },
      h('h3', { attrs: { id: 'compare-winners-title' }, text: 'Stopped runs that would have won' }),
      content,
    );
  }
}

function formatPercent(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? '' : rounded < 0 ? '−' : ''}${Math.abs(rounded)} %${rounded < 0 ? ' (more)' : ''}`;
}

function swatch(i: number): HTMLElement {
  const element = h('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
  // Through the CSSOM, not a style attribute: a strict CSP (style-src without 'unsafe-inline') allows it.
  element.style.setProperty('--swatch', STROKES[i % STROKES.length] ?? '#000');
  return element;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Step lines of best so far against cumulative intervals trained, one per sweep, drawn as SVG. */
function bestSoFarSvg(c: SweepComparison, width: number): SVGSVGElement {
  const height = Math.round(Math.min(340, Math.max(220, width * 0.45)));
  const left = 56;
  const right = 12;
  const top = 26;
  const bottom = 40;
  const all = c.sweeps.flatMap((s) => s.curve);
  const xMax = Math.max(1, ...c.sweeps.map((s) => s.curve.at(-1)?.compute ?? 0));
  let yLo = Math.min(...all.map((p) => p.best));
  let yHi = Math.max(...all.map((p) => p.best));
  if (!Number.isFinite(yLo) || !Number.isFinite(yHi)) {
    yLo = 0;
    yHi = 1;
  }
  if (yHi === yLo) {
    yHi += 0.5;
    yLo -= 0.5;
  }
  const pad = (yHi - yLo) * 0.05;
  yLo -= pad;
  yHi += pad;
  const x = (v: number): number => left + (v / xMax) * (width - left - right);
  const y = (v: number): number => top + (1 - (v - yLo) / (yHi - yLo)) * (height - top - bottom);
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    class: 'compare-chart',
    'data-testid': 'compare-chart',
    'aria-label': `Best ${c.primaryMetric} so far against intervals trained, one line per sweep`,
  });
  root.append(
    svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }),
    svg('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }),
  );
  for (let i = 0; i <= 4; i++) {
    const vx = Math.round((xMax * i) / 4);
    const vy = yLo + ((yHi - yLo) * i) / 4;
    root.append(
      svg('text', { x: x(vx), y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(vx)),
      svg('text', { x: left - 6, y: y(vy) + 4, 'text-anchor': 'end', class: 'tick' }, formatValue(vy)),
      svg('line', { x1: left, y1: y(vy), x2: width - right, y2: y(vy), class: 'grid' }),
    );
  }
  root.append(
    svg(
      'text',
      { x: (left + width - right) / 2, y: height - 6, 'text-anchor': 'middle', class: 'label' },
      'intervals trained (cumulative)',
    ),
    svg('text', { x: 4, y: 12, class: 'label' }, `best ${c.primaryMetric} so far`),
  );
  c.sweeps.forEach((s: SweepSummary, i) => {
    if (s.curve.length === 0) return;
    let d = '';
    let previous: number | null = null;
    for (const p of s.curve) {
      if (previous === null) d += `M${x(p.compute).toFixed(1)},${y(p.best).toFixed(1)}`;
      else d += `H${x(p.compute).toFixed(1)}V${y(p.best).toFixed(1)}`;
      previous = p.best;
    }
    const last = s.curve.at(-1);
    const path = svg('path', {
      d,
      fill: 'none',
      stroke: STROKES[i % STROKES.length] ?? '#000',
      'stroke-width': 2,
      'stroke-dasharray': DASHES[i % DASHES.length] ?? '',
      'data-sweep-id': s.id,
    });
    path.append(svg('title', {}, `${s.label}: best ${formatValue(last?.best)} after ${last?.compute ?? 0} intervals`));
    root.append(path);
  });
  return root;
}
