import { ConfigError } from '../errors.js';
import { fnv1a32 } from '../math/fnv1a.js';
import { sameJson } from './azure-sweep-job.js';
import { JsonTextError, parseLocatedJson } from './json-text.js';
import {
  normalizeSweepFile,
  parseSweepFile,
  type ParsedSweepFile,
  type ParseSweepFileOptions,
} from './parse-sweep-file.js';
import { isPlainObject } from './file-fields.js';
import type { SweepFile } from './sweep-file.js';

/*
 * A whole sweep definition (never results) in a URL fragment, as TensorFlow Playground keeps
 * its state: `https://host/app/#sweep=z.<checksum>.<data>`. A fragment never reaches a server,
 * so a teacher's link works from any static host and logs nothing.
 *
 * Format: `<kind>.<checksum>.<data>`, where kind is `z` (data = base64url of the deflate-raw
 * compressed JSON) or `j` (base64url of the JSON itself, written where CompressionStream is
 * missing), and checksum is the 32-bit FNV-1a of the JSON text in base 36. deflate-raw has no
 * check of its own; the checksum makes a changed or cut link an error rather than a different
 * sweep, and it comes first so that a cut always hits the data, never the checksum alone.
 *
 * The JSON is the shortest spec input that normalises to the same spec (defaults left out),
 * and the decoder sends it through `parseSweepFile` like any imported spec. Decoding runs no
 * code, only JSON.parse-like reading, and stops inflating at MAX_SHARE_LINK_BYTES.
 */

/** The fragment parameter: `#sweep=...`. */
export const SHARE_LINK_PARAMETER = 'sweep';
/** The largest JSON a link may inflate to; real sweeps are a few KiB. */
export const MAX_SHARE_LINK_BYTES = 256 * 1024;
/** Longer than any URL a browser or chat app keeps intact. */
export const MAX_SHARE_LINK_LENGTH = 100_000;

const FIELD = 'link';
const DATA_FIELD = `${FIELD}.${SHARE_LINK_PARAMETER}`;

export interface EncodeShareLinkOptions {
  /** Write the uncompressed `j` form even where CompressionStream exists (tests, debugging). */
  readonly compress?: boolean;
}

/**
 * `baseUrl` with `#sweep=...` holding `spec` (any existing fragment is replaced). Compressed
 * with deflate-raw where CompressionStream exists (browsers, Node >= 18), plain otherwise.
 */
export async function encodeShareLink(
  spec: SweepFile,
  baseUrl: string,
  options: EncodeShareLinkOptions = {},
): Promise<string> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('baseUrl', 'must be an absolute URL such as "https://example.org/overdrive/"', baseUrl);
  }
  url.hash = '';
  const link = `${url.href}#${SHARE_LINK_PARAMETER}=${await encodeSharePayload(spec, options)}`;
  if (link.length > MAX_SHARE_LINK_LENGTH) {
    throw new ConfigError(
      FIELD,
      `must be at most ${MAX_SHARE_LINK_LENGTH} characters to open again; share the spec as a file instead`,
      `${link.length} characters`,
    );
  }
  return link;
}

/** Just the fragment value (`z.<checksum>.<data>`), for callers that build the URL themselves. */
export async function encodeSharePayload(spec: SweepFile, options: EncodeShareLinkOptions = {}): Promise<string> {
  const json = JSON.stringify(compactSweepFileInput(spec));
  const checksum = fnv1a32(json).toString(36);
  const bytes = new TextEncoder().encode(json);
  // A link the decoder would refuse is not written: the sweep travels as a file instead.
  if (bytes.length > MAX_SHARE_LINK_BYTES) {
    throw new ConfigError(
      SHARE_LINK_PARAMETER,
      `must be at most ${MAX_SHARE_LINK_BYTES} bytes of sweep definition to travel in a share link; share the spec as a file instead`,
      `${bytes.length} bytes`,
    );
  }
  if (options.compress !== false) {
    const compressed = await deflate(bytes);
    if (compressed !== undefined) return `z.${checksum}.${toBase64Url(compressed)}`;
  }
  return `j.${checksum}.${toBase64Url(bytes)}`;
}

