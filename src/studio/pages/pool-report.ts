import type { WorkerPool } from '../../pool/worker-pool.js';
import { h, replaceChildren } from '../dom.js';
import type { SweepModel } from '../model/sweep-model.js';

/**
 * Which backend the sweep's runs train on and why: the pool's size (and why it was clamped),
 * the calibration figures behind an 'auto' choice, and the backends runs reported. For a sweep
 * not running in this page only the runs' backends are known.
 */
export class PoolReport {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private lastText = '';

  constructor(
    private readonly model: SweepModel,
    private readonly pool: WorkerPool | null,
  ) {
    this.body = h('div');
    this.element = h('section', { className: 'panel pool-report', attrs: { 'data-testid': 'backend-report', 'aria-labelledby': 'pool-title' } }, h('h3', { attrs: { id: 'pool-title' }, text: 'Backend' }), this.body);
    this.update();
  }

  update(): void {
    const used = new Map<string, number>();
    for (const { run } of this.model.rows()) if (run.backend !== null) used.set(run.backend, (used.get(run.backend) ?? 0) + 1);
    const lines: HTMLElement[] = [];
    lines.push(
      h('p', null, h('strong', { text: 'Runs trained on: ' }), used.size === 0 ? 'no run has started yet' : [...used].map(([b, n]) => `${b} (${n} run${n === 1 ? '' : 's'})`).join(', ')),
    );
    if (this.pool !== null) {
      const size = this.pool.sizeReport;
      lines.push(
        h('p', { text: `Worker pool: ${size.size} worker${size.size === 1 ? '' : 's'} (asked for ${size.requested}; this device holds ${size.deviceLimit}).${size.clampedBecause === null ? '' : ` Clamped: ${size.clampedBecause}`}` }),
      );
      for (const report of this.pool.calibrations()) {
        const figures = report.candidates.map((c) =>
          h(
            'li',
            { attrs: { 'data-backend': c.backend } },
            h('strong', { text: `${c.backend}: ` }),
            !c.available ? `unavailable (${c.error ?? 'no adapter'})` : !c.canTrain ? `cannot train it (${c.error ?? 'error'})` : `${c.stepMs?.toFixed(1) ?? '?'} ms per step after a ${c.warmupMs?.toFixed(0) ?? '?'} ms warm-up`,
          ),
        );
        lines.push(
          h('p', null, h('strong', { text: `auto chose ${report.chosen}` }), ` for ${report.workload}: ${report.reason}`),
          h('ul', { className: 'calibration' }, ...figures),
        );
      }
      const backendNotes = this.pool.diagnostics().filter((d) => d.kind === 'backend' || d.kind === 'warning').slice(-5);
      if (backendNotes.length > 0) lines.push(h('ul', { className: 'notes' }, ...backendNotes.map((d) => h('li', { text: d.message }))));
    } else if (this.model.record.config.trial.kind !== 'function') {
      lines.push(h('p', { className: 'muted', text: 'Calibration figures are shown while the sweep runs in this page.' }));
    }
    // Rebuilding identical text every frame would make screen readers repeat it.
    const text = lines.map((l) => l.textContent).join('\n');
    if (text === this.lastText) return;
    this.lastText = text;
    replaceChildren(this.body, ...lines);
  }
}
