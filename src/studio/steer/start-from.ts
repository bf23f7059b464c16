import type { HyperDriveConfigOptions, PriorRun, PriorSweep, SweepRecord } from '../engine.js';
import { h, replaceChildren } from '../dom.js';
import type { BuilderStartFrom } from '../builder/sweep-builder.js';

/** Where a new sweep starts from: earlier sweeps to warm-start from, earlier runs to resume. */
export interface StartFromValue {
  readonly resumeFrom: readonly PriorSweep[];
  readonly resumeChildRuns: readonly PriorRun[];
}

export interface StartFromOptions {
  readonly initial: StartFromValue;
  /** Stored sweeps a person may add as warm starts. */
  readonly candidates: () => Promise<SweepRecord[]>;
  readonly loadSweep: (sweepId: string) => Promise<PriorSweep>;
}

/**
 * The builder's "Start from earlier results" section: the sweeps it warm-starts from
 * (`resumeFrom`) and the runs it resumes from their checkpoints (`resumeChildRuns`), each
 * removable, and stored sweeps to add as warm starts. It checks nothing itself: the builder
 * passes both lists to `HyperDriveConfig`, whose message (the code path's) shows here.
 */
export class StartFromSection implements BuilderStartFrom {
  readonly element: HTMLFieldSetElement;
  private value: StartFromValue;
  private listener: () => void = () => {};
  private readonly lists: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly problem: HTMLElement;

  constructor(private readonly sources: StartFromOptions) {
    this.value = sources.initial;
    this.lists = h('div', { className: 'start-from-lists' });
    this.picker = h('select', {
      attrs: { 'aria-label': 'A stored sweep to warm-start from', 'data-testid': 'warm-start-pick' },
    });
    this.problem = h('p', { className: 'field-error', attrs: { 'data-error-for': 'resumeFrom' } });
    const add = h('button', {
      attrs: { type: 'button', 'data-testid': 'warm-start-add' },
      className: 'small',
      text: 'Add as warm start',
      on: { click: () => void this.addPicked() },
    });
    this.element = h(
      'fieldset',
      { className: 'panel start-from', attrs: { 'data-testid': 'start-from' } },
      h('legend', { text: 'Start from earlier results' }),
      h('p', {
        className: 'muted',
        text: 'Warm start: earlier sweeps’ results inform the sampler (Bayesian) and the early-termination policy. Resumed runs continue from their latest checkpoints with the same hyperparameters and are this sweep’s first runs.',
      }),
      this.lists,
      h('div', { className: 'row' }, this.picker, add),
      this.problem,
    );
    this.render();
    void this.fillPicker();
  }

  options(): Pick<HyperDriveConfigOptions, 'resumeFrom' | 'resumeChildRuns'> {
    return {
      ...(this.value.resumeFrom.length === 0 ? {} : { resumeFrom: this.value.resumeFrom }),
      ...(this.value.resumeChildRuns.length === 0 ? {} : { resumeChildRuns: this.value.resumeChildRuns }),
    };
  }

  onChange(listener: () => void): void {
    this.listener = listener;
  }

  private set(value: StartFromValue): void {
    this.value = value;
    this.render();
    this.listener();
  }

  private render(): void {
    const { resumeFrom, resumeChildRuns } = this.value;
    replaceChildren(
      this.lists,
      h('h4', { text: `Warm start from (${resumeFrom.length})` }),
      resumeFrom.length === 0
        ? h('p', { className: 'muted', text: 'No earlier sweep.' })
        : h(
            'ul',
            { attrs: { 'data-field': 'resumeFrom', 'data-testid': 'resume-from-list' } },
            ...resumeFrom.map((prior, i) =>
              h(
                'li',
                // Named as HyperDriveConfig names it, so the builder puts its message in this section.
                { attrs: { 'data-sweep-id': prior.record.id, 'data-field': `resumeFrom[${i}]` } },
                h('code', { text: prior.record.id }),
                ` ${prior.record.experiment} · ${prior.record.status} · ${prior.runs.length} run(s) `,
                this.removeButton(`Remove warm start ${prior.record.id}`, () =>
                  this.set({ ...this.value, resumeFrom: resumeFrom.filter((_, j) => j !== i) }),
                ),
              ),
            ),
          ),
      h('h4', { text: `Resume runs (${resumeChildRuns.length})` }),
      resumeChildRuns.length === 0
        ? h('p', { className: 'muted', text: 'No earlier run. Select runs in a sweep’s run table to resume them.' })
        : h(
            'ul',
            { attrs: { 'data-field': 'resumeChildRuns', 'data-testid': 'resume-runs-list' } },
            ...resumeChildRuns.map((prior, i) =>
              h(
                'li',
                { attrs: { 'data-run-id': prior.run.id, 'data-field': `resumeChildRuns[${i}]` } },
                h('code', { text: prior.run.id }),
                ` ${prior.run.status}, ${prior.run.intervals} interval(s), checkpoint ${prior.run.checkpoint?.sequence ?? 'none'} `,
                this.removeButton(`Remove resumed run ${prior.run.id}`, () =>
                  this.set({ ...this.value, resumeChildRuns: resumeChildRuns.filter((_, j) => j !== i) }),
                ),
              ),
            ),
          ),
    );
  }

  private removeButton(label: string, act: () => void): HTMLButtonElement {
    return h('button', {
      attrs: { type: 'button', 'aria-label': label },
      className: 'small',
      text: 'Remove',
      on: { click: act },
    });
  }

  private async fillPicker(): Promise<void> {
    try {
      const sweeps = await this.sources.candidates();
      replaceChildren(
        this.picker,
        h('option', { attrs: { value: '' }, text: 'Choose a stored sweep…' }),
        ...[...sweeps]
          .reverse()
          .map((s) => h('option', { attrs: { value: s.id }, text: `${s.experiment} · ${s.id} (${s.status})` })),
      );
    } catch (error) {
      this.problem.textContent = `Could not list the stored sweeps: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async addPicked(): Promise<void> {
    const id = this.picker.value;
    if (id === '') return;
    try {
      const prior = await this.sources.loadSweep(id);
      this.set({ ...this.value, resumeFrom: [...this.value.resumeFrom, prior] });
    } catch (error) {
      this.problem.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}
