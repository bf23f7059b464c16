import { bestRun, flattenParams, type RunRecord } from '../engine.js';
import { announce, formatValue, h, panel, replaceChildren } from '../dom.js';
import type { SweepModel } from '../view-model/sweep-model.js';

export interface BestRunActions {
  /** Saves the run's model through TF.js: `downloads://NAME` or `indexeddb://NAME`. */
  /** Resolves with a caveat to show (e.g. eviction risk), or null. */
  readonly exportModel: (runId: string, destination: string) => Promise<string | null>;
  /** Whether the run's model is really stored (an imported sweep keeps the summary, not the weights). */
  readonly modelStored: (runId: string) => Promise<boolean>;
}

/**
 * The best run so far (HyperDrive's `get_best_run_by_primary_metric`): its metric, every
 * metric's last value, its hyperparameters, "copy config", and its trained model for download
 * or for `tf.loadLayersModel('indexeddb://…')`.
 */
export class BestRunPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private shownId: string | null = null;
  private shownVersion = -1;

  constructor(
    private readonly model: SweepModel,
    private readonly actions: BestRunActions,
  ) {
    this.body = h('div', { className: 'best-body' });
    this.element = panel({ kind: 'best-run', testId: 'best-run', titleId: 'best-title', title: 'Best run' }, this.body);
    this.update();
  }

  update(): void {
    const record = this.model.record;
    const best = bestRun(
      this.model.rows().map((r) => r.run),
      record.config.primaryMetricGoal,
    );
    if (best?.id === this.shownId && this.model.version === this.shownVersion) return;
    this.shownVersion = this.model.version;
    // Keep the controls (a half-typed model name) while the same run stays best.
    if (best !== null && best.id === this.shownId && this.body.querySelector('input:focus') !== null) {
      this.fillMetrics(best);
      return;
    }
    this.shownId = best?.id ?? null;
    if (best === null) {
      replaceChildren(
        this.body,
        h('p', { className: 'muted', text: `No run has logged ${record.config.primaryMetricName} yet.` }),
      );
      return;
    }
    const params = flattenParams(best.params);
    const paramTable = h(
      'table',
      { className: 'kv' },
      h('caption', { text: 'Hyperparameters' }),
      h(
        'tbody',
        null,
        ...Object.entries(params).map(([name, value]) =>
          h('tr', null, h('th', { attrs: { scope: 'row' }, text: name }), h('td', { text: formatValue(value) })),
        ),
      ),
    );
    const copy = h('button', {
      attrs: { type: 'button', 'data-action': 'copy-config' },
      text: 'Copy config',
      on: {
        click: () => {
          const text = JSON.stringify(best.params, null, 2);
          void copyText(text).then((ok) =>
            announce(
              ok
                ? 'Copied the best run’s hyperparameters as JSON'
                : 'Copying is not allowed here; the JSON is selected below',
            ),
          );
          configText.hidden = false;
          configText.value = text;
          configText.select();
        },
      },
    });
    const configText = h('textarea', {
      attrs: { readonly: true, rows: 6, 'aria-label': 'Best run hyperparameters as JSON' },
      className: 'code',
    });
    configText.hidden = true;
    const status = h('p', { className: 'export-status', attrs: { role: 'status' } });
    const name = h('input', {
      attrs: { value: `overdrive-${best.id}`, 'aria-label': 'Model name', spellcheck: 'false' },
      className: 'narrow',
    });
    const hasModel = best.checkpoint?.model === true;
    const run = async (destination: string, what: string): Promise<void> => {
      status.textContent = `${what}…`;
      try {
        const caveat = await this.actions.exportModel(best.id, destination);
        status.textContent = `${what}: done (${destination}).${caveat === null ? '' : ` ${caveat}`}`;
      } catch (error) {
        status.textContent = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    const download = h('button', {
      attrs: { type: 'button', 'data-action': 'download-model', disabled: !hasModel },
      text: 'Download model',
      on: { click: () => void run(`downloads://${safeName(name.value)}`, 'Downloading model.json and weights') },
    });
    const save = h('button', {
      attrs: { type: 'button', 'data-action': 'save-model', disabled: !hasModel },
      text: 'Save to browser',
      on: { click: () => void run(`indexeddb://${safeName(name.value)}`, 'Saving to indexeddb://') },
    });
    if (hasModel) {
      void this.actions.modelStored(best.id).then((stored) => {
        if (stored || this.shownId !== best.id) return;
        download.disabled = true;
        save.disabled = true;
        status.textContent = 'This run’s model is not stored in this browser (an imported sweep carries no weights).';
      });
    }
    replaceChildren(
      this.body,
      h(
        'p',
        { className: 'best-line' },
        h('strong', { text: `Run ${best.index + 1}` }),
        ` (${best.status}): best ${record.config.primaryMetricName} `,
        h('strong', { attrs: { 'data-testid': 'best-metric' }, text: formatValue(best.bestMetric) }),
      ),
      h('div', { className: 'best-metrics', attrs: { 'data-role': 'metrics' } }),
      paramTable,
      h('div', { className: 'row' }, copy, h('label', null, 'model name ', name), download, save),
      hasModel
        ? null
        : h('p', {
            className: 'muted',
            text: 'This run saved no model (its training function never called run.checkpoint(model)).',
          }),
      configText,
      status,
    );
    this.fillMetrics(best);
  }

  private fillMetrics(best: RunRecord): void {
    const slot = this.body.querySelector<HTMLElement>('[data-role="metrics"]');
    if (slot === null) return;
    const metrics = this.model.metricsOf(best.id);
    replaceChildren(
      slot,
      h(
        'table',
        { className: 'kv' },
        h('caption', { text: 'Last logged metrics' }),
        h(
          'tbody',
          null,
          ...[...metrics].map(([name, values]) =>
            h(
              'tr',
              null,
              h('th', { attrs: { scope: 'row' }, text: name }),
              h('td', { text: formatValue(values.at(-1)) }),
            ),
          ),
        ),
      ),
    );
  }
}

function safeName(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 100);
  return cleaned === '' ? 'overdrive-model' : cleaned;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
