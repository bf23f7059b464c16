/**
 * The flags every headless Chromium of this project starts with (the CLI, the browser tests, the
 * benchmark). The machines here have no network but the package registries: without the
 * background-networking flags Chromium keeps trying to reach Google's hosts. WebGPU is enabled
 * so that a GPU adapter (or SwiftShader without one) is offered to pages and workers.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];
