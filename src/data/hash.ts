/**
 * A stored dataset's id: `sha256-<hex>` of its bytes, so the same file picked twice is one
 * dataset, and a sweep names exactly the data it ran on. Web Crypto: browsers, workers and Node.
 */
export async function contentId(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `sha256-${toHex(new Uint8Array(digest))}`;
}

/**
 * An image folder's id: the hash of its files' paths (inside the folder) and hashes, sorted by
 * path, so the id does not depend on the order the browser listed them or the folder's name.
 */
export async function folderContentId(
  files: readonly { readonly path: string; readonly bytes: Uint8Array<ArrayBuffer> }[],
): Promise<string> {
  const lines: string[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    lines.push(`${await contentId(file.bytes)} ${file.path}`);
  }
  return contentId(new TextEncoder().encode(lines.join('\n')));
}

export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/** Whether a string is a dataset id this module makes. */
export function isContentId(value: string): boolean {
  return /^sha256-[0-9a-f]{64}$/.test(value);
}
