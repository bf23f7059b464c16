import workerBundleUrl from '../../../workers/sandbox-worker.ts?worker&url';
import type { PoolWorker } from '../pool-worker.js';
import { readStoredModuleFile, storedModuleLocation } from '../module-store.js';
import { assetVerdict } from './asset-rule.js';
import { type FromWorker, type AssetResponse, isFromFrame, SANDBOX_BASE_GLOBAL, type ToFrame } from './messages.js';

/** How often the page checks that the frame's process is alive, and how long an unanswered check may wait. */
const HEARTBEAT_MS = 1_000;
const DEAD_AFTER_MS = 8_000;

/**
 * Trial workers run inside an opaque-origin sandboxed frame (`sandbox="allow-scripts"`, no
 * allow-same-origin): user code there has no IndexedDB, Cache, OPFS, Web Locks or storage of the
 * Studio's origin, its BroadcastChannels reach no Studio tab, and it cannot touch the page.
 * Chromium gives such a frame its own process, so a trial that exhausts memory takes down that
 * process, not the Studio: the heartbeat notices, that frame's one worker reports that it
 * stopped, and the pool replaces it in a fresh frame.
 *
 * An opaque origin cannot load the app's files itself (a plain static host answers no CORS), so
 * the page hands over the worker bundle as text and serves each file a worker asks for through
 * `assetVerdict` (the app's own files and modules picked from disk only).
 */
export class SandboxHost {
  private code: Promise<string> | null = null;
  private readonly assetCache = new Map<string, Promise<CachedAsset>>();

  /**
   * Each worker gets a frame of its own (and so, in Chromium, a process of its own): a module that
   * fills the heap then takes down only its own trial, not the ones training beside it. The frames
   * share the fetched bundle and the asset cache, so a fresh frame costs no extra download.
   */
  spawn(name: string): PoolWorker {
    return new SandboxFrame(this.bundle(), (url) => this.asset(url)).spawn(name);
  }

  private bundle(): Promise<string> {
    if (this.code === null) {
      const url = new URL(workerBundleUrl, location.href).href;
      this.code = fetch(url).then(async (response) => {
        if (!response.ok) throw new Error(`could not load the trial worker from ${url}: HTTP ${response.status}`);
        // A classic worker (Chromium refuses module workers from an opaque origin's blob: URLs):
        // the bundle has no imports; `import.meta.url` would be a syntax error there.
        const text = (await response.text()).replaceAll('import.meta.url', JSON.stringify(url));
        return `globalThis.${SANDBOX_BASE_GLOBAL} = ${JSON.stringify(url)};\n${text}`;
      });
      this.code.catch(() => {
        this.code = null;
      });
    }
    return this.code;
  }

  private asset(requested: string): Promise<CachedAsset> {
    // A module picked from disk lives in this origin's module store (../module-store.ts), not on the host.
    if (storedModuleLocation(requested) !== null) return storedModuleAsset(requested);
    const verdict = assetVerdict(requested, location.href);
    if (verdict.kind === 'refused') return Promise.reject(new Error(verdict.message));
    let entry = this.assetCache.get(verdict.url);
    if (entry === undefined) {
      entry = fetch(verdict.url).then(async (response) => ({
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.arrayBuffer(),
      }));
      entry.catch(() => this.assetCache.delete(verdict.url));
      this.assetCache.set(verdict.url, entry);
    }
    return entry;
  }
}

/** A stored module's file as the asset channel answers it: 404 with the reason when it is not stored. */
async function storedModuleAsset(url: string): Promise<CachedAsset> {
  const file = await readStoredModuleFile(url);
  if (file.kind === 'found') return { status: 200, contentType: file.contentType, body: file.bytes };
  const body = new TextEncoder().encode(file.message);
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: body.buffer };
}

interface CachedAsset {
  readonly status: number;
  readonly contentType: string;
  readonly body: ArrayBuffer;
}

class SandboxFrame {
  dead: string | null = null;
  private started = false;
  private readonly iframe: HTMLIFrameElement;
  private readonly workers = new Map<number, SandboxWorker>();
  private readonly ready: Promise<void>;
  private nextId = 1;
  private seq = 0;
  private pending: { readonly seq: number; readonly since: number } | null = null;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly onMessage: (event: MessageEvent) => void;

  constructor(
    code: Promise<string>,
    private readonly asset: (url: string) => Promise<CachedAsset>,
  ) {
    this.iframe = document.createElement('iframe');
    this.iframe.setAttribute('sandbox', 'allow-scripts');
    this.iframe.setAttribute('aria-hidden', 'true');
    this.iframe.tabIndex = -1;
    this.iframe.title = 'Overdrive trial sandbox';
    this.iframe.hidden = true;
    let markReady: () => void = () => {};
    const frameReady = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    this.onMessage = (event) => {
      if (event.source !== this.iframe.contentWindow || !isFromFrame(event.data)) return;
      const m = event.data;
      if (m.kind === 'ready') {
        this.started = true;
        markReady();
      } else if (m.kind === 'pong') {
        if (this.pending?.seq === m.seq) this.pending = null;
      } else if (m.kind === 'error') {
        this.workers.get(m.id)?.fail(m.message, m.filename, m.lineno);
      } else {
        this.workers.get(m.id)?.dispatchEvent(new Event('messageerror'));
      }
    };
    window.addEventListener('message', this.onMessage);
    this.iframe.src = new URL('./frame.html', import.meta.url).href;
    document.body.append(this.iframe);
    this.ready = Promise.all([frameReady, code]).then(([, text]) => this.post({ kind: 'code', code: text }));
    this.ready.catch((error: unknown) => this.kill(`the trial sandbox could not start: ${String(error)}`));
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
  }

