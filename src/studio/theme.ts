import { h } from './dom.js';

type Scheme = 'system' | 'light' | 'dark';
const KEY = 'overdrive:color-scheme';

/** Light, dark or the system's scheme, remembered in this browser. Charts re-read the colours on change. */
export class ThemeToggle {
  readonly element: HTMLElement;

  constructor() {
    const select = h('select', { attrs: { 'aria-label': 'Colour scheme', 'data-testid': 'theme' } });
    for (const [value, label] of [
      ['system', 'System colours'],
      ['light', 'Light'],
      ['dark', 'Dark'],
    ] as const)
      select.append(h('option', { attrs: { value }, text: label }));
    const stored = readScheme();
    select.value = stored;
    apply(stored);
    select.addEventListener('change', () => {
      const scheme = select.value as Scheme;
      try {
        localStorage.setItem(KEY, scheme);
      } catch {
        // Storage may be off (private mode); the choice then lasts for this page.
      }
      apply(scheme);
    });
    this.element = h('div', { className: 'theme-toggle' }, select);
  }
}

function readScheme(): Scheme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

function apply(scheme: Scheme): void {
  const root = document.documentElement;
  if (scheme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', scheme);
  root.style.colorScheme = scheme === 'system' ? 'light dark' : scheme;
  window.dispatchEvent(new CustomEvent('overdrive:theme', { detail: scheme }));
}
