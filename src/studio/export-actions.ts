import type { StudioEngine, SweepExportKind } from './engine.js';

/** Saves text as a file through a temporary link (what a download button does in any browser). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Exports a stored sweep as the JSON document (re-importable) or as CSV, and downloads it. */
export async function downloadSweep(engine: StudioEngine, sweepId: string, kind: SweepExportKind): Promise<void> {
  const file = await engine.exportSweep(sweepId, kind);
  downloadText(file.text, file.fileName, file.type);
}
