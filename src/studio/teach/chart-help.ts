import { h, uid } from '../dom.js';

/** How to read each chart of the sweep page, by the charts panel's kind; a few sentences each. */
export const CHART_HELP: Readonly<Record<string, string>> = {
  metric:
    'One line per run: the chosen metric (the primary metric by default) against the interval it was reported at. Dashed lines are runs the policy stopped early; colour runs from the worst best value to the best. Hover a line to see its run, click it to select it; the legend hides a group.',
  parallel:
    'One vertical axis per hyperparameter, the primary metric last; each run is a line across them, coloured by its best value. Drag along an axis to select the runs in a range; lines that reach the good end of the metric axis show which values go together.',
  'scatter-2d':
    'Each point is a run: two hyperparameters (or a parameter and the metric) of your choice on the axes, coloured by its best value. Clusters of good colour show where the good region is; click a point to select the run.',
  'scatter-3d':
    'The same as the 2-D scatter with a third axis; drag to turn it. Each point is a run, coloured by its best value.',
  'compare-sweeps':
    'One step line per sweep: the best primary-metric value found so far against the intervals trained so far, over all its runs. A line that rises sooner and ends further left found as good a model with less compute; the line that ends furthest right trained the most.',
  'best-so-far':
    'The best primary-metric value found so far (a step line) against runs in creation order: how quickly the sweep improves. A long flat tail means more runs are not finding anything better.',
};

/**
 * Adds the (i) button to a chart panel's title: it opens a short note on how to read the chart,
 * below the title, and Escape or the button closes it again. A kind with no help text (a chart
 * added later) gets no button.
 */
export function attachChartHelp(section: HTMLElement, kind: string, title: string): void {
  const text = CHART_HELP[kind];
  const heading = section.querySelector('h3');
  if (text === undefined || heading === null) return;
  const id = uid('chart-help');
  const note = h('div', {
    className: 'chart-help',
    attrs: { id, role: 'note', 'data-testid': `chart-help-${kind}` },
    text,
  });
  note.hidden = true;
  const button = h('button', {
    attrs: {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': id,
      'aria-label': `How to read the ${title} chart`,
      'data-action': 'chart-help',
      title: `How to read the ${title} chart`,
    },
    className: 'help-button',
    text: 'i',
  });
  const show = (open: boolean): void => {
    note.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => show(note.hidden));
  const closeOnEscape = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && !note.hidden) {
      show(false);
      button.focus();
    }
  };
  button.addEventListener('keydown', closeOnEscape);
  note.addEventListener('keydown', closeOnEscape);
  heading.classList.add('with-help');
  heading.append(button);
  heading.after(note);
}
