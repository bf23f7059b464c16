/**
 * Whether a store error means the browser's storage quota is used up (IndexedDB's
 * QuotaExceededError, possibly wrapped with a `cause` by the store). Such a sweep is paused,
 * not failed: nothing is wrong with it, and freeing space lets it continue.
 */
export function isStorageFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (typeof e === 'object' && 'name' in e && (e as { name?: unknown }).name === 'QuotaExceededError') return true;
    if (e instanceof Error && /QuotaExceededError|quota (was |has been )?exceeded/i.test(e.message)) return true;
    e = typeof e === 'object' && 'cause' in e ? (e as { cause?: unknown }).cause : undefined;
  }
  return false;
}