  spawn(name: string): SandboxWorker {
    const id = this.nextId++;
    const channel = new MessageChannel();
    const assets = new MessageChannel();
    const worker = new SandboxWorker(channel.port1, assets.port1, () => {
      this.workers.delete(id);
      if (this.dead === null) this.post({ kind: 'terminate', id });
      // The frame exists for this one worker: once it is gone, so is the frame and its process.
      if (this.workers.size === 0) this.dispose();
    });
    this.workers.set(id, worker);
    assets.port1.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.kind === 'closing') {
        worker.exit('it closed itself');
        return;
      }
      this.asset(m.url).then(
        (file) => {
          const body = file.body.slice(0);
          const response: AssetResponse = {
            seq: m.seq,
            kind: 'ok',
            status: file.status,
            contentType: file.contentType,
            body,
          };
          assets.port1.postMessage(response, [body]);
        },
        (error: unknown) => {
          const response: AssetResponse = {
            seq: m.seq,
            kind: 'refused',
            message: error instanceof Error ? error.message : String(error),
          };
          assets.port1.postMessage(response);
        },
      );
    };
    if (this.dead !== null) {
      const reason = this.dead;
      queueMicrotask(() => worker.exit(reason));
    } else {
      this.ready.then(
        () =>
          this.post({ kind: 'spawn', id, name, port: channel.port2, assets: assets.port2 }, [
            channel.port2,
            assets.port2,
          ]),
        () => {},
      );
    }
    return worker;
  }

  private heartbeat(): void {
    if (this.dead !== null) return;
    const now = Date.now();
    // Judged on an unanswered ping, not on time since the last pong: timers in a hidden tab may
    // run once a minute, and that must not read as a dead frame.
    if (this.pending !== null) {
      if (now - this.pending.since > DEAD_AFTER_MS) {
        this.kill(
          this.started
            ? "the trial sandbox's process ended (out of memory, or it crashed)"
            : 'the trial sandbox frame did not start (a Content-Security-Policy without frame-src self?)',
        );
      }
      return;
    }
    this.pending = { seq: ++this.seq, since: now };
    this.post({ kind: 'ping', seq: this.pending.seq });
  }

  /** Removes the frame quietly: its worker was terminated, nobody is waiting for an exit. */
  private dispose(): void {
    if (this.dead !== null) return;
    this.dead = 'the trial sandbox was closed';
    clearInterval(this.timer);
    window.removeEventListener('message', this.onMessage);
    this.iframe.remove();
  }

  private kill(reason: string): void {
    if (this.dead !== null) return;
    this.dead = reason;
    clearInterval(this.timer);
    window.removeEventListener('message', this.onMessage);
    this.iframe.remove();
    for (const worker of [...this.workers.values()]) worker.exit(reason);
    this.workers.clear();
  }

  private post(message: ToFrame, transfer: Transferable[] = []): void {
    // The frame's origin is opaque: '*' is the only target origin that reaches it.
    this.iframe.contentWindow?.postMessage(message, '*', transfer);
  }
}

/**
 * The pool's view of one sandboxed worker: comlink talks over `port`; `error` and `exit` events
 * stand in for the Worker's own events and for the Web Lock an opaque origin cannot hold.
 */
class SandboxWorker extends EventTarget implements PoolWorker {
  private ended = false;

  constructor(
    private readonly port: MessagePort,
    private readonly assets: MessagePort,
    private readonly onTerminate: () => void,
  ) {
    super();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (type === 'message') {
      if (listener !== null) this.port.addEventListener(type, listener, options);
      this.port.start();
    } else super.addEventListener(type, listener, options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    if (type === 'message') {
      if (listener !== null) this.port.removeEventListener(type, listener, options);
    } else super.removeEventListener(type, listener, options);
  }

  start(): void {
    this.port.start();
  }

  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.onTerminate();
    this.port.close();
    this.assets.close();
  }

  fail(message: string, filename: string, lineno: number): void {
    if (this.ended) return;
    this.dispatchEvent(new ErrorEvent('error', { message, filename, lineno, cancelable: true }));
  }

  exit(reason: string): void {
    if (this.ended) return;
    this.dispatchEvent(new CustomEvent<string>('exit', { detail: reason }));
  }
}

let host: SandboxHost | null = null;

/** One sandbox host per page: every pool on the page shares its bundle and asset cache. */
export function sandboxHost(): SandboxHost {
  host ??= new SandboxHost();
  return host;
}
