// A drop from the command line: the given folders (walked recursively), files and zips as SourceFiles
// whose paths keep the folder the user named (`inspect data/3Dircadb1.17` → `3Dircadb1.17/PATIENT_DICOM/…`).
// The only place that reads the disk for discovery; files are read (or streamed, for zips) on demand,
// never all at once. Node only: the browser builds its SourceFiles from File objects instead.
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIgnoredPath } from '../discovery/layout';
import { naturalCompare } from '../common/paths';
import type { SourceFile } from '../common/types';

export interface NodeDrop {
  sources: SourceFile[];
  /** Folders with no file in them (they cannot appear as SourceFiles), drop-relative. */
  emptyFolders: string[];
  /** Arguments that do not exist. */
  missing: string[];
}

const READ_CHUNK_BYTES = 1 << 20;

/** Walks every argument; paths are relative to its parent (to the patient folder for a bare series folder). */
export async function collectNodeSources(args: string[]): Promise<NodeDrop> {
  const drop: NodeDrop = { sources: [], emptyFolders: [], missing: [] };
  for (const arg of args) {
    const absolute = path.resolve(arg);
    const info = await stat(absolute).catch(() => null);
    if (!info) {
      drop.missing.push(arg);
      continue;
    }
    const root = dropRootOf(absolute);
    if (info.isDirectory()) await walkFolder(absolute, root, drop);
    else drop.sources.push(nodeFile(absolute, relativeTo(root, absolute), info.size));
  }
  return drop;
}

/** Parent of the argument; for `…/3Dircadb1.17/PATIENT_DICOM(.zip)` the grandparent, so the patient is named. */
function dropRootOf(absolute: string): string {
  const parent = path.dirname(absolute);
  const isSeriesFolder = /^(patient_dicom|masks_dicom)(\.zip)?$/i.test(path.basename(absolute));
  return isSeriesFolder ? path.dirname(parent) : parent;
}

/** Adds the folder's files; returns how many (junk excluded) so empty folders can be reported. */
async function walkFolder(folder: string, root: string, drop: NodeDrop): Promise<number> {
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => naturalCompare(a.name, b.name));
  let files = 0;
  for (const entry of entries) {
    const absolute = path.join(folder, entry.name);
    const relative = relativeTo(root, absolute);
    if (isIgnoredPath(relative)) continue;
    const info = entry.isSymbolicLink() ? await stat(absolute).catch(() => null) : entry;
    if (info?.isDirectory()) files += await walkFolder(absolute, root, drop);
    else if (info?.isFile()) {
      drop.sources.push(nodeFile(absolute, relative, (await stat(absolute)).size));
      files++;
    }
  }
  if (files === 0) drop.emptyFolders.push(relativeTo(root, folder));
  return files;
}

/** The file at `absolute` as a source named `relative` in the drop (as a browser names a picked file). */
export function nodeFile(absolute: string, relative: string, size: number): SourceFile {
  return {
    path: relative,
    size,
    async bytes() {
      const buffer = await readFile(absolute);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    async slice(start: number, end: number) {
      const handle = await open(absolute, 'r');
      try {
        const out = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        const { bytesRead } = await handle.read(out, 0, out.length, start);
        return bytesRead === out.length ? out : out.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async *stream() {
      for await (const chunk of createReadStream(absolute, { highWaterMark: READ_CHUNK_BYTES })) {
        const buffer = chunk as Buffer;
        yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      }
    },
  };
}

function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}
