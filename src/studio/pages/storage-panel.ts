import { listSavedModels, removeSavedModel, requestPersistence, storageReport } from '../engine.js';
import { announce, h, panel, replaceChildren } from '../dom.js';

function bytes(n: number | null): string {
  if (n === null) return 'unknown';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * What this site keeps in the browser, whether the browser may evict it, and the models saved
 * to `indexeddb://` (TF.js's store, next to Overdrive's own), which eviction removes too.
 */
export class StoragePanel {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly models: HTMLElement;

  constructor() {
    this.summary = h('div', { attrs: { 'aria-live': 'polite' } });
    this.models = h('div', { attrs: { 'data-testid': 'saved-models' } });
    this.element = panel(
      { kind: 'storage', testId: 'storage', titleId: 'storage-title', title: 'Storage in this browser' },
      this.summary,
      h('h4', { text: 'Models saved to indexeddb://' }),
      this.models,
    );
  }

  async render(): Promise<void> {
    const report = await storageReport();
    const keep = h('button', {
      attrs: { type: 'button', 'data-action': 'persist' },
      text: 'Keep this site’s data when space runs low',
      on: {
        click: () =>
          void requestPersistence().then((granted) => {
            announce(
              granted
                ? 'The browser will keep this site’s data'
                : 'The browser declined to make this site’s data persistent',
            );
            return this.render();
          }),
      },
    });
    replaceChildren(
      this.summary,
      h('p', { text: `${bytes(report.usage)} used of ${bytes(report.quota)} available to this site.` }),
      h(
        'p',
        { attrs: { 'data-testid': 'persisted' } },
        report.persisted === true
          ? 'Persistent: the browser will not evict sweeps, checkpoints or saved models to free space.'
          : 'Not persistent: under storage pressure the browser may evict everything stored here, saved models included. Export what matters, or ask to keep it: ',
        report.persisted === true ? null : keep,
      ),
    );
    let saved;
    try {
      saved = await listSavedModels();
    } catch (error) {
      replaceChildren(
        this.models,
        h('p', {
          className: 'error',
          text: `Saved models could not be listed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return;
    }
    if (saved.length === 0) {
      replaceChildren(
        this.models,
        h('p', {
          className: 'muted',
          text: 'None. (A model saved earlier and missing now was evicted or cleared with the site’s data; save it again from its sweep.)',
        }),
      );
      return;
    }
    replaceChildren(
      this.models,
      h(
        'ul',
        null,
        ...saved.map((model) =>
          h(
            'li',
            { attrs: { 'data-model': model.url } },
            h('code', { text: model.url }),
            ` — ${bytes(model.bytes)}${model.savedAt === null ? '' : `, saved ${model.savedAt.toLocaleString()}`} `,
            h('button', {
              attrs: { type: 'button', 'aria-label': `Remove ${model.url}` },
              className: 'small danger',
              text: 'Remove',
              on: { click: () => void removeSavedModel(model.url).then(() => this.render()) },
            }),
          ),
        ),
      ),
    );
  }
}
