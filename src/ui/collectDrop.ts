// Turns what the browser hands us (a drop's DataTransfer, a folder or file picker) into
// DroppedFile[] with paths relative to what was dropped. Folders are walked recursively.
import type { DroppedFile } from '../common/blobSource';
import { forEachSliced } from '../common/timeSlice';

export async function filesFromDataTransfer(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) {
    return Array.from(dt.files).map((f) => ({ path: f.webkitRelativePath || f.name, file: f }));
  }
  const out: DroppedFile[] = loose.map((f) => ({ path: f.name, file: f }));
  for (const e of entries) await walk(e, '', out);
  return out;
}

/**
 * A picker's FileList as DroppedFile[]. Thousands of files for a dataset folder: their script
 * wrappers are made a slice at a time, not in the task that delivers the FileList (already long:
 * Chromium builds every File in it).
 */
export async function filesFromInput(list: FileList | null): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  if (!list) return out;
  const indices = Array.from({ length: list.length }, (_, i) => i);
  await forEachSliced(
    indices,
    (i) => {
      const f = list[i];
      out.push({ path: f.webkitRelativePath || f.name, file: f });
    },
    { checkEvery: 64 },
  );
  return out;
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    // readEntries returns at most ~100 entries per call: keep reading until it returns none.
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path + '/', out);
  }
}
