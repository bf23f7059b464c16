// DOM helpers for the charts. Every user-provided string (parameter names, category values,
// metric names, termination reasons) reaches the page through textContent or an attribute value,
// never through innerHTML: a parameter may be named `<img src=x onerror=alert(1)>`.

type Attributes = Readonly<Record<string, string | number | boolean>>;

/** Creates an element with attributes (set as values, never parsed) and text or child nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: ReadonlyArray<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

let idCounter = 0;
/** A document-unique id for label/aria wiring between the elements a chart creates. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `odc-${prefix}-${idCounter}`;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

/** A labelled <select>; `setOptions` keeps the current value when it is still offered. */
export class LabelledSelect {
  readonly select: HTMLSelectElement;
  private signature = '';

  readonly element: HTMLSpanElement;

  constructor(label: string, testId: string, onChange: (value: string) => void) {
    // Associated by id rather than by nesting: a wrapping label would make the select's name
    // "Metric val_accuracy" (its own value included) instead of "Metric".
    const id = uniqueId('select');
    this.select = h('select', { id, 'data-testid': testId });
    this.element = h('span', { class: 'odc-field' }, h('label', { for: id }, label), this.select);
    this.select.addEventListener('change', () => onChange(this.select.value));
  }

  get value(): string {
    return this.select.value;
  }

  setOptions(options: readonly SelectOption[], value: string): void {
    const signature = JSON.stringify(options.map((o) => [o.value, o.label]));
    if (signature !== this.signature) {
      this.signature = signature;
      this.select.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
    }
    this.select.value = value;
    this.select.disabled = options.length <= 1;
  }
}

/** One row of a tooltip: a label and its value, both plain text. */
export type TooltipRow = readonly [label: string, value: string];

export interface TooltipSpec {
  readonly title: string;
  /** CSS colour of the swatch next to the title (from the chart theme, not user data). */
  readonly swatch?: string;
  readonly subtitle?: string;
  readonly rows: readonly TooltipRow[];
  /** Longer text shown under the rows, e.g. why a run was stopped. */
  readonly note?: string;
}

/** Tooltip content as DOM nodes; ECharts accepts an HTMLElement from a tooltip formatter. */
export function tooltipContent(spec: TooltipSpec): HTMLElement {
  const title = h('div', { class: 'odc-tip-title' });
  if (spec.swatch !== undefined) {
    const swatch = h('span', { class: 'odc-swatch', 'aria-hidden': 'true' });
    swatch.style.background = spec.swatch;
    title.append(swatch);
  }
  title.append(h('span', {}, spec.title));
  if (spec.subtitle !== undefined) title.append(h('span', { class: 'odc-tip-sub' }, spec.subtitle));
  const table = h('table', {});
  for (const [label, value] of spec.rows)
    table.append(h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value)));
  const root = h('div', { class: 'odc-tip' }, title, table);
  if (spec.note !== undefined) root.append(h('div', { class: 'odc-tip-note' }, spec.note));
  return root;
}

