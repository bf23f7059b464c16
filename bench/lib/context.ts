import type { BenchBackend } from './types.js';
import type { BenchBrowser } from './browser.js';
import type { MachineInfo } from './machine.js';

/** One figure against its target, printed with ✓/✗ (— when it could not be measured). */
export interface Check {
  readonly section: string;
  readonly what: string;
  readonly figure: string;
  readonly target: string;
  /** null: not measured here (e.g. no GPU), never a failure. */
  readonly pass: boolean | null;
}

export interface BenchContext {
  readonly quick: boolean;
  /** Pool scaling: the backend and the concurrency levels (default wasm at 1, 2, 4). */
  readonly scaling: { readonly backend: BenchBackend; readonly levels: readonly number[] };
  readonly machine: MachineInfo;
  /** The bench page in Chromium, opened on first use. */
  browser(): Promise<BenchBrowser>;
  log(line: string): void;
}

export function mark(pass: boolean | null): string {
  return pass === null ? '—' : pass ? '✓' : '✗';
}

export function ms(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value.toFixed(digits)} ms`;
}

export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : `${(value * 100).toFixed(digits)} %`;
}

export function signedPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const text = (value * 100).toFixed(digits);
  return `${value > 0 ? '+' : ''}${text} pp`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
