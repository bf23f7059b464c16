import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetVerdict } from '../../src/pool/sandbox/asset-rule.js';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_HEADER,
  SANDBOX_FRAME_SCRIPT_HASH,
} from '../../src/security/content-security-policy.js';
import { netlifyHeadersFile, nginxHeadersSnippet } from '../../src/security/static-host-headers.js';

const PAGE = 'http://127.0.0.1:4173/?workspace=w#/';

describe('the sandbox frame page', () => {
  const html = readFileSync(resolve(import.meta.dirname, '../../src/pool/sandbox/frame.html'), 'utf8');

  it('allows exactly its own inline script by hash (an edit to the script must update the policy)', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256')
      .update(scripts[0] ?? '')
      .digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}' blob: 'wasm-unsafe-eval'`);
    // The app's own policy (a header on a static host applies to the frame page too) allows it as well.
    expect(SANDBOX_FRAME_SCRIPT_HASH).toBe(`'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).toContain(SANDBOX_FRAME_SCRIPT_HASH);
  });

  it('can reach no network and no other page', () => {
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("connect-src 'none'");
    expect(html).not.toContain("'unsafe-inline'");
    expect(html).not.toContain("'unsafe-eval'");
  });
});

describe('what a sandboxed worker may ask the page to fetch', () => {
  it('allows the app’s own files, relative or absolute', () => {
    expect(assetVerdict('/assets/tfjs-backend-wasm.wasm', PAGE)).toEqual({
      kind: 'allowed',
      url: 'http://127.0.0.1:4173/assets/tfjs-backend-wasm.wasm',
    });
    expect(assetVerdict('http://127.0.0.1:4173/datasets/digits.csv', PAGE).kind).toBe('allowed');
  });

  it('allows modules picked from disk (blob: URLs of this page) only', () => {
    expect(assetVerdict('blob:http://127.0.0.1:4173/0b6f', PAGE).kind).toBe('allowed');
    expect(assetVerdict('blob:http://evil.test/0b6f', PAGE)).toEqual({
      kind: 'refused',
      message: 'the sandbox may load only blob: URLs this page made; refused blob:http://evil.test/0b6f',
    });
    expect(assetVerdict('blob:null/0b6f', PAGE).kind).toBe('refused');
  });

  it('refuses other origins, other ports and data: URLs, naming the URL', () => {
    for (const url of [
      'https://evil.test/x.js',
      'http://127.0.0.1:9999/x.js',
      'data:text/javascript,1',
      'file:///etc/passwd',
    ]) {
      const verdict = assetVerdict(url, PAGE);
      expect(verdict.kind, url).toBe('refused');
      if (verdict.kind === 'refused') expect(verdict.message).toContain('refused');
    }
    expect(assetVerdict('http://[::1', PAGE).kind).toBe('refused');
  });
});

describe('the security headers the build writes for static hosts', () => {
  it('_headers gives every path the policy header, with frame-ancestors', () => {
    const text = netlifyHeadersFile();
    expect(text).toContain('/*\n');
    expect(text).toContain(`  Content-Security-Policy: ${CONTENT_SECURITY_POLICY_HEADER}\n`);
    expect(text).toContain("frame-ancestors 'self'");
    expect(text).toContain('  X-Content-Type-Options: nosniff\n');
  });

  it('the nginx snippet adds the same headers, always', () => {
    const text = nginxHeadersSnippet();
    expect(text).toContain(`add_header Content-Security-Policy "${CONTENT_SECURITY_POLICY_HEADER}" always;`);
    expect(text).toContain('add_header X-Frame-Options "SAMEORIGIN" always;');
  });
});