/**
 * The sweep in a share link: a whole URL, its `#...` fragment, or the `sweep=` value alone.
 * It is validated exactly like an imported spec; a cut, changed or oversized link is refused
 * with a ConfigError (field `link` or `link.sweep`) saying what is wrong.
 */
export async function decodeShareLink(
  urlOrFragment: string,
  options: ParseSweepFileOptions = {},
): Promise<ParsedSweepFile> {
  const payload = payloadOf(urlOrFragment);
  const match = /^([zj])\.([0-9a-z]{1,7})\.([A-Za-z0-9_-]*)$/.exec(payload);
  if (match === null) {
    throw new ConfigError(
      DATA_FIELD,
      'must be <z or j>.<checksum>.<base64url data>, as Overdrive writes it; the link was cut or changed',
      excerpt(payload),
    );
  }
  const [, kind = '', checksum = '', data = ''] = match;
  const bytes = fromBase64Url(data);
  const raw = kind === 'z' ? await inflate(bytes) : bytes;
  if (raw.length > MAX_SHARE_LINK_BYTES) {
    throw new ConfigError(
      DATA_FIELD,
      `must hold at most ${MAX_SHARE_LINK_BYTES} bytes of sweep definition`,
      `${raw.length} bytes`,
    );
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ConfigError(DATA_FIELD, 'must hold UTF-8 text; the link was cut or changed', excerpt(data));
  }
  if (fnv1a32(json).toString(36) !== checksum) {
    throw new ConfigError(
      DATA_FIELD,
      'does not match its checksum: the link was cut or changed on the way',
      excerpt(data),
    );
  }
  let value: unknown;
  try {
    value = parseLocatedJson(json).value;
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new ConfigError(DATA_FIELD, `must hold a JSON sweep definition: ${error.message}`, error.found);
  }
  return parseSweepFile(value, { ...options, source: options.source ?? 'share link' });
}

function payloadOf(input: string): string {
  if (typeof input !== 'string') throw new ConfigError(FIELD, 'must be a URL or its #sweep=... fragment', input);
  if (input.length > MAX_SHARE_LINK_LENGTH) {
    throw new ConfigError(FIELD, `must be at most ${MAX_SHARE_LINK_LENGTH} characters`, `${input.length} characters`);
  }
  const hash = input.indexOf('#');
  const fragment = (hash === -1 ? input : input.slice(hash + 1)).trim();
  if (!fragment.includes('=')) {
    if (hash === -1 && /^[zj]\./.test(fragment)) return fragment;
    throw new ConfigError(FIELD, `has no #${SHARE_LINK_PARAMETER}=... fragment`, excerpt(input));
  }
  const value = new URLSearchParams(fragment).get(SHARE_LINK_PARAMETER);
  if (value === null)
    throw new ConfigError(FIELD, `has no ${SHARE_LINK_PARAMETER}= parameter in its fragment`, excerpt(input));
  return value;
}

/**
 * The shortest spec input that `normalizeSweepFile` turns back into `spec`: every field whose
 * removal changes nothing is removed (defaults, `type`), and shorthands are used where they exist.
 */
export function compactSweepFileInput(spec: SweepFile): Record<string, unknown> {
  const input = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  const trial = input['trial'];
  if (isPlainObject(trial) && typeof trial['builtin'] === 'string') input['trial'] = trial['builtin'];
  const sampling = input['sampling_algorithm'];
  if (isPlainObject(sampling) && Object.keys(sampling).length === 1 && typeof sampling['type'] === 'string') {
    input['sampling_algorithm'] = sampling['type'];
  }
  const same = wholeSpecSame(spec);
  if (!same(input)) return JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  prune(input, input, same, (space) => pruneParameters(input, space, spec));
  return input;
}

/**
 * Prunes each parameter of the search space against a spec holding that parameter alone: a
 * parameter's defaults do not depend on the others, and normalising the whole space once per
 * key tried took 24 s at the 1,000-parameter limit (one normalisation per key of each
 * parameter). A parameter whose lone spec does not normalise (a rule across parameters) is
 * pruned against the whole spec, as before.
 */
