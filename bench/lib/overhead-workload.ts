/**
 * The engine-overhead workload as the profilers drive it (bench/profile.ts, profile-threads.ts):
 * the bench pages built (unless told not to), a bench browser open on them, one trial worker
 * opened on the overhead configuration (the digits MLP for `epochs` epochs), and, whatever the
 * body does, the worker and the browser closed after it.
 */
import { type BenchBrowser, buildBenchPages, openBenchBrowser } from './browser.js';
import type { BenchBackend } from './types.js';
import { overheadConfig } from './workloads.js';

export interface OverheadWorkload {
  readonly backend: BenchBackend;
  readonly epochs: number;
  readonly port: number;
  readonly isolation: 'page' | 'sandbox';
  readonly build: boolean;
  /** The store's metric window (flushIntervalMs); undefined: the store's default. */
  readonly storeWindowMs?: number;
}

export async function withOverheadWorkload(
  workload: OverheadWorkload,
  body: (browser: BenchBrowser) => Promise<void>,
): Promise<void> {
  if (workload.build) await buildBenchPages();
  const browser = await openBenchBrowser(workload.port, (l) => process.stderr.write(`${l}\n`));
  try {
    const open = await browser.call(
      'overheadOpen',
      workload.backend,
      overheadConfig(workload.epochs),
      workload.isolation,
      workload.storeWindowMs,
    );
    if (!open.ok) throw new Error(open.error ?? 'overheadOpen failed');
    try {
      await body(browser);
    } finally {
      await browser.call('overheadClose');
    }
  } finally {
    await browser.close();
  }
}
