import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  compactSweepFileInput,
  decodeShareLink,
  encodeShareLink,
  encodeSharePayload,
  MAX_SHARE_LINK_BYTES,
  normalizeSweepFile,
  parseSweepFile,
  parseSweepFileText,
  SweepFileError,
  type SweepFile,
} from '../../src/sweep-file/index.js';
import { fromBase64Url, toBase64Url } from '../../src/sweep-file/share-link.js';
import { generateSpecs } from './sweep-file-generator.js';

const examplesDir = join(import.meta.dirname, '../../examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f): [string, SweepFile] => [f, parseSweepFileText(readFileSync(join(examplesDir, f), 'utf8')).spec]);
const generated = generateSpecs(40, 99).map((input, i): [string, SweepFile] => [
  `generated #${i}`,
  normalizeSweepFile(input),
]);
const BASE = 'https://teacher.example.org/overdrive/?lang=en#old';

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the link was accepted');
}

/** deflate-raw through the platform, to build hostile links by hand. */
async function deflateRaw(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('share links', () => {
  it.each([...examples, ...generated])(
    '%s: round-trips compressed and plain, from the URL or the fragment',
    async (_name, spec) => {
      const link = await encodeShareLink(spec, BASE);
      expect(link.startsWith('https://teacher.example.org/overdrive/?lang=en#sweep=z.')).toBe(true);
      expect((await decodeShareLink(link)).spec).toEqual(spec);
      expect((await decodeShareLink(link.slice(link.indexOf('#')))).spec).toEqual(spec);
      const plain = await encodeShareLink(spec, BASE, { compress: false });
      expect(plain).toContain('#sweep=j.');
      expect((await decodeShareLink(plain)).spec).toEqual(spec);
    },
  );

  it('is compact: defaults are left out, and the examples fit in a link a chat app keeps whole', async () => {
    const [, mlp] = examples.find(([f]) => f === 'digits-mlp.json') ?? [];
    if (mlp === undefined) throw new Error('digits-mlp.json is missing');
    const compact = compactSweepFileInput(mlp);
    expect(compact['type']).toBeUndefined();
    expect(compact['trial']).toBe('digits-mlp');
    expect(compact['limits']).toEqual({ max_total_trials: 12, max_concurrent_trials: 2, timeout: 900 });
    expect(compact['sampling_algorithm']).toEqual({ type: 'random', seed: 42 });
    expect(Object.keys(compact['search_space'] as object)).toEqual(Object.keys(mlp.search_space));
    expect(normalizeSweepFile(compact)).toEqual(mlp);
    const lengths: Record<string, number> = {};
    for (const [file, spec] of examples) {
      const link = await encodeShareLink(spec, 'https://example.org/overdrive/');
      lengths[file] = link.length;
      // 2,000 characters is the classic safe URL length; the examples (descriptions included) stay well under.
      expect(link.length, file).toBeLessThan(1200);
      expect(link.length, file).toBeLessThan(
        (await encodeShareLink(spec, 'https://example.org/overdrive/', { compress: false })).length,
      );
    }
    console.info(`share link lengths (https://example.org/overdrive/): ${JSON.stringify(lengths)}`);
  });

  it('sends the decoded sweep through the same validation as any imported spec', async () => {
    const bad = {
      ...compactSweepFileInput(
        parseSweepFile({
          search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 } },
          sampling_algorithm: 'random',
          objective: { primary_metric: 'loss', goal: 'minimize' },
          trial: 'spiral',
        }).spec,
      ),
    };
    (bad['search_space'] as Record<string, unknown>)['lr'] = { type: 'uniform', min_value: 2, max_value: 1 };
    const json = JSON.stringify(bad);
    const { fnv1a32 } = await import('../../src/math/index.js');
    const payload = `j.${fnv1a32(json).toString(36)}.${toBase64Url(new TextEncoder().encode(json))}`;
    const error = await rejection(decodeShareLink(`#sweep=${payload}`));
    expect(error).toBeInstanceOf(SweepFileError);
    expect(error.message).toBe('share link: search_space.lr.min_value: must be less than max_value (1) (got 2)');
    expect((await rejection(decodeShareLink(`#sweep=${payload}`, { source: 'the link you opened' }))).message).toMatch(
      /^the link you opened: /,
    );
  });
});

