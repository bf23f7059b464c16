// Styles of the analysis panels that ECharts does not draw (the importance table), added once
// per document as a constructed stylesheet: the Content-Security-Policy refuses <style> markup.
const CSS = `
.odc[data-testid="importance-panel"] .odc-stage { min-height: 120px; }
.odc[data-testid="importance-panel"] .odc-plot { position: relative; inset: auto; overflow: auto; }
.odc-note { margin: 0 0 0.5rem; color: var(--muted, GrayText); font-size: 0.8125rem; line-height: 1.4; }
.odc-note.odc-warn { color: var(--warn, #9a6700); }
.odc-imp-row { display: grid; grid-template-columns: minmax(6rem, 1fr) minmax(7rem, 2fr) minmax(7rem, 2fr);
  gap: 0.75rem; align-items: center; padding: 0.2rem 0; font-size: 0.875rem; }
.odc-imp-head { color: var(--muted, GrayText); font-size: 0.75rem; border-bottom: 1px solid var(--line, rgba(128, 128, 128, 0.5)); }
.odc-imp-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, monospace; }
.odc-imp-cell { display: flex; align-items: center; gap: 0.5rem; min-width: 0; }
.odc-imp-track { position: relative; flex: 1 1 auto; height: 0.6rem; border-radius: 999px; min-width: 3rem;
  background: color-mix(in srgb, var(--line, #d0d7de) 45%, transparent); overflow: hidden; }
.odc-imp-bar { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent, Highlight); border-radius: 999px; }
.odc-corr-track::after { content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px; width: 1px; background: var(--muted, GrayText); }
.odc-corr-bar { position: absolute; top: 0; bottom: 0; }
.odc-corr-bar.pos { background: var(--ok, #1a7f37); }
.odc-corr-bar.neg { background: var(--bad, #cf222e); }
.odc-imp-value { flex: none; width: 4.5rem; text-align: right; font-variant-numeric: tabular-nums; color: var(--muted, GrayText); font-size: 0.8125rem; }
@media (max-width: 480px) {
  .odc-imp-row { grid-template-columns: minmax(5rem, 1fr) minmax(5rem, 1.3fr) minmax(5rem, 1.3fr); gap: 0.4rem; }
  .odc-imp-value { width: 2.75rem; font-size: 0.75rem; }
  .odc-imp-track { min-width: 1.5rem; }
}
`;

const styled = new WeakSet<Document | ShadowRoot>();

export function ensurePanelStyles(node: Node): void {
  const root = node.getRootNode();
  const target = root instanceof ShadowRoot ? root : document;
  if (styled.has(target)) return;
  styled.add(target);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
}
