import { MAX_NOTE_LENGTH, type RunRecord, type SweepRecord } from '../engine.js';
import { announce, formatDuration, h, panel, replaceChildren } from '../dom.js';
import type { LiveSweep, StudioSession } from '../session.js';
import type { SweepModel } from '../view-model/sweep-model.js';
import { startFromHash } from './start-from-hash.js';

/** How the sweep page sees the sweep, which decides the commands offered. */
export type SteerState =
  /** Running in this page: limits, pause. */
  | { readonly kind: 'live'; readonly live: LiveSweep }
  /** Paused (stored Running with `paused`), no page runs it: resume. */
  | { readonly kind: 'paused' }
  /** Running in another tab: nothing to steer here. */
  | { readonly kind: 'elsewhere' }
  /** Anything else stored: a finished sweep (more runs), an interrupted one. */
  | { readonly kind: 'stored' };

export interface SteerHost {
  readonly session: StudioSession;
  readonly model: SweepModel;
  readonly navigate: (hash: string) => void;
  readonly state: () => SteerState;
}

/**
 * Steering a sweep from its page (semantics §8, steering): change concurrency and the duration limit while
 * it runs, pause (let running runs finish, or checkpoint and stop them now) and resume, continue
 * a finished sweep with more runs, open the builder warm-started from it or resuming selected
 * runs, and notes on the sweep and its runs. Every command goes through the engine, whose
 * ConfigError message (the code path's) is shown as is.
 */
export class SteerPanel {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly message: HTMLElement;
  private readonly notes: HTMLElement;
  private selection: readonly string[] = [];
  private controlsKey = '';
  private notesKey = '';

  constructor(private readonly host: SteerHost) {
    this.controls = h('div', { className: 'steer-controls' });
    this.message = h('p', { className: 'steer-message', attrs: { role: 'status', 'data-testid': 'steer-message' } });
    this.notes = h('div', { className: 'steer-notes' });
    this.element = panel(
      { kind: 'steer', titleId: 'steer-title', title: 'Steer this sweep', testId: 'steer' },
      this.controls,
      this.message,
      this.notes,
    );
  }

  /** Runs selected in the run table or a chart: the ones "Resume selected runs" and a run note apply to. */
  setSelection(ids: ReadonlySet<string>): void {
    this.selection = [...ids];
    this.controlsKey = '';
    this.notesKey = '';
    this.update();
  }

