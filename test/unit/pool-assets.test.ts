import { describe, expect, it } from 'vitest';
import { trialAssets, WASM_FILES } from '../../src/pool/assets.js';

// Where a trial worker's files come from (src/pool/assets.ts). The default case (files next to
// the package's modules, rewritten by the consumer's bundler) runs in test/browser/consumers.test.ts.
describe('trial assets', () => {
  it('leave the WebAssembly paths to the worker unless a base URL moves them', () => {
    expect(trialAssets().wasm).toBeNull();
    expect(trialAssets().digits).toMatch(/\/datasets\/digits\.csv$/);
  });

  it('put every file under a base URL laid out like lib/, with or without its trailing slash', () => {
    for (const baseUrl of [
      'https://cdn.example.com/overdrive@0.1.0/lib',
      'https://cdn.example.com/overdrive@0.1.0/lib/',
    ]) {
      const assets = trialAssets({ baseUrl });
      expect(assets.digits).toBe('https://cdn.example.com/overdrive@0.1.0/lib/datasets/digits.csv');
      expect(Object.keys(assets.wasm ?? {})).toEqual([...WASM_FILES]);
      expect(assets.wasm?.['tfjs-backend-wasm-simd.wasm']).toBe(
        'https://cdn.example.com/overdrive@0.1.0/lib/workers/wasm/tfjs-backend-wasm-simd.wasm',
      );
    }
    expect(trialAssets({ baseUrl: new URL('http://127.0.0.1:8080/static/') }).digits).toBe(
      'http://127.0.0.1:8080/static/datasets/digits.csv',
    );
  });

  it('refuse a base URL that is not http(s), naming the field and the value', () => {
    expect(() => trialAssets({ baseUrl: 'javascript:alert(1)' })).toThrow(
      'assets.baseUrl must be an http(s) URL (got "javascript:alert(1)")',
    );
  });
});
