import { DataError } from './data-error.js';
import { MAX_CLASSES, MAX_IMAGE_FILES } from './limits.js';

export type ImageType = 'png' | 'jpeg';

/** One file of a picked folder: its path inside the folder (`webkitRelativePath`) and its first bytes. */
export interface ImageFolderEntry {
  readonly path: string;
  /** At least the first 8 bytes (fewer only when the file is shorter). */
  readonly head: Uint8Array;
}

export interface ImageManifest {
  /** The picked folder's name, when the paths start with it. */
  readonly root: string;
  /** Sub-folder names, sorted: class i is `classes[i]`. */
  readonly classes: readonly string[];
  /** The images, by path; `label` indexes `classes`. */
  readonly files: readonly { readonly path: string; readonly label: number; readonly type: ImageType }[];
  /** Files left out on purpose (hidden files, OS metadata), to say so. */
  readonly skipped: readonly string[];
}

/** Bytes every PNG starts with. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The type by signature bytes, never by extension: a `.png` that is a JPEG is a JPEG, a `.jpg` that is HTML is refused. */
export function imageType(head: Uint8Array): ImageType | null {
  if (PNG_SIGNATURE.every((b, i) => head[i] === b)) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return null;
}

/** Files every OS drops into folders; never images, never the person's mistake. */
function isSystemFile(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini' || name === '__MACOSX';
}

/**
 * Checks a picked folder: one sub-folder per class holding PNG or JPEG images (by their first
 * bytes), at least 2 classes and at most `MAX_CLASSES`. A file beside the class folders, a
 * folder nested inside a class, or a file that is not an image is an error naming it.
 * `folder` names the folder in messages. Paths may start with the picked folder's name (as
 * `webkitRelativePath` does) or not.
 */
export function validateImageFolder(entries: readonly ImageFolderEntry[], folder: string): ImageManifest {
  if (entries.length === 0) throw new DataError({ file: folder }, 'the folder is empty');
  if (entries.length > MAX_IMAGE_FILES) {
    throw new DataError({ file: folder }, `holds ${entries.length} files; the limit is ${MAX_IMAGE_FILES}`);
  }
  const split = entries.map((e) => ({ entry: e, parts: e.path.split('/').filter((p) => p !== '') }));
  // webkitRelativePath starts with the picked folder: strip it when every path shares it.
  const first = split[0]?.parts[0] ?? '';
  const rooted =
    split.every((s) => s.parts.length >= 2 && s.parts[0] === first) && split.some((s) => s.parts.length >= 3);
  const root = rooted ? first : '';
  const labels = new Map<string, ImageType>();
  const found: { path: string; className: string; type: ImageType }[] = [];
  const skipped: string[] = [];
  for (const { entry, parts } of split) {
    const inside = rooted ? parts.slice(1) : parts;
    const name = inside[inside.length - 1] ?? '';
    if (inside.some(isSystemFile)) {
      skipped.push(entry.path);
      continue;
    }
    if (inside.length === 1) {
      throw new DataError(
        { file: entry.path },
        `is beside the class folders; put each image in the sub-folder named after its class (${folder}/<class>/${name})`,
      );
    }
    if (inside.length > 2) {
      throw new DataError(
        { file: entry.path },
        `is in a nested folder; each class is one sub-folder of ${JSON.stringify(folder)} holding its images directly`,
      );
    }
    const type = imageType(entry.head);
    if (type === null) {
      throw new DataError(
        { file: entry.path },
        `is not a PNG or JPEG image (its first bytes are ${hex(entry.head)}); an image folder holds only PNG and JPEG files`,
      );
    }
    const className = inside[0] as string;
    labels.set(className, type);
    found.push({ path: entry.path, className, type });
  }
  const classes = [...labels.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2) {
    throw new DataError(
      { file: folder },
      classes.length === 0
        ? 'holds no images; it needs one sub-folder per class with PNG or JPEG images'
        : `has one class (${JSON.stringify(classes[0])}); classification needs at least 2 sub-folders of images`,
    );
  }
  if (classes.length > MAX_CLASSES) {
    throw new DataError({ file: folder }, `has ${classes.length} classes (sub-folders); the limit is ${MAX_CLASSES}`);
  }
  const position = new Map(classes.map((c, i) => [c, i]));
  const files = found
    .map((f) => ({ path: f.path, label: position.get(f.className) as number, type: f.type }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, classes, files, skipped };
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'none: the file is empty';
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