function pruneParameters(root: Record<string, unknown>, space: Record<string, unknown>, spec: SweepFile): void {
  const same = wholeSpecSame(spec);
  for (const name of Object.keys(space)) {
    const parameter = space[name];
    if (!isPlainObject(parameter)) continue;
    const node = parameter as Record<string, unknown>;
    const alone = { ...root, search_space: { [name]: node } };
    let reference: SweepFile;
    try {
      reference = normalizeSweepFile(alone);
    } catch {
      prune(root, node, same);
      continue;
    }
    prune(alone, node, (candidate) => {
      try {
        return sameJson(normalizeSweepFile(candidate), reference);
      } catch {
        return false;
      }
    });
  }
}

function wholeSpecSame(spec: SweepFile): (candidate: unknown) => boolean {
  return (candidate) => {
    try {
      return sameJson(normalizeSweepFile(candidate), spec);
    } catch {
      return false;
    }
  };
}

/**
 * Depth-first, removes each key of `node` whose removal keeps `root` meaning the same. The
 * object is rebuilt in its order after each try: a re-added key would otherwise move to the
 * end, and the order of a search space is part of its meaning.
 */
function prune(
  root: Record<string, unknown>,
  node: Record<string, unknown>,
  same: (candidate: unknown) => boolean,
  searchSpace?: (space: Record<string, unknown>) => void,
): void {
  const refill = (entries: readonly (readonly [string, unknown])[]): void => {
    for (const key of Object.keys(node)) delete node[key];
    for (const [key, value] of entries) node[key] = value;
  };
  for (const key of Object.keys(node)) {
    const entries = Object.entries(node);
    refill(entries.filter(([k]) => k !== key));
    if (same(root)) continue;
    refill(entries);
    const value = node[key];
    if (!isPlainObject(value)) continue;
    if (key === 'search_space' && searchSpace !== undefined) searchSpace(value as Record<string, unknown>);
    else prune(root, value as Record<string, unknown>, same);
  }
}

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
  let stream: CompressionStream;
  try {
    stream = new CompressionStream('deflate-raw');
  } catch {
    // No CompressionStream, or one without deflate-raw (older browsers): the plain form.
    return undefined;
  }
  return pipe(bytes, stream, Number.POSITIVE_INFINITY);
}

async function inflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  let stream: DecompressionStream;
  try {
    stream = new DecompressionStream('deflate-raw');
  } catch {
    throw new ConfigError(
      DATA_FIELD,
      'is compressed, and this environment has no DecompressionStream for deflate-raw; open the link in a current browser',
      'z',
    );
  }
  try {
    return await pipe(bytes, stream, MAX_SHARE_LINK_BYTES + 1);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      DATA_FIELD,
      'is not valid compressed data: the link was cut or changed',
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** Runs `bytes` through a transform, reading at most `cap` bytes out (then it stops and reports). */
async function pipe(
  bytes: Uint8Array<ArrayBuffer>,
  stream: CompressionStream | DecompressionStream,
  cap: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // A failed write surfaces again on the reading side; this only keeps it from going unhandled.
  const writing = writer
    .write(bytes)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw new ConfigError(
        DATA_FIELD,
        `must inflate to at most ${MAX_SHARE_LINK_BYTES} bytes of sweep definition`,
        `more than ${cap - 1} bytes`,
      );
    }
    chunks.push(value);
  }
  await writing;
  const result = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(n >> 18) & 63] ?? '';
    out += ALPHABET[(n >> 12) & 63] ?? '';
    if (b !== undefined) out += ALPHABET[(n >> 6) & 63] ?? '';
    if (c !== undefined) out += ALPHABET[n & 63] ?? '';
  }
  return out;
}

/** The inverse of toBase64Url; refuses a length no encoder writes (a cut in the middle of a byte). */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) {
    throw new ConfigError(
      DATA_FIELD,
      'is not complete base64url data (its length is impossible): the link was cut',
      excerpt(text),
    );
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let offset = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = ALPHABET.indexOf(text[i] ?? '');
    if (digit === -1)
      throw new ConfigError(DATA_FIELD, `holds a character that is not base64url at position ${i}`, text[i]);
    buffer = (buffer << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[offset] = (buffer >> bits) & 0xff;
      offset += 1;
    }
  }
  return out.subarray(0, offset);
}

function excerpt(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
