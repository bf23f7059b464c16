import { exportSweep, sweepDocumentText, sweepMetricsCsv, sweepRunsCsv } from '../export/index.js';
import type { Store } from '../store/store.js';

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

export type SweepExportKind = 'json' | 'runs-csv' | 'metrics-csv';

/** Exports a stored sweep as the JSON document (re-importable) or as CSV, and downloads it. */
export async function downloadSweep(store: Store, sweepId: string, kind: SweepExportKind): Promise<void> {
  await store.flush();
  const doc = await exportSweep(store, sweepId);
  const stem = sweepId.replace(/[^A-Za-z0-9._-]+/g, '_');
  switch (kind) {
    case 'json':
      downloadText(sweepDocumentText(doc), `${stem}.sweep.json`, 'application/json');
      return;
    case 'runs-csv':
      downloadText(sweepRunsCsv(doc), `${stem}.runs.csv`, 'text/csv');
      return;
    case 'metrics-csv':
      downloadText(sweepMetricsCsv(doc), `${stem}.metrics.csv`, 'text/csv');
      return;
  }
}
