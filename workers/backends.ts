import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_CHAIN, type BackendName } from '../src/backend/names.js';
import type { AdapterSummary } from '../src/backend/report.js';
import type { MemorySnapshot } from '../src/pool/protocol.js';

// The binaries are bundled with the app (and with the npm package's worker, as files next to
// it): nothing is fetched from TF.js's CDN at run time unless the page moves them (useWasmPaths).
let wasmPaths: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};
setWasmPaths(wasmPaths);

/** Where the page serves the binaries (assets.baseUrl); takes effect before the backend starts. */
export function useWasmPaths(paths: Readonly<Record<string, string>>): void {
  wasmPaths = paths;
  setWasmPaths({ ...paths });
}

/**
 * Why the wasm backend would not start, when a binary is the reason: TF.js only says that
 * compiling failed, not that the URL answered 404 or with a site's HTML fallback page.
 */
async function wasmFileProblem(): Promise<string | null> {
  for (const [file, url] of Object.entries(wasmPaths)) {
    try {
      const response = await fetch(url);
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok) return `${file} could not be fetched from ${url}: HTTP ${response.status}`;
      const head = new Uint8Array((await response.arrayBuffer()).slice(0, 4));
      // Every WebAssembly module starts with "\0asm".
      if (!(head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d)) {
        return `${file} at ${url} is not WebAssembly (content-type ${type || 'none'}): serve the package's lib/workers/wasm/ there, or set assets.baseUrl`;
      }
    } catch (error) {
      return `${file} could not be fetched from ${url}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}

/** The parts of WebGPU's types we touch; TypeScript's DOM library does not declare them. */
interface GpuDeviceLostInfo {
  readonly reason?: unknown;
  readonly message?: unknown;
}
interface GpuDeviceLike {
  readonly lost: Promise<GpuDeviceLostInfo>;
}
interface GpuAdapterLike {
  readonly info?: { readonly vendor?: unknown; readonly architecture?: unknown; readonly description?: unknown };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

function gpu(): GpuLike | null {
  const candidate: unknown = (navigator as unknown as { gpu?: unknown }).gpu;
  if (typeof candidate !== 'object' || candidate === null) return null;
  return typeof (candidate as { requestAdapter?: unknown }).requestAdapter === 'function'
    ? (candidate as GpuLike)
    : null;
}

export function hasWebGpu(): boolean {
  return gpu() !== null;
}

export function hasOffscreenCanvas(): boolean {
  return typeof OffscreenCanvas !== 'undefined';
}

let current: BackendName | null = null;
let lostListener: ((reason: string) => void) | null = null;
const watchedDevices = new WeakSet<object>();

export function currentBackend(): BackendName | null {
  return current;
}

/** Called once per lost WebGPU device with a readable reason. */
export function onDeviceLost(listener: (reason: string) => void): void {
  lostListener = listener;
}

function webgpuDevice(): GpuDeviceLike | null {
  const backend: unknown = tf.engine().findBackend('webgpu');
  if (typeof backend !== 'object' || backend === null) return null;
  const device: unknown = (backend as { device?: unknown }).device;
  if (typeof device !== 'object' || device === null) return null;
  return (device as { lost?: unknown }).lost instanceof Promise ? (device as GpuDeviceLike) : null;
}

/** Nothing in TF.js reacts to a lost device: without this, a trial would hang or fail obscurely. */
function watchDevice(): void {
  const device = webgpuDevice();
  if (device === null || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  void device.lost.then((info) => {
    const reason = typeof info.reason === 'string' ? info.reason : 'unknown';
    const message = typeof info.message === 'string' && info.message !== '' ? `: ${info.message}` : '';
    lostListener?.(`WebGPU device lost (reason ${reason})${message}`);
  });
}

/**
 * Switches TF.js to `name`. Returns null on success, else why it is unavailable: TF.js's own
 * `setBackend` returns false rather than throwing when, say, no WebGPU adapter exists.
 */
export async function trySetBackend(name: BackendName): Promise<string | null> {
  if (current === name) return null;
  if (name === 'webgpu' && !hasWebGpu()) return 'navigator.gpu is not available in this worker';
  if (name === 'webgl' && !hasOffscreenCanvas()) return 'OffscreenCanvas is not available in this worker';
  try {
    if (!(await tf.setBackend(name))) {
      return (
        (name === 'wasm' ? await wasmFileProblem() : null) ?? `tf.setBackend('${name}') failed (no adapter or context)`
      );
    }
    await tf.ready();
  } catch (error) {
    const problem = name === 'wasm' ? await wasmFileProblem() : null;
    return problem ?? (error instanceof Error ? error.message : String(error));
  }
  if (tf.getBackend() !== name) return `TF.js settled on ${tf.getBackend()} instead`;
  current = name;
  if (name === 'webgpu') watchDevice();
  return null;
}

export interface BackendChoice {
  readonly backend: BackendName;
  /** Why earlier backends in the chain were skipped. */
  readonly notes: readonly string[];
}

/** The first backend that works, going down the chain from `preferred`. */
export async function useBackend(preferred: BackendName): Promise<BackendChoice> {
  const chain = BACKEND_CHAIN.slice(BACKEND_CHAIN.indexOf(preferred));
  const notes: string[] = [];
  for (const name of chain) {
    const problem = await trySetBackend(name);
    if (problem === null) return { backend: name, notes };
    notes.push(`${name} unavailable: ${problem}`);
  }
  throw new Error(`no TF.js backend could be initialised: ${notes.join('; ')}`);
}

let adapterInfo: Promise<AdapterSummary | null> | null = null;

/** What WebGPU adapter this worker gets (e.g. architecture "swiftshader" without a GPU). */
export function webgpuAdapter(): Promise<AdapterSummary | null> {
  adapterInfo ??= (async () => {
    const g = gpu();
    if (g === null) return null;
    try {
      const adapter = await g.requestAdapter();
      const info = adapter?.info;
      if (info === undefined) return null;
      const str = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 200) : '');
      return { vendor: str(info.vendor), architecture: str(info.architecture), description: str(info.description) };
    } catch {
      return null;
    }
  })();
  return adapterInfo;
}

interface GpuMemoryInfo extends tf.MemoryInfo {
  readonly numBytesAllocatedInGPU?: number;
  readonly numBytesInGPUAllocated?: number;
  readonly numBytesInGPU?: number;
}

export function memorySnapshot(): MemorySnapshot | null {
  if (current === null) return null;
  const m = tf.memory() as GpuMemoryInfo;
  // Pooled buffers count: the WebGPU and WebGL pools only grow, which is what recycling bounds.
  const gpuBytes =
    current === 'webgpu'
      ? (m.numBytesAllocatedInGPU ?? m.numBytesInGPU ?? null)
      : current === 'webgl'
        ? (m.numBytesInGPUAllocated ?? m.numBytesInGPU ?? null)
        : null;
  const whole = (n: number | null): number | null =>
    n === null || !Number.isFinite(n) ? null : Math.max(0, Math.round(n));
  return { backend: current, numTensors: m.numTensors, numBytes: whole(m.numBytes) ?? 0, gpuBytes: whole(gpuBytes) };
}
