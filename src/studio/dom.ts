/**
 * The Studio's only way to make DOM. Text goes in through `textContent` and attributes through
 * `setAttribute`, never `innerHTML`: parameter names, values, metric names and error messages
 * are user data, and some are hostile (an imported sweep, a shared link).
 */

type Child = Node | string | number | null | undefined | false;

export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface ElementOptions {
  readonly attrs?: Attrs;
  readonly className?: string;
  readonly text?: string;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions | null = null,
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options !== null) {
    if (options.className !== undefined) element.className = options.className;
    for (const [name, value] of Object.entries(options.attrs ?? {})) setAttr(element, name, value);
    if (options.text !== undefined) element.textContent = options.text;
    for (const [type, listener] of Object.entries(options.on ?? {})) {
      if (listener !== undefined) element.addEventListener(type, listener as EventListener);
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
}

export function setAttr(element: Element, name: string, value: string | number | boolean | null | undefined): void {
  if (value === null || value === undefined || value === false) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/**
 * A Studio panel: a `section` of class `panel` (plus `kind`) named by its own `h3` heading
 * through aria-labelledby, so assistive technology announces each panel by its title.
 */
export function panel(
  options: { readonly kind?: string; readonly titleId: string; readonly title: string; readonly testId?: string },
  ...children: readonly Child[]
): HTMLElement {
  return h(
    'section',
    {
      className: options.kind === undefined ? 'panel' : `panel ${options.kind}`,
      attrs: { 'data-testid': options.testId, 'aria-labelledby': options.titleId },
    },
    h('h3', { attrs: { id: options.titleId }, text: options.title }),
    ...children,
  );
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Formats a metric or parameter value for a table cell (4 significant digits, exact integers). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
    if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
    const abs = Math.abs(value);
    if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
    return String(Number(value.toPrecision(4)));
  }
  return String(value);
}

/** "1 h 02 min", "3 min 04 s", "12.3 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Announces a message to screen readers through the app's live region. */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (region !== null) {
    region.textContent = '';
    // A separate task, so repeating the same message is announced again.
    setTimeout(() => {
      region.textContent = message;
    }, 50);
  }
}
