import type { SweepRecord } from '../engine.js';
import { h } from '../dom.js';

/** How much of a note the Sweeps list shows; the whole note is in the element's title. */
const SHOWN = 140;

/** A sweep's note under its id in the Sweeps list, as text (never HTML); nothing when it has none. */
export function noteCell(sweep: Pick<SweepRecord, 'note'>): HTMLElement | null {
  const note = sweep.note;
  if (note === undefined) return null;
  const shown = note.length > SHOWN ? `${note.slice(0, SHOWN)}…` : note;
  return h('p', { className: 'sweep-note muted', attrs: { 'data-testid': 'sweep-note', title: note }, text: shown });
}
