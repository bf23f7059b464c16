import { DataError } from './data-error.js';

/**
 * The file's bytes as text: UTF-8 only, strictly. A Latin-1 or UTF-16 export decoded leniently
 * turns "Zürich" into "Z�rich" and silently splits one category into two, so a byte that is not
 * UTF-8 is an error naming its line and offset. A UTF-8 byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
    const hex = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? ' (it starts with a UTF-16 byte-order mark)' : '';
    throw new DataError(
      { file },
      `is not UTF-8 text: byte 0x${hex} at offset ${offset} (line ${line}) is not valid UTF-8${utf16}; save the file as UTF-8 (CSV UTF-8 in Excel) and pick it again`,
    );
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
