// Colours for the charts, read from the page so the charts match whatever the app shell styles:
// the CSS custom properties --fg, --bg, --muted, --line, --accent, --ok, --warn, --bad on the
// container, with fallbacks per colour scheme for pages that define none of them.

export type ColorScheme = 'light' | 'dark';

/** The page colours a chart reads; also the shape of the per-scheme fallbacks. */
interface Palette {
  readonly fg: string;
  readonly bg: string;
  readonly muted: string;
  /** Axis lines, split lines, borders. */
  readonly line: string;
  readonly accent: string;
  readonly ok: string;
  readonly warn: string;
  readonly bad: string;
}

export interface ChartTheme extends Palette {
  readonly scheme: ColorScheme;
  readonly fontFamily: string;
  /** Sequential scale from the worst to the best primary metric (already oriented for the goal by the caller). */
  readonly metricScale: readonly string[];
  /** Runs that have not reported the primary metric yet. */
  readonly noMetric: string;
}

// The fallbacks are the app shell's own palette (src/app/demo.css) plus an accent.
const FALLBACK: Readonly<Record<ColorScheme, Palette>> = {
  light: {
    fg: '#1b1f24',
    bg: '#ffffff',
    muted: '#57606a',
    line: '#d0d7de',
    accent: '#0969da',
    ok: '#1a7f37',
    warn: '#9a6700',
    bad: '#cf222e',
  },
  dark: {
    fg: '#e6edf3',
    bg: '#0d1117',
    muted: '#9198a1',
    line: '#30363d',
    accent: '#4493f8',
    ok: '#3fb950',
    warn: '#d29922',
    bad: '#f85149',
  },
};

// Viridis (perceptually uniform, colour-blind safe), worst to best, oriented so the best runs
// have the most contrast with the background and the worst recede: on white the scale runs
// towards dark purple, on near-black towards yellow. Each drops the end that would vanish into
// its background.
const METRIC_SCALE: Readonly<Record<ColorScheme, readonly string[]>> = {
  light: ['#a0da39', '#4ac16d', '#1fa187', '#277f8e', '#365c8d', '#46327e', '#440154'],
  dark: ['#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'],
};

export function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

let probeContext: CanvasRenderingContext2D | null | undefined;

/**
 * Resolves any CSS colour (named, hex, hsl(), oklch(), color-mix() ...) to `rgba(r, g, b, a)`,
 * which ECharts and zrender can interpolate; they parse only hex, rgb() and hsl().
 * Painting one pixel is the only resolution that works for every colour syntax a page may use.
 */
export function resolveColor(value: string, fallback: string): string {
  const trimmed = value.trim();
  if (trimmed === '') return fallback;
  if (probeContext === undefined) {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    probeContext = canvas.getContext('2d', { willReadFrequently: true });
  }
  const ctx = probeContext;
  if (ctx === null) return trimmed;
  // An invalid colour leaves fillStyle unchanged: start from a sentinel to detect it.
  ctx.fillStyle = '#010203';
  ctx.fillStyle = trimmed;
  if (ctx.fillStyle === '#010203' && trimmed.toLowerCase() !== '#010203') return fallback;
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0, a = 255] = ctx.getImageData(0, 0, 1, 1).data;
  return `rgba(${r}, ${g}, ${b}, ${Math.round((a / 255) * 1000) / 1000})`;
}

/** The theme for `element`: its computed custom properties, else the fallbacks for the current scheme. */
export function readTheme(element: HTMLElement): ChartTheme {
  const style = getComputedStyle(element);
  const scheme: ColorScheme = schemeOf(style);
  const base = FALLBACK[scheme];
  const read = (name: keyof Palette): string => resolveColor(style.getPropertyValue(`--${name}`), base[name]);
  return {
    scheme,
    fg: read('fg'),
    bg: read('bg'),
    muted: read('muted'),
    line: read('line'),
    accent: read('accent'),
    ok: read('ok'),
    warn: read('warn'),
    bad: read('bad'),
    fontFamily: style.fontFamily || 'system-ui, sans-serif',
    metricScale: METRIC_SCALE[scheme],
    noMetric: scheme === 'dark' ? 'rgba(145, 152, 161, 0.55)' : 'rgba(87, 96, 106, 0.45)',
  };
}

/**
 * A page may force a scheme with `color-scheme: dark` on an ancestor; otherwise the media query
 * decides. The background's lightness is the most reliable signal when --bg is set.
 */
function schemeOf(style: CSSStyleDeclaration): ColorScheme {
  const bg = style.getPropertyValue('--bg').trim();
  if (bg !== '') {
    const rgb = parseRgba(resolveColor(bg, ''));
    if (rgb !== null) return luminance(rgb) < 0.4 ? 'dark' : 'light';
  }
  const declared = style.colorScheme.trim();
  if (declared === 'dark' || declared === 'only dark') return 'dark';
  if (declared === 'light' || declared === 'only light') return 'light';
  return prefersDark() ? 'dark' : 'light';
}

export type Rgba = readonly [number, number, number, number];

export function parseRgba(color: string): Rgba | null {
  const match = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(color);
  if (match !== null) {
    return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])];
  }
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex?.[1] !== undefined) {
    const n = parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  return null;
}

function luminance([r, g, b]: Rgba): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** `color` with its alpha multiplied by `alpha`, as rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const rgba = parseRgba(color);
  if (rgba === null) return color;
  return `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${Math.round(rgba[3] * alpha * 1000) / 1000})`;
}

/**
 * A colour lookup over `stops` for t in [0, 1], precomputed into a table: the metric chart colours
 * up to 1000 lines per redraw and must not parse colours in that loop.
 */
export function makeColorRamp(stops: readonly string[], steps = 64): (t: number) => string {
  const parsed = stops.map((s) => parseRgba(s) ?? ([128, 128, 128, 1] as const));
  const table: string[] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    const x = t * (parsed.length - 1);
    const lo = Math.min(parsed.length - 1, Math.floor(x));
    const hi = Math.min(parsed.length - 1, lo + 1);
    const f = x - lo;
    const a = parsed[lo] ?? parsed[0];
    const b = parsed[hi] ?? a;
    if (a === undefined || b === undefined) {
      table.push('rgb(128, 128, 128)');
      continue;
    }
    const mix = (k: 0 | 1 | 2): number => Math.round(a[k] + (b[k] - a[k]) * f);
    table.push(`rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`);
  }
  return (t: number): string => {
    const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
    return table[Math.round(clamped * (steps - 1))] ?? table[0] ?? 'rgb(128, 128, 128)';
  };
}

/** The metric scale oriented so that its last colour is always the best value. */
export function metricColorsLowToHigh(theme: ChartTheme, goal: 'MAXIMIZE' | 'MINIMIZE'): readonly string[] {
  return goal === 'MAXIMIZE' ? theme.metricScale : [...theme.metricScale].reverse();
}

/**
 * Calls `onChange` when the colour scheme may have changed: the OS scheme flips (custom
 * properties usually flip with it in a @media block), the app's own theme switch fires
 * `overdrive:theme`, or an attribute that pages use to force a scheme changes on <html>
 * (data-theme, class, style). The caller re-reads the theme, which is cheap.
 */
export function watchColorScheme(onChange: () => void): () => void {
  const listener = (): void => onChange();
  const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  query?.addEventListener('change', listener);
  window.addEventListener('overdrive:theme', listener);
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
  return () => {
    query?.removeEventListener('change', listener);
    window.removeEventListener('overdrive:theme', listener);
    observer.disconnect();
  };
}
