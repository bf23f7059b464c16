/**
 * The messages between the page, the sandbox frame (frame.html, plain JavaScript that mirrors
 * these shapes) and a sandboxed worker's bootstrap (workers/sandbox-env.ts). The trial protocol
 * itself (src/pool/protocol.ts, through comlink) is unchanged: it runs over the `port` a worker
 * receives at start.
 */

/** Page → frame. */
export type ToFrame =
  | { readonly kind: 'ping'; readonly seq: number }
  /** The worker bundle's text, once per frame: the frame keeps it as a Blob for each worker's bootstrap. */
  | { readonly kind: 'code'; readonly code: string }
  | {
      readonly kind: 'spawn';
      readonly id: number;
      readonly name: string;
      /** The worker's end of the comlink channel to the pool. */
      readonly port: MessagePort;
      /** The worker's end of the asset channel (see `AssetRequest`). */
      readonly assets: MessagePort;
    }
  | { readonly kind: 'terminate'; readonly id: number };

/** Frame → page. */
export type FromFrame =
  | { readonly kind: 'ready' }
  | { readonly kind: 'pong'; readonly seq: number }
  | {
      readonly kind: 'error';
      readonly id: number;
      readonly message: string;
      readonly filename: string;
      readonly lineno: number;
    }
  | { readonly kind: 'messageerror'; readonly id: number };

/**
 * Worker → page over the asset channel: a file of the app's own origin the worker needs, or word
 * that it is closing itself (an opaque origin has no Web Locks, which otherwise tell the pool).
 */
export type FromWorker =
  | { readonly kind: 'fetch'; readonly seq: number; readonly url: string }
  | { readonly kind: 'closing' };

/** Page → worker: the file, or why it was refused. */
export type AssetResponse =
  | {
      readonly seq: number;
      readonly kind: 'ok';
      readonly status: number;
      readonly contentType: string;
      readonly body: ArrayBuffer;
    }
  | { readonly seq: number; readonly kind: 'refused'; readonly message: string };

/**
 * The first message a sandboxed worker receives from the frame: the bundle, which the worker's
 * data: URL bootstrap (frame.html) runs with importScripts from a blob: URL it makes itself.
 */
export interface SandboxBoot {
  readonly kind: 'overdrive-sandbox-boot';
  readonly code: Blob;
}

/** The second message, which the bundle itself receives (workers/sandbox-env.ts). */
export interface SandboxInit {
  readonly kind: 'overdrive-sandbox-init';
  readonly port: MessagePort;
  readonly assets: MessagePort;
}

/**
 * Prepended to the worker bundle's text by the page: where the bundle was served from, since a
 * data: URL worker's own `location` and `import.meta.url` say nothing about the app's URL.
 */
export const SANDBOX_BASE_GLOBAL = '__overdriveSandboxBase';

export function isFromFrame(value: unknown): value is FromFrame {
  if (value === null || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'ready' || kind === 'pong' || kind === 'error' || kind === 'messageerror';
}
