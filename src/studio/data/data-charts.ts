import { formatValue, h } from '../dom.js';

/**
 * The Data step's two small charts, drawn as plain elements rather than ECharts: they hold at most
 * a few dozen bars, must read well at 360 px and in both themes, and each bar carries its numbers
 * as text so a screen reader (and a test) reads what the eye sees.
 */

/** Horizontal bars, one per class, widest = most frequent, with count and share. */
export function classBalance(
  categories: readonly { readonly value: string; readonly count: number }[],
  total: number,
  caption: string,
): HTMLElement {
  const max = Math.max(1, ...categories.map((c) => c.count));
  return h(
    'figure',
    { className: 'data-chart class-balance', attrs: { 'data-testid': 'class-balance' } },
    h('figcaption', { text: caption }),
    h(
      'ul',
      { className: 'bars' },
      ...categories.map((c) =>
        h(
          'li',
          { attrs: { 'data-class': c.value } },
          h('span', { className: 'bar-label', text: c.value, attrs: { title: c.value } }),
          h('span', { className: 'bar-track' }, sized(h('span', { className: 'bar' }), 'width', (100 * c.count) / max)),
          h('span', {
            className: 'bar-value',
            text: `${c.count} (${total > 0 ? Math.round((100 * c.count) / total) : 0} %)`,
          }),
        ),
      ),
    ),
  );
}

/** Vertical bars over the bins of a numeric column, with the first and last edge under them. */
export function histogram(
  bins: { readonly edges: readonly number[]; readonly counts: readonly number[] },
  caption: string,
): HTMLElement {
  const max = Math.max(1, ...bins.counts);
  const first = bins.edges[0];
  const last = bins.edges.at(-1);
  return h(
    'figure',
    { className: 'data-chart histogram', attrs: { 'data-testid': 'target-histogram' } },
    h('figcaption', { text: caption }),
    h(
      'div',
      { className: 'hist-bars', attrs: { role: 'list' } },
      ...bins.counts.map((count, i) =>
        sized(
          h('span', {
            className: 'hist-bar',
            attrs: {
              role: 'listitem',
              title: `${formatValue(bins.edges[i])} to ${formatValue(bins.edges[i + 1])}: ${count}`,
              'aria-label': `${formatValue(bins.edges[i])} to ${formatValue(bins.edges[i + 1])}: ${count}`,
            },
          }),
          'height',
          (100 * count) / max,
        ),
      ),
    ),
    h(
      'div',
      { className: 'hist-axis' },
      h('span', { text: formatValue(first) }),
      h('span', { text: formatValue(last) }),
    ),
  );
}

/**
 * Sets a bar's length through the CSSOM: the Studio's Content-Security-Policy has no
 * 'unsafe-inline' for styles, so a `style="…"` attribute is dropped and every bar would be drawn
 * full length.
 */
export function sized(element: HTMLElement, side: 'width' | 'height', percent: number): HTMLElement {
  element.style[side] = `${percent.toFixed(1)}%`;
  return element;
}
