import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { build } from 'vite';
import { CHROMIUM_FLAGS } from '../../scripts/chromium-flags.js';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.js';
import type { OverdriveBench } from '../pages/bench-page.js';
import { cpuTimeAvailable, findBrowserPid, threadCpuByName, treeCpuMs } from './cpu-time.js';

export const BENCH_DIR = resolve(import.meta.dirname, '..');
export const DIST_DIR = resolve(BENCH_DIR, 'dist');
/** The bench's own port: never the app's preview (4173) or the tests' (4317). */
export const DEFAULT_PORT = 4420;

/** Builds bench/pages/*.html with bench/vite.config.ts into bench/dist/. */
export async function buildBenchPages(): Promise<void> {
  await build({ configFile: resolve(BENCH_DIR, 'vite.config.ts'), logLevel: 'warn' });
}

export interface BenchBrowser {
  readonly page: Page;
  readonly browserVersion: string;
  readonly url: string;
  /** CPU time (ms) our Chromium's processes have used so far; null where /proc is unavailable. */
  cpuMs(): number | null;
  /** CPU time (ms) of our Chromium's live threads by thread name; null where /proc is unavailable. */
  threadCpuMs(): Map<string, number> | null;
  /** Calls one function of the page's `window.overdriveBench` with plain-data arguments. */
  call<K extends keyof OverdriveBench>(
    name: K,
    ...args: Parameters<OverdriveBench[K]>
  ): Promise<Awaited<ReturnType<OverdriveBench[K]>>>;
  close(): Promise<void>;
}

/**
 * Serves bench/dist on 127.0.0.1 and opens the bench page in Debian's Chromium with a profile on
 * disk (a persistent context), so IndexedDB writes reach the disk as they do for a user; a
 * default Playwright context is off the record and keeps IndexedDB in memory.
 */
export async function openBenchBrowser(port: number, log: (line: string) => void): Promise<BenchBrowser> {
  const server: StaticServer = await startStaticServer(DIST_DIR, {}, port);
  const profile = await mkdtemp(join(tmpdir(), 'overdrive-bench-profile-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
      headless: true,
      // Extra flags for a machine with a real GPU (e.g. Vulkan for WebGPU), space-separated.
      args: [...CHROMIUM_FLAGS, ...(process.env['OVERDRIVE_CHROMIUM_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '')],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') log(`page ${message.type()}: ${message.text()}`);
    });
    await page.goto(`${server.url}/bench/pages/bench.html`);
    await page.waitForFunction(() => window.overdriveBench !== undefined, undefined, { timeout: 60_000 });
    const cdp = await context.newCDPSession(page);
    const version = (await cdp.send('Browser.getVersion')) as { product: string };
    await cdp.detach();
    const opened = context;
    const browserPid = cpuTimeAvailable() ? findBrowserPid(profile) : null;
    if (browserPid === null) log('CPU time unavailable: wall time only');
    return {
      cpuMs: () => (browserPid === null ? null : treeCpuMs(browserPid)),
      threadCpuMs: () => (browserPid === null ? null : threadCpuByName(browserPid)),
      page,
      browserVersion: version.product,
      url: server.url,
      call: (name, ...args) =>
        page.evaluate(
          ([fn, fnArgs]) => {
            const bench = window.overdriveBench as unknown as Record<string, (...a: unknown[]) => unknown>;
            const target = bench[fn];
            if (target === undefined) throw new Error(`overdriveBench.${fn} does not exist`);
            return target(...fnArgs);
          },
          [name, args] as [string, unknown[]],
        ) as never,
      close: async () => {
        await opened.close();
        await server.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