  update(): void {
    const record = this.host.model.record;
    const state = this.host.state();
    const pausing = state.kind === 'live' ? state.live.sweep.pausing : null;
    const key = `${state.kind}|${record.status}|${pausing}|${record.config.maxConcurrentRuns}|${record.config.maxDurationMinutes}|${record.config.maxTotalRuns}|${this.selection.length}`;
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      replaceChildren(this.controls, ...this.controlsFor(record, state));
    }
    const runs = this.host.model.rows().map((r) => r.run);
    const noteKey = JSON.stringify([
      record.note ?? '',
      runs.map((r) => r.note ?? ''),
      this.selection,
      state.kind === 'elsewhere',
    ]);
    if (noteKey !== this.notesKey) {
      this.notesKey = noteKey;
      replaceChildren(this.notes, ...this.notesFor(record, runs, state));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Commands

  private controlsFor(record: SweepRecord, state: SteerState): HTMLElement[] {
    const parts: HTMLElement[] = [];
    if (state.kind === 'live' && record.status === 'Running') parts.push(...this.liveControls(record, state.live));
    if (state.kind === 'paused') parts.push(this.pausedControls(record));
    if (state.kind === 'stored' && finished(record)) parts.push(this.moreRunsForm(record));
    parts.push(this.startFromButtons(record));
    return parts;
  }

  private liveControls(record: SweepRecord, live: LiveSweep): HTMLElement[] {
    const pausing = live.sweep.pausing;
    const running = this.host.model.rows().filter((r) => r.run.status === 'Running').length;
    const pause =
      pausing === null
        ? h(
            'div',
            { className: 'row' },
            h('button', {
              attrs: { type: 'button', 'data-testid': 'pause-sweep' },
              text: 'Pause',
              on: { click: () => this.pause(live, 'finish-running') },
            }),
            h('button', {
              attrs: { type: 'button', 'data-testid': 'pause-now' },
              text: 'Pause now',
              on: { click: () => this.pause(live, 'stop-now') },
            }),
            h('span', {
              className: 'muted',
              text: 'Pause: no new run starts and running ones finish. Pause now: running runs stop and re-run from their latest checkpoints on resume.',
            }),
          )
        : h(
            'div',
            { className: 'row' },
            h('span', {
              className: 'badge status-pausing',
              attrs: { 'data-testid': 'pausing' },
              text:
                pausing === 'stop-now'
                  ? 'Pausing: stopping running runs…'
                  : `Pausing: ${running} running run(s) finish first…`,
            }),
            pausing === 'finish-running'
              ? h('button', {
                  attrs: { type: 'button', 'data-testid': 'unpause' },
                  text: 'Keep running',
                  on: {
                    click: () => {
                      live.sweep.unpause();
                      this.say('The pause was taken back: the sweep goes on.');
                      this.update();
                    },
                  },
                })
              : null,
          );
    const concurrency = numberInput('steer-concurrency', record.config.maxConcurrentRuns, {
      min: 1,
      max: 100,
      step: 1,
    });
    const duration = numberInput('steer-duration', record.config.maxDurationMinutes, { min: 0, step: 'any' });
    const form = h(
      'form',
      { className: 'row steer-limits', attrs: { 'data-testid': 'steer-limits', novalidate: true } },
      h('label', null, 'Runs at once (maxConcurrentRuns) ', concurrency),
      h('label', null, 'Duration limit, minutes (maxDurationMinutes) ', duration),
      h('button', { attrs: { type: 'submit', 'data-testid': 'steer-apply' }, text: 'Apply limits' }),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyLimits(live, concurrency.value, duration.value);
    });
    return [pause, form];
  }

  private pause(live: LiveSweep, mode: 'finish-running' | 'stop-now'): void {
    if (live.sweep.pause(mode)) {
      this.say(
        mode === 'stop-now'
          ? 'Pausing now: running runs stop at once and re-run from their checkpoints on resume.'
          : 'Pausing: no new run starts; running runs finish.',
      );
      announce('Pausing the sweep');
    }
    this.controlsKey = '';
    this.update();
  }

  private applyLimits(live: LiveSweep, concurrency: string, duration: string): void {
    try {
      const applied = live.sweep.setLimits({
        maxConcurrentRuns: numberOf(concurrency),
        maxDurationMinutes: numberOf(duration),
      });
      this.say(
        `Limits applied: ${applied.concurrency} run(s) at once (asked ${applied.maxConcurrentRuns}), duration limit ${applied.maxDurationMinutes} min (${formatDuration(applied.durationLeftMs)} left).${applied.warning === null ? '' : ` ${applied.warning}`}`,
      );
      announce('Limits applied');
    } catch (error) {
      this.fail(error);
    }
  }

  private pausedControls(record: SweepRecord): HTMLElement {
    const paused = record.paused;
    return h(
      'div',
      { className: 'row' },
      h('span', {
        className: 'muted',
        attrs: { 'data-testid': 'paused-note' },
        text: `Paused ${paused === undefined ? '' : new Date(paused.at).toLocaleString()}${paused?.mode === 'stop-now' ? ' (running runs were stopped; they re-run from their checkpoints)' : ''}. Nothing is lost: resuming keeps every finished run and the run budget.`,
      }),
      h('button', {
        attrs: { type: 'button', 'data-testid': 'resume-sweep' },
        className: 'primary',
        text: 'Resume',
        on: { click: () => void this.resume(record) },
      }),
    );
  }

  private async resume(record: SweepRecord): Promise<void> {
    try {
      const requested = record.backendReport?.requested;
      await this.host.session.continueSweep(record.id, requested === undefined ? {} : { backend: requested });
      announce('Resumed the sweep');
      this.host.navigate(`#/sweep/${encodeURIComponent(record.id)}`);
    } catch (error) {
      this.fail(error);
    }
  }

