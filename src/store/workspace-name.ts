import { ConfigError } from '../errors.js';

/** Long enough for any name a person types or a tool generates; short enough to show in a tab. */
export const MAX_WORKSPACE_NAME_LENGTH = 100;

/**
 * IndexedDB databases that belong to something else on the same origin: a workspace is a
 * database of its own name, so a workspace with one of these names would open (and, on first
 * use, upgrade) a database Overdrive does not own. `tensorflowjs` is where TF.js's
 * `indexeddb://` model store keeps saved models (tfjs-core's io/indexed_db.ts, DATABASE_NAME).
 */
export const RESERVED_WORKSPACE_NAMES: Readonly<Record<string, string>> = {
  tensorflowjs: 'the database TensorFlow.js saves models in',
};

/**
 * Checks a workspace name before any database is opened with it, so a refused name creates
 * nothing. `field` says where the name came from (`?workspace=`, `--workspace`, `name`).
 * Names are compared case-insensitively with the reserved ones: a database is told apart by
 * exact name, but "TensorflowJS" is still a name nobody means as their own workspace.
 */
export function checkWorkspaceName(name: string, field: string): string {
  if (name.trim() === '') {
    throw new ConfigError(field, 'must name a workspace: it is empty or blank', name);
  }
  if (name.length > MAX_WORKSPACE_NAME_LENGTH) {
    throw new ConfigError(
      field,
      `must be at most ${MAX_WORKSPACE_NAME_LENGTH} characters long (it has ${name.length})`,
      name,
    );
  }
  // Control characters (newlines and tabs included) cannot be seen or typed back, and some
  // browsers refuse them in database names only when the database is first written.
  const control = /\p{Cc}/u.exec(name);
  if (control !== null) {
    const code = control[0].codePointAt(0) ?? 0;
    throw new ConfigError(
      field,
      `must not contain control characters such as line breaks or tabs (found U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${control.index + 1})`,
      name,
    );
  }
  if (name !== name.trim()) {
    throw new ConfigError(field, 'must not start or end with spaces', name);
  }
  const reserved = RESERVED_WORKSPACE_NAMES[name.toLowerCase()];
  if (reserved !== undefined) {
    throw new ConfigError(field, `must not be ${JSON.stringify(name.toLowerCase())}: that is ${reserved}`, name);
  }
  return name;
}
