import { type CheckedSweepFile, type SpecExportFormat, specConnection } from '../engine.js';
import { announce, h, replaceChildren } from '../dom.js';
import { downloadText } from '../export-actions.js';

/**
 * Taking a sweep definition elsewhere: the spec itself, an Azure ML v2 sweep job (YAML or
 * JSON, for when one machine is no longer enough), an equivalent Optuna script, and a link that
 * opens this builder with the same sweep (what a teacher hands a class).
 */
export function sweepFileActions(current: () => Promise<CheckedSweepFile | null>): HTMLElement {
  const status = h('p', { className: 'muted', attrs: { role: 'status' } });
  const warnings = h('ul', { className: 'warnings' });
  const linkBox = h('input', {
    attrs: { readonly: true, 'aria-label': 'Share link', 'data-testid': 'share-link' },
    className: 'wide',
  });
  linkBox.hidden = true;
  const withSpec = (action: (parsed: CheckedSweepFile) => Promise<void> | void) => async (): Promise<void> => {
    const parsed = await current();
    if (parsed === null) {
      status.textContent = 'Fix the errors in the form first.';
      return;
    }
    try {
      await action(parsed);
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  const showWarnings = (list: readonly { field: string; message: string }[]): void => {
    replaceChildren(warnings, ...list.map((w) => h('li', { text: `${w.field}: ${w.message}` })));
  };
  const stem = (parsed: CheckedSweepFile): string => parsed.experimentName.replace(/[^A-Za-z0-9._-]+/g, '_') || 'sweep';
  // Written in the spec worker: an Azure YAML export of a 1,000-parameter space takes 400 ms.
  const exported = (format: SpecExportFormat, p: CheckedSweepFile) => specConnection().exportText(format, p.spec);
  const button = (text: string, action: string, run: () => Promise<void>): HTMLButtonElement =>
    h('button', { attrs: { type: 'button', 'data-action': action }, text, on: { click: () => void run() } });
  return h(
    'div',
    { className: 'sweep-file-actions' },
    h(
      'div',
      { className: 'row' },
      button(
        'Download spec (JSON)',
        'download-spec',
        withSpec((p) => {
          downloadText(`${JSON.stringify(p.spec, null, 2)}\n`, `${stem(p)}.sweep.json`, 'application/json');
          showWarnings([]);
        }),
      ),
      button(
        'Azure ML job (YAML)',
        'download-azure-yaml',
        withSpec(async (p) => {
          const out = await exported('azure-yaml', p);
          downloadText(out.text, `${stem(p)}.sweep-job.yml`, 'application/yaml');
          showWarnings(out.warnings);
        }),
      ),
      button(
        'Azure ML job (JSON)',
        'download-azure-json',
        withSpec(async (p) => {
          const out = await exported('azure-json', p);
          downloadText(out.text, `${stem(p)}.sweep-job.json`, 'application/json');
          showWarnings(out.warnings);
        }),
      ),
      button(
        'Optuna script',
        'download-optuna',
        withSpec(async (p) => {
          const out = await exported('optuna', p);
          downloadText(out.text, `${stem(p)}_optuna.py`, 'text/x-python');
          showWarnings(out.warnings);
        }),
      ),
      button(
        'Copy share link',
        'share-link',
        withSpec(async (p) => {
          const base = `${location.origin}${location.pathname}${location.search}`;
          // A link written for an earlier sweep must not stay beside this one's refusal.
          linkBox.hidden = true;
          linkBox.value = '';
          const link = await specConnection().encodeLink(p.spec, base);
          linkBox.hidden = false;
          linkBox.value = link;
          linkBox.select();
          let copied = false;
          try {
            await navigator.clipboard.writeText(link);
            copied = true;
          } catch {
            // Clipboard access refused (permissions, insecure context): the link is selected to copy by hand.
          }
          status.textContent = `${copied ? 'Copied' : 'Select and copy'} a ${link.length}-character link: it opens this builder with the same sweep (definition only, no results).`;
          announce(status.textContent);
        }),
      ),
    ),
    linkBox,
    status,
    warnings,
  );
}
