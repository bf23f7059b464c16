import { type FolderFile, MAX_IMAGE_FILES, type PickedData } from '../engine.js';

/**
 * What a person gave the Data step: one file (CSV/TSV, JSON) or a folder of images (one
 * sub-folder per class). Folders come from `<input webkitdirectory>` (each File carries its
 * `webkitRelativePath`) or from a drop, where only `DataTransferItem.webkitGetAsEntry` can walk
 * into a dropped directory; both end as the same list of files with paths below the folder.
 */
export type { FolderFile, PickedData };

/** The name a person sees for what they picked. */
export function pickedName(picked: PickedData): string {
  return picked.kind === 'file' ? picked.file.name : picked.name;
}

/** From `<input type=file>` (a file) or `<input webkitdirectory>` (every file of a folder). */
export function pickedFromInput(files: FileList | readonly File[], directory: boolean): PickedData | null {
  const list = [...files];
  if (list.length === 0) return null;
  if (!directory) return { kind: 'file', file: list[0] as File };
  // webkitRelativePath is "folder/class/file.png": the first segment is the folder picked.
  const first = (list[0] as File).webkitRelativePath.split('/')[0] ?? 'folder';
  return {
    kind: 'folder',
    name: first,
    files: list.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/'), file })),
  };
}

/**
 * From a drop: a single file, or a folder walked through its FileSystemEntry. The entries must
 * be taken synchronously in the drop event (the DataTransfer is emptied after it), so this is
 * called there and awaited later.
 */
export function pickedFromDrop(transfer: DataTransfer): Promise<PickedData | null> {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  const entries = items.map((item) => item.webkitGetAsEntry());
  const files = [...transfer.files];
  return (async () => {
    if (entries.length > 1) throw new Error(`Drop one file or one folder (${entries.length} items were dropped).`);
    const entry = entries[0];
    if (entry?.isDirectory === true) {
      const collected: FolderFile[] = [];
      await walk(entry as FileSystemDirectoryEntry, '', collected);
      return { kind: 'folder', name: entry.name, files: collected };
    }
    const file = files[0];
    return file === undefined ? null : { kind: 'file', file };
  })();
}

async function walk(directory: FileSystemDirectoryEntry, prefix: string, out: FolderFile[]): Promise<void> {
  const reader = directory.createReader();
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, path, out);
      else {
        const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
        out.push({ path, file });
      }
      // Stop walking a huge folder (a home folder dropped by mistake) before listing all of it.
      if (out.length > MAX_IMAGE_FILES)
        throw new Error(
          `${directory.name}: holds more than ${MAX_IMAGE_FILES} files, the limit for an image folder; pick the folder of class sub-folders only.`,
        );
    }
  }
}