describe('share links that were cut or changed', () => {
  const spec = examples[0]?.[1] as SweepFile;

  it('a truncated link fails on its checksum or its data, never as another sweep', async () => {
    const link = await encodeShareLink(spec, BASE);
    for (const keep of [0.95, 0.8, 0.5, 0.2]) {
      const cut = link.slice(0, Math.floor(link.length * keep));
      const error = await rejection(decodeShareLink(cut));
      expect(error.field).toBe('link.sweep');
      expect(error.rule).toMatch(/the link was cut/);
    }
    const cutChecksum = link.slice(0, link.indexOf('#sweep=') + '#sweep=z.'.length + 2);
    expect((await rejection(decodeShareLink(cutChecksum))).rule).toBe(
      'must be <z or j>.<checksum>.<base64url data>, as Overdrive writes it; the link was cut or changed',
    );
  });

  it('a changed character is caught by the checksum even when the data still inflates', async () => {
    const plain = await encodeShareLink(spec, BASE, { compress: false });
    const at = plain.length - 40;
    const flipped = `${plain.slice(0, at)}${plain[at] === 'A' ? 'B' : 'A'}${plain.slice(at + 1)}`;
    const error = await rejection(decodeShareLink(flipped));
    expect(error.rule).toMatch(/does not match its checksum|must hold UTF-8 text|must hold a JSON sweep definition/);
    const compressed = await encodeShareLink(spec, BASE);
    let caught = 0;
    for (let offset = 10; offset < 200; offset += 7) {
      const i = compressed.length - offset;
      const changed = `${compressed.slice(0, i)}${compressed[i] === 'Q' ? 'R' : 'Q'}${compressed.slice(i + 1)}`;
      await rejection(decodeShareLink(changed));
      caught += 1;
    }
    expect(caught).toBeGreaterThan(20);
  });

  it('refuses a link without the fragment, a foreign format, bad base64url and wrong lengths', async () => {
    expect((await rejection(decodeShareLink('https://example.org/overdrive/'))).message).toBe(
      'link: has no #sweep=... fragment (got "https://example.org/overdrive/")',
    );
    expect((await rejection(decodeShareLink('https://example.org/#view=3'))).rule).toBe(
      'has no sweep= parameter in its fragment',
    );
    expect((await rejection(decodeShareLink('#sweep=x.abc.AAAA'))).field).toBe('link.sweep');
    expect((await rejection(decodeShareLink('#sweep=j.1a.AAA*'))).rule).toBe(
      'must be <z or j>.<checksum>.<base64url data>, as Overdrive writes it; the link was cut or changed',
    );
    expect((await rejection(decodeShareLink('#sweep=j.1a.AAAAA'))).rule).toBe(
      'is not complete base64url data (its length is impossible): the link was cut',
    );
    expect((await rejection(decodeShareLink('x'.repeat(100_001)))).rule).toBe('must be at most 100000 characters');
  });

  it('a compressed bomb stops inflating at the cap', async () => {
    const huge = `{"description": "${'a'.repeat(MAX_SHARE_LINK_BYTES * 4)}"}`;
    const payload = `z.0.${toBase64Url(await deflateRaw(huge))}`;
    // A few KiB of link standing for a megabyte of text.
    expect(payload.length).toBeLessThan(5000);
    const error = await rejection(decodeShareLink(`#sweep=${payload}`));
    expect(error.message).toBe(
      `link.sweep: must inflate to at most ${MAX_SHARE_LINK_BYTES} bytes of sweep definition (got "more than ${MAX_SHARE_LINK_BYTES} bytes")`,
    );
  });

  it('never runs what it decodes: code in the link is data that fails validation', async () => {
    const json = JSON.stringify({
      search_space: { lr: 1 },
      sampling_algorithm: 'random',
      objective: { primary_metric: 'm', goal: 'max' },
      trial: { module: 'javascript:alert(1)' },
    });
    const { fnv1a32 } = await import('../../src/math/index.js');
    const error = await rejection(
      decodeShareLink(`#sweep=j.${fnv1a32(json).toString(36)}.${toBase64Url(new TextEncoder().encode(json))}`),
    );
    expect(error.field).toBe('objective.goal');
    const module = json.replace('"max"', '"maximize"');
    const moduleError = await rejection(
      decodeShareLink(`#sweep=j.${fnv1a32(module).toString(36)}.${toBase64Url(new TextEncoder().encode(module))}`),
    );
    expect(moduleError.message).toBe(
      'share link: trial.module: must use one of the schemes http, https, file, blob, data, overdrive-module (or be a path) (got "javascript:alert(1)")',
    );
  });

  it('base64url round-trips every length and byte', () => {
    for (let n = 0; n < 40; n += 1) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) % 256);
      expect(Array.from(fromBase64Url(toBase64Url(bytes)))).toEqual(Array.from(bytes));
    }
    expect(toBase64Url(Uint8Array.from([251, 255]))).toBe('-_8');
  });

  it('the payload alone can be embedded by other code', async () => {
    const payload = await encodeSharePayload(spec);
    expect(payload).toMatch(/^z\.[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    expect((await decodeShareLink(payload)).spec).toEqual(spec);
    expect((await decodeShareLink(`sweep=${payload}`)).spec).toEqual(spec);
  });
});