const CSS = `
.odc { display: flex; flex-direction: column; gap: 0.5rem; box-sizing: border-box; width: 100%; height: 100%;
  min-width: 0; color: var(--fg, CanvasText); font-size: 0.875rem; line-height: 1.4; }
.odc *, .odc *::before, .odc *::after { box-sizing: border-box; }
.odc-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; min-height: 2rem; }
.odc-controls:empty { display: none; }
.odc-field { display: inline-flex; align-items: center; gap: 0.375rem; min-width: 0; }
.odc-field > label { color: var(--muted, GrayText); white-space: nowrap; }
.odc select { font: inherit; color: inherit; background-color: var(--bg, Canvas); max-width: 14rem; min-width: 0;
  border: 1px solid var(--line, rgba(128, 128, 128, 0.5)); border-radius: 6px; padding: 0.2rem 0.4rem; }
.odc select:disabled { opacity: 0.7; }
.odc button { font: inherit; color: inherit; }
.odc-button { border: 1px solid var(--line, rgba(128, 128, 128, 0.5)); border-radius: 6px; background: var(--bg, Canvas);
  padding: 0.2rem 0.6rem; cursor: pointer; }
.odc-button:hover { border-color: var(--muted, GrayText); }
.odc select:focus-visible, .odc button:focus-visible { outline: 2px solid var(--accent, Highlight); outline-offset: 1px; }
.odc-caption { color: var(--muted, GrayText); font-size: 0.8125rem; }
.odc-stage { position: relative; flex: 1 1 auto; min-height: 180px; min-width: 0; }
.odc-plot { position: absolute; inset: 0; }
.odc-layer { position: absolute; left: 0; top: 0; pointer-events: none; }
.odc-empty { position: absolute; inset: 0; margin: 0; display: flex; align-items: center; justify-content: center;
  padding: 1rem; text-align: center; color: var(--muted, GrayText);
  border: 1px dashed var(--line, rgba(128, 128, 128, 0.5)); border-radius: 8px; }
.odc-empty[hidden] { display: none; }
.odc-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0; }
.odc-tip { font-size: 0.8125rem; line-height: 1.35; max-width: 22rem; white-space: normal; overflow-wrap: anywhere; }
.odc-tip-title { display: flex; align-items: center; gap: 0.375rem; font-weight: 600; margin-bottom: 0.25rem; }
.odc-tip-sub { font-weight: 400; color: var(--muted, GrayText); }
.odc-tip table { border-collapse: collapse; }
.odc-tip th { font-weight: 400; text-align: left; color: var(--muted, GrayText); padding: 0 0.75rem 0 0; vertical-align: top; }
.odc-tip td { padding: 0; font-variant-numeric: tabular-nums; }
.odc-tip-note { margin-top: 0.25rem; color: var(--muted, GrayText); }
.odc-swatch { display: inline-block; flex: none; width: 0.625rem; height: 0.625rem; border-radius: 50%; }
.odc-tooltip { position: absolute; z-index: 2; pointer-events: none; padding: 0.4rem 0.6rem; border-radius: 6px;
  background: var(--bg, Canvas); color: var(--fg, CanvasText); border: 1px solid var(--line, rgba(128, 128, 128, 0.5));
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18); }
.odc-tooltip[hidden] { display: none; }
.odc-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; margin: 0; padding: 0; list-style: none; }
.odc-legend button { display: inline-flex; align-items: center; gap: 0.375rem; border: 1px solid transparent; border-radius: 999px;
  background: none; padding: 0.1rem 0.5rem; cursor: pointer; }
.odc-legend button[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; }
.odc-legend button:hover { border-color: var(--line, rgba(128, 128, 128, 0.5)); }
.odc-key { display: inline-block; width: 1.5rem; height: 0; border-top: 2px solid currentColor; }
.odc-key[data-style="dashed"] { border-top-style: dashed; }
.odc-key[data-style="dotted"] { border-top-style: dotted; }
.odc-key[data-style="bold"] { border-top-width: 3px; }
.odc-ramp { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.375rem; min-width: 0; color: var(--muted, GrayText); }
.odc-legend-item { display: inline-flex; align-items: center; gap: 0.375rem; color: var(--muted, GrayText); }
.odc-ramp-bar { display: inline-block; width: 5rem; height: 0.5rem; border-radius: 999px; }
.odc-axis-order { display: flex; align-items: center; gap: 0.5rem; min-width: 0; width: 100%; }
.odc-axis-order > span { color: var(--muted, GrayText); white-space: nowrap; }
/* One row that scrolls sideways: many parameters must not push the chart down. */
.odc-axis-order ol { display: flex; flex-wrap: nowrap; gap: 0.25rem; margin: 0; list-style: none;
  min-width: 0; overflow-x: auto; scrollbar-width: thin; padding: 4px; }
.odc-axis-order li { flex: none; }
.odc-chip { display: inline-flex; align-items: center; gap: 0.25rem; max-width: 14rem; cursor: grab; user-select: none;
  border: 1px solid var(--line, rgba(128, 128, 128, 0.5)); border-radius: 999px; background: var(--bg, Canvas);
  padding: 0.1rem 0.55rem 0.1rem 0.4rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.odc-chip::before { content: "⠿"; color: var(--muted, GrayText); }
.odc-chip[data-metric] { border-color: var(--accent, Highlight); }
.odc-chip[data-dragging] { opacity: 0.4; }
.odc-chip[data-drop="before"] { box-shadow: -3px 0 0 var(--accent, Highlight); }
.odc-chip[data-drop="after"] { box-shadow: 3px 0 0 var(--accent, Highlight); }
`;

const styled = new WeakSet<Document | ShadowRoot>();

/**
 * Adds the chart styles once per document (or shadow root). A constructed stylesheet is used
 * because a strict Content-Security-Policy without 'unsafe-inline' blocks <style> elements.
 */
export function ensureStyles(node: Node): void {
  const root = node.getRootNode();
  const target = root instanceof ShadowRoot ? root : document;
  if (styled.has(target)) return;
  styled.add(target);
  if (typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    return;
  }
  const style = h('style', {}, CSS);
  (target instanceof ShadowRoot ? target : document.head).append(style);
}