  private moreRunsForm(record: SweepRecord): HTMLElement {
    const current = record.config.maxTotalRuns;
    const exhausted = record.endReason?.kind === 'space-exhausted';
    const total = numberInput('more-runs-total', Math.min(1000, current * 2), { min: current + 1, max: 1000, step: 1 });
    const duration = numberInput('more-runs-duration', record.config.maxDurationMinutes, { min: 0, step: 'any' });
    const button = h('button', {
      attrs: { type: 'submit', 'data-testid': 'more-runs' },
      className: 'primary',
      text: 'Continue with more runs',
    });
    const form = h(
      'form',
      { className: 'row more-runs', attrs: { novalidate: true, 'data-testid': 'more-runs-form' } },
      h('label', null, 'New run budget (maxTotalRuns) ', total),
      h('label', null, 'Duration limit, minutes ', duration),
      button,
      h('span', {
        className: 'muted',
        attrs: { 'data-testid': 'more-runs-hint' },
        text: exhausted
          ? `The search space is exhausted: all ${record.endReason?.kind === 'space-exhausted' ? record.endReason.runs : ''} configurations have run, so there is nothing more to sample.`
          : `Keeps its ${this.host.model.rows().length} runs and its sampler's state: new runs continue the same sequence (grid position, Sobol index, Bayesian observations).`,
      }),
    );
    if (exhausted) button.disabled = true;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.moreRuns(record, total.value, duration.value);
    });
    return form;
  }

  private async moreRuns(record: SweepRecord, total: string, duration: string): Promise<void> {
    try {
      const requested = record.backendReport?.requested;
      await this.host.session.continueWithMoreRuns(
        record.id,
        { maxTotalRuns: numberOf(total), maxDurationMinutes: numberOf(duration) },
        requested === undefined ? {} : { backend: requested },
      );
      announce('The sweep goes on with more runs');
      this.host.navigate(`#/sweep/${encodeURIComponent(record.id)}`);
    } catch (error) {
      this.fail(error);
    }
  }

  private startFromButtons(record: SweepRecord): HTMLElement {
    const warm = h('button', {
      attrs: { type: 'button', 'data-testid': 'warm-start' },
      text: 'Warm start from this sweep',
      on: { click: () => this.host.navigate(startFromHash(record.id)) },
    });
    warm.disabled = record.status !== 'Completed' && record.status !== 'Canceled';
    const resume = h('button', {
      attrs: { type: 'button', 'data-testid': 'resume-runs' },
      text: this.selection.length === 0 ? 'Resume selected runs' : `Resume ${this.selection.length} selected run(s)`,
      on: { click: () => this.host.navigate(startFromHash(record.id, this.selection)) },
    });
    resume.disabled = this.selection.length === 0;
    return h(
      'div',
      { className: 'row' },
      warm,
      resume,
      h('span', {
        className: 'muted',
        text: 'Both open the builder with this sweep’s search filled in; select runs in the run table to resume them from their checkpoints.',
      }),
    );
  }

  // ---------------------------------------------------------------------------------------
  // Notes

  private notesFor(record: SweepRecord, runs: readonly RunRecord[], state: SteerState): HTMLElement[] {
    const parts: HTMLElement[] = [];
    const sweepNote = noteArea(
      'sweep-note',
      record.note ?? '',
      'Note on this sweep (why it was run, what you learned)',
    );
    parts.push(
      h(
        'div',
        { className: 'note-editor' },
        h('label', { attrs: { for: sweepNote.id }, text: 'Note on this sweep' }),
        sweepNote,
        h(
          'div',
          { className: 'row' },
          h('button', {
            attrs: { type: 'button', 'data-testid': 'save-sweep-note' },
            text: 'Save note',
            on: { click: () => void this.saveSweepNote(sweepNote.value, state) },
          }),
          h('span', { className: 'muted', text: `Plain text, at most ${MAX_NOTE_LENGTH} characters.` }),
        ),
      ),
    );
    const selected = this.selection.length === 1 ? runs.find((r) => r.id === this.selection[0]) : undefined;
    if (selected !== undefined) {
      const runNote = noteArea('run-note', selected.note ?? '', `Note on run ${selected.index + 1}`);
      parts.push(
        h(
          'div',
          { className: 'note-editor' },
          h('label', { attrs: { for: runNote.id }, text: `Note on run #${selected.index + 1}` }),
          runNote,
          h(
            'div',
            { className: 'row' },
            h('button', {
              attrs: { type: 'button', 'data-testid': 'save-run-note' },
              text: 'Save run note',
              on: { click: () => void this.saveRunNote(selected.id, runNote.value, state) },
            }),
          ),
        ),
      );
    } else {
      parts.push(h('p', { className: 'muted', text: 'Select one run in the table to write a note on it.' }));
    }
    const noted = runs.filter((r) => r.note !== undefined);
    if (noted.length > 0) {
      parts.push(
        h(
          'ul',
          { className: 'run-notes', attrs: { 'data-testid': 'run-notes', 'aria-label': 'Run notes' } },
          ...noted.map((r) => h('li', null, h('strong', { text: `Run #${r.index + 1}: ` }), r.note ?? '')),
        ),
      );
    }
    return parts;
  }

  private async saveSweepNote(text: string, state: SteerState): Promise<void> {
    const id = this.host.model.record.id;
    try {
      // The page's own handle when it ran the sweep, even finished: its record then keeps the note.
      const live = this.host.session.liveSweep(id);
      if (live !== undefined) {
        live.sweep.setNote(text);
        // A finished sweep's events no longer reach the model: show what was stored.
        const note = live.sweep.getDetails().note;
        const { note: _old, ...rest } = this.host.model.record;
        this.host.model.apply([{ kind: 'sweep', sweep: note === undefined ? rest : { ...rest, note } }]);
      } else if (state.kind === 'elsewhere') throw new Error('this sweep runs in another tab: write its note there');
      else {
        const record = await this.host.session.workspace.setSweepNote(id, text);
        this.host.model.apply([{ kind: 'sweep', sweep: record }]);
      }
      this.say('Note saved.');
      announce('Note saved');
    } catch (error) {
      this.fail(error);
    }
  }

  private async saveRunNote(runId: string, text: string, state: SteerState): Promise<void> {
    const id = this.host.model.record.id;
    try {
      const live = this.host.session.liveSweep(id);
      if (live !== undefined) {
        live.sweep.setRunNote(runId, text);
        const run = live.sweep.getChildren().find((r) => r.id === runId);
        if (run !== undefined) this.host.model.apply([{ kind: 'run', run }]);
      } else if (state.kind === 'elsewhere') throw new Error('this sweep runs in another tab: write its notes there');
      else {
        const run = await this.host.session.workspace.setRunNote(id, runId, text);
        this.host.model.apply([{ kind: 'run', run }]);
      }
      this.say('Run note saved.');
      announce('Run note saved');
    } catch (error) {
      this.fail(error);
    }
  }

  private say(text: string): void {
    this.message.className = 'steer-message ok';
    this.message.textContent = text;
  }

  private fail(error: unknown): void {
    this.message.className = 'steer-message error';
    this.message.textContent = error instanceof Error ? error.message : String(error);
    announce('The command was refused');
  }
}

function finished(record: SweepRecord): boolean {
  return (
    (record.status === 'Completed' || record.status === 'Canceled' || record.status === 'Failed') &&
    record.endReason?.kind !== 'imported-unfinished'
  );
}

function numberInput(
  testId: string,
  value: number,
  range: { readonly min: number; readonly max?: number; readonly step: number | 'any' },
): HTMLInputElement {
  const input = h('input', {
    attrs: {
      type: 'number',
      'data-testid': testId,
      min: range.min,
      max: range.max,
      step: range.step,
      inputmode: 'decimal',
    },
  });
  input.value = String(value);
  return input;
}

/** The typed text as a number, or the text itself so that the engine's check names what was given. */
function numberOf(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

function noteArea(testId: string, value: string, label: string): HTMLTextAreaElement {
  const area = h('textarea', {
    attrs: {
      id: `${testId}-input`,
      'data-testid': testId,
      rows: 3,
      'aria-label': label,
    },
  });
  area.value = value;
  return area;
}
