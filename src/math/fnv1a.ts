/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`: tiny, the same in every engine (and easy
 * to write again in Python), and well mixed for short ids. Not for anything adversarial.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
