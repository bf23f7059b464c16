import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../src/errors.js';

/** The URL path under which the CLI serves the folder of the spec (or of a --trial module). */
export const TRIAL_FOLDER_URL = '/user-trials/';
/** The URL path under which the CLI serves the spec's folder for its `data.path` (only that folder). */
export const DATA_FOLDER_URL = '/user-data/';

/** A training module the CLI may serve: its folder on disk and the URL the browser imports. */
export interface ServedModule {
  readonly folder: string;
  readonly url: string;
}

/**
 * Resolves the module a spec names (`trial.module`) inside the spec's own folder. A spec is often
 * someone else's file: it may name only a file in its folder or below it, so `../../etc/passwd`,
 * an absolute path, or a symbolic link that leads out of the folder are refused before anything
 * is served. `field` names where the path came from in the error.
 */
export async function moduleInFolder(
  folder: string,
  path: string,
  field: string,
  mountedAt = TRIAL_FOLDER_URL,
  what = 'a file, not a folder',
): Promise<ServedModule> {
  const rule = (what: string): ConfigError =>
    new ConfigError(field, `must name a file inside the spec's folder ${folder} (${what})`, path);
  if (isAbsolute(path) || /^[a-z]:[\\/]/i.test(path)) throw rule('an absolute path is not allowed');
  const realFolder = await realpath(folder);
  const lexical = resolve(realFolder, path);
  if (!inside(realFolder, lexical)) throw rule('the path leads out of the folder');
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new ConfigError(field, `must name an existing file in ${folder}`, path);
  }
  if (!inside(realFolder, real)) throw rule('a symbolic link leads out of the folder');
  if (!(await stat(real)).isFile()) throw new ConfigError(field, `must name ${what}`, path);
  const url = relative(realFolder, lexical).split(sep).map(encodeURIComponent).join('/');
  return { folder: realFolder, url: `${mountedAt}${url}` };
}

/** Whether `path` is `folder` itself or lies below it (both already resolved). */
export function inside(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
