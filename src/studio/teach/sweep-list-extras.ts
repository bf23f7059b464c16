import { announce, h, replaceChildren } from '../dom.js';
import { MAX_SWEEP_NAME_LENGTH, type SweepRecord } from '../engine.js';
import { compareHash, MAX_COMPARED_SWEEPS } from '../pages/compare-page.js';
import { labelOf } from './compare-sweeps.js';

/**
 * What the Sweeps page adds for comparing and naming sweeps: a check box per sweep and a
 * "Compare selected" bar, the sweep's name (editable) in place of its id, and its sampling and
 * policy, so two sweeps of one experiment can be told apart.
 */
export class SweepListExtras {
  readonly bar: HTMLElement;
  private readonly selected = new Set<string>();
  private readonly compareButton: HTMLButtonElement;

  constructor(
    private readonly options: {
      readonly navigate: (hash: string) => void;
      /** Stores the name (rejects with the rule when it is not valid). */
      readonly rename: (sweepId: string, name: string) => Promise<void>;
    },
  ) {
    this.compareButton = h('button', {
      attrs: { type: 'button', 'data-testid': 'compare-sweeps' },
      className: 'primary',
      text: 'Compare selected',
      on: { click: () => this.options.navigate(compareHash([...this.selected])) },
    });
    this.bar = h(
      'div',
      { className: 'row compare-bar' },
      this.compareButton,
      h('span', {
        className: 'muted',
        text: `Tick two to ${MAX_COMPARED_SWEEPS} sweeps to compare them: e.g. the same seed with a policy and with none.`,
      }),
    );
    this.sync();
  }

  /** Forgets sweeps no longer listed (deleted), after a re-render. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of [...this.selected]) if (!ids.has(id)) this.selected.delete(id);
    this.sync();
  }

  selectCell(sweep: SweepRecord): HTMLTableCellElement {
    const box = h('input', {
      attrs: {
        type: 'checkbox',
        'data-action': 'select-sweep',
        'aria-label': `Select ${labelOf(sweep)} for comparison`,
      },
    });
    box.checked = this.selected.has(sweep.id);
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(sweep.id);
      else this.selected.delete(sweep.id);
      this.sync();
    });
    return h('td', { className: 'select' }, box);
  }

  /** The sweep's name (or id) as its link, its id beneath a name, a Rename button, then `after` (its note). */
  nameCell(sweep: SweepRecord, href: string, after: HTMLElement | null = null): HTMLTableCellElement {
    const cell = h('td', { className: 'sweep-name' });
    const show = (): void => {
      replaceChildren(
        cell,
        h('a', { attrs: { href, 'data-testid': 'sweep-name' }, text: labelOf(sweep) }),
        sweep.name === undefined ? null : h('code', { className: 'sweep-id muted', text: sweep.id }),
        h('button', {
          attrs: { type: 'button', 'data-action': 'rename-sweep', 'aria-label': `Rename ${labelOf(sweep)}` },
          className: 'small link',
          text: sweep.name === undefined ? 'Name it' : 'Rename',
          on: { click: () => edit() },
        }),
        after,
      );
    };
    const edit = (): void => {
      const input = h('input', {
        attrs: {
          value: sweep.name ?? '',
          maxlength: MAX_SWEEP_NAME_LENGTH + 20,
          'aria-label': `Name of sweep ${sweep.id}`,
          'data-testid': 'sweep-name-input',
          autocomplete: 'off',
        },
      });
      const error = h('p', { className: 'field-error', attrs: { role: 'alert' } });
      const form = h(
        'form',
        { className: 'rename' },
        input,
        h('button', {
          attrs: { type: 'submit', 'data-action': 'save-name' },
          className: 'small primary',
          text: 'Save',
        }),
        h('button', {
          attrs: { type: 'button' },
          className: 'small',
          text: 'Cancel',
          on: { click: () => show() },
        }),
        error,
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const name = input.value.trim();
        this.options.rename(sweep.id, name).then(
          () => announce(`Named the sweep ${name}`),
          (e: unknown) => {
            error.textContent = e instanceof Error ? e.message : String(e);
            input.setAttribute('aria-invalid', 'true');
            input.focus();
          },
        );
      });
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') show();
      });
      replaceChildren(cell, form);
      input.focus();
      input.select();
    };
    show();
    return cell;
  }

  /** "random, seed 42 · bandit". */
  methodCell(sweep: SweepRecord): HTMLTableCellElement {
    const seed = sweep.config.sampling.options['seed'];
    const sampling = `${sweep.config.sampling.kind}${typeof seed === 'number' || typeof seed === 'string' ? `, seed ${seed}` : ''}`;
    return h('td', {
      className: 'method',
      attrs: { 'data-testid': 'sweep-method' },
      text: `${sampling} · ${sweep.config.policy.kind}`,
    });
  }

  private sync(): void {
    const n = this.selected.size;
    this.compareButton.disabled = n < 2 || n > MAX_COMPARED_SWEEPS;
    this.compareButton.textContent = n === 0 ? 'Compare selected' : `Compare selected (${n})`;
  }
}
