// The engine core (tsconfig.core.json) is type-checked without the DOM, WebWorker and Node
// libraries, so that a `document`, `window`, `indexedDB` or `process` in it fails the check.
// It still runs on a few globals that every host it targets has (browsers, workers, Node >= 20):
// they are declared here, and only the members the core uses, so growing this file is a
// deliberate act. Anything host-specific belongs in the browser runtime, the workers or the CLI.

declare function setTimeout(handler: () => void, timeout?: number): CoreTimerHandle;
declare function clearTimeout(handle: CoreTimerHandle | undefined): void;
/** Opaque: a number in browsers, an object in Node. */
interface CoreTimerHandle {
  readonly __coreTimerHandle: never;
}

declare function structuredClone<T>(value: T): T;

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
  throwIfAborted(): void;
}
declare var AbortSignal: {
  prototype: AbortSignal;
  abort(reason?: unknown): AbortSignal;
};

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare var AbortController: {
  prototype: AbortController;
  new (): AbortController;
};

interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface URLSearchParams {
  get(name: string): string | null;
}
declare var URLSearchParams: {
  prototype: URLSearchParams;
  new (init?: string): URLSearchParams;
};

interface URL {
  hash: string;
  readonly href: string;
}
declare var URL: {
  prototype: URL;
  new (url: string, base?: string): URL;
};

interface CoreStreamReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array<ArrayBuffer> }>;
  cancel(reason?: unknown): Promise<void>;
}
interface CoreStreamWriter {
  write(chunk: Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
}
interface CoreByteTransform {
  readonly readable: { getReader(): CoreStreamReader };
  readonly writable: { getWriter(): CoreStreamWriter };
}
type CoreCompressionFormat = 'deflate' | 'deflate-raw' | 'gzip';
interface CompressionStream extends CoreByteTransform {}
declare var CompressionStream: {
  prototype: CompressionStream;
  new (format: CoreCompressionFormat): CompressionStream;
};
interface DecompressionStream extends CoreByteTransform {}
declare var DecompressionStream: {
  prototype: DecompressionStream;
  new (format: CoreCompressionFormat): DecompressionStream;
};

interface Crypto {
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
  /** A stored dataset's content id (src/data/hash.ts). */
  readonly subtle: { digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> };
}
declare var crypto: Crypto;
