import { h, replaceChildren } from '../dom.js';

interface Capability {
  readonly backend: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  readonly available: boolean;
  readonly detail: string;
}

/**
 * What this browser offers the workers before a sweep starts: WebGPU (and its adapter),
 * WebGL, WebAssembly, plain JavaScript, and the core count that bounds the pool. The backend
 * actually used is decided per sweep (by measuring, for 'auto') and shown on the sweep page.
 */
export class BackendReport {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly requested: HTMLElement;
  private capabilities: Capability[] = [];

  constructor() {
    this.list = h('ul', { className: 'capabilities' }, h('li', { text: 'Checking what this browser offers…' }));
    this.requested = h('p', { className: 'muted' });
    this.element = h(
      'div',
      { className: 'backend-report', attrs: { 'data-testid': 'backend-report', 'aria-live': 'polite' } },
      this.list,
      this.requested,
    );
  }

  setRequested(backend: string): void {
    const available = this.capabilities.find((c) => c.backend === backend);
    this.requested.textContent =
      backend === 'auto'
        ? 'auto: when the sweep starts, a throwaway worker times a few training steps of your model on each available backend and the pool uses the fastest that can train it (WebAssembly cannot train conv layers).'
        : available !== undefined && !available.available
          ? `${backend} is not available here: workers fall back along WebGPU → WebGL → WebAssembly → CPU and say so.`
          : `${backend}: workers start on it and fall back along WebGPU → WebGL → WebAssembly → CPU if it fails.`;
  }

  async detect(): Promise<void> {
    this.capabilities = [
      await webgpu(),
      webgl(),
      wasm(),
      { backend: 'cpu', available: true, detail: 'always available (slowest)' },
    ];
    const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
    replaceChildren(
      this.list,
      ...this.capabilities.map((c) =>
        h(
          'li',
          { attrs: { 'data-backend': c.backend, 'data-available': String(c.available) } },
          h('strong', { text: `${c.backend}: ` }),
          c.available ? 'available' : 'unavailable',
          ` — ${c.detail}`,
        ),
      ),
      h('li', {
        text: `${cores} CPU cores: CPU backends run at most ${cores} workers at once; GPU backends at most 4.`,
      }),
    );
  }
}

async function webgpu(): Promise<Capability> {
  const gpu = (
    navigator as unknown as {
      gpu?: {
        requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
      };
    }
  ).gpu;
  if (gpu === undefined)
    return { backend: 'webgpu', available: false, detail: 'this browser has no WebGPU (navigator.gpu)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return { backend: 'webgpu', available: false, detail: 'no GPU adapter was granted' };
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.description]
      .filter((x) => x !== undefined && x !== '')
      .join(' ');
    const software = info?.architecture === 'swiftshader';
    return {
      backend: 'webgpu',
      available: true,
      detail: `${name || 'adapter'}${software ? ' (software rendering: slow, a CPU stands in for the GPU)' : ''}`,
    };
  } catch (error) {
    return {
      backend: 'webgpu',
      available: false,
      detail: `requesting an adapter failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function webgl(): Capability {
  try {
    const canvas =
      typeof OffscreenCanvas === 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (gl === null) return { backend: 'webgl', available: false, detail: 'WebGL 2 is not available' };
    return {
      backend: 'webgl',
      available: true,
      detail: `WebGL 2 (${String((gl as WebGL2RenderingContext).getParameter((gl as WebGL2RenderingContext).VERSION))})`,
    };
  } catch {
    return { backend: 'webgl', available: false, detail: 'WebGL 2 is not available' };
  }
}

function wasm(): Capability {
  const available = typeof WebAssembly === 'object';
  return {
    backend: 'wasm',
    available,
    detail: available ? 'WebAssembly (SIMD where supported); cannot train conv layers' : 'no WebAssembly',
  };
}
