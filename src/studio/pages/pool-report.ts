import type { BackendCalibrationRecord, SweepBackendReport } from '../engine.js';
import { h, panel, replaceChildren } from '../dom.js';
import type { SweepModel } from '../view-model/sweep-model.js';

/**
 * Which backend the sweep's runs train on and why: the backend asked for, the pool's size (and
 * why it was clamped), the calibration figures behind an 'auto' choice, the backends runs
 * reported and why any run trained elsewhere. All of it is read from the sweep record, where
 * the page running the sweep keeps it up to date, so a reload or another tab shows the same.
 */
export class PoolReport {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private lastText = '';
  /**
   * The last report seen: a sweep event from a tab of an older version of the app carries none,
   * and must not blank one already shown.
   */
  private report: SweepBackendReport | null = null;

  constructor(private readonly model: SweepModel) {
    this.body = h('div');
    this.element = panel(
      { kind: 'pool-report', testId: 'backend-report', titleId: 'pool-title', title: 'Backend' },
      this.body,
    );
    this.update();
  }

  update(): void {
    this.report = this.model.record.backendReport ?? this.report;
    const report = this.report;
    const used = new Map<string, number>();
    for (const { run } of this.model.rows())
      if (run.backend !== null) used.set(run.backend, (used.get(run.backend) ?? 0) + 1);
    const lines: HTMLElement[] = [];
    if (report !== null) lines.push(requestedLine(report));
    lines.push(
      h(
        'p',
        { attrs: { 'data-part': 'runs' } },
        h('strong', { text: 'Runs trained on: ' }),
        used.size > 0
          ? [...used].map(([b, n]) => `${b} (${n} run${n === 1 ? '' : 's'})`).join(', ')
          : this.model.rows().some(({ run }) => run.startedAt !== null)
            ? 'not recorded (these runs were trained outside the worker pool, or before backends were recorded)'
            : 'no run has started yet',
      ),
    );
    if (report !== null) {
      const size = report.pool;
      lines.push(
        h('p', {
          attrs: { 'data-part': 'pool' },
          text: `Worker pool: ${size.size} worker${size.size === 1 ? '' : 's'} (asked for ${size.requested}; this device holds ${size.deviceLimit}).${size.clampedBecause === null ? '' : ` Clamped: ${size.clampedBecause}`}`,
        }),
      );
      for (const calibration of report.calibrations) lines.push(...calibrationLines(calibration));
      const notes = report.notes.slice(-8);
      if (notes.length > 0) {
        lines.push(
          h(
            'ul',
            { className: 'notes', attrs: { 'data-part': 'notes', 'aria-label': 'Why runs trained where they did' } },
            ...notes.map((note) =>
              h('li', { text: note.runId === null ? note.message : `${this.runLabel(note.runId)}: ${note.message}` }),
            ),
          ),
        );
      }
    } else if (this.model.record.config.trial.kind !== 'function') {
      lines.push(
        h('p', {
          className: 'muted',
          text: 'No backend report was stored with this sweep (it was run or imported before reports were kept).',
        }),
      );
    }
    // Rebuilding identical text every frame would make screen readers repeat it.
    const text = lines.map((l) => l.textContent).join('\n');
    if (text === this.lastText) return;
    this.lastText = text;
    replaceChildren(this.body, ...lines);
  }

  private runLabel(runId: string): string {
    const run = this.model.run(runId);
    return run === undefined ? `run ${runId}` : `run ${run.index + 1} (${runId})`;
  }
}

function requestedLine(report: SweepBackendReport): HTMLElement {
  const explanation =
    report.requested === 'auto'
      ? 'each backend was timed on a few training steps and the fastest that can train the model was used'
      : 'workers start on it and fall back along WebGPU → WebGL → WebAssembly → CPU only if it fails';
  return h(
    'p',
    { attrs: { 'data-part': 'requested' } },
    h('strong', { text: 'Asked for: ' }),
    `${report.requested} (${explanation}).`,
  );
}

function calibrationLines(report: BackendCalibrationRecord): HTMLElement[] {
  const figures = report.candidates.map((c) =>
    h(
      'li',
      { attrs: { 'data-backend': c.backend } },
      h('strong', { text: `${c.backend}: ` }),
      !c.available
        ? `unavailable (${c.error ?? 'no adapter'})`
        : !c.canTrain
          ? `cannot train it (${c.error ?? 'error'})`
          : `${c.stepMs?.toFixed(1) ?? '?'} ms per step after a ${c.warmupMs?.toFixed(0) ?? '?'} ms warm-up`,
    ),
  );
  return [
    h(
      'p',
      { attrs: { 'data-part': 'calibration', 'data-chosen': report.chosen } },
      h('strong', { text: `auto chose ${report.chosen}` }),
      ` for ${report.workload} (${report.trial}): ${report.reason}`,
    ),
    ...(figures.length === 0 ? [] : [h('ul', { className: 'calibration' }, ...figures)]),
  ];
}
