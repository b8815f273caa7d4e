// Where the app's MSD zip goes, as ByteSinks (export/fileTree.ts), in the export worker: a file the
// user picked with the File System Access API (written through its FileSystemWritableFileStream,
// which Chromium fills in a swap file and puts in place only on close — an aborted export leaves the
// chosen file as it was), or, where that API is missing, Blob parts: chunks are gathered into Blobs
// of at most BLOB_PART_BYTES, which the browser may keep on disk, and the download is one Blob of
// those parts — never one array of the whole zip.
import type { ByteSink } from '../export/fileTree';

const BLOB_PART_BYTES = 8 << 20;

/** Writes into the picked file; its writable is closed (committed) or aborted (discarded). */
export async function fileHandleSink(handle: FileSystemFileHandle): Promise<ByteSink> {
  const writable = await handle.createWritable();
  return {
    write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    abort: () => writable.abort(),
  };
}

/** Gathers the zip as Blob parts; `blob()` is the whole download once closed. */
export function blobSink(type = 'application/zip'): ByteSink & { blob(): Blob } {
  const parts: Blob[] = [];
  let chunks: Uint8Array<ArrayBuffer>[] = [];
  let pending = 0;
  const seal = () => {
    if (chunks.length > 0) parts.push(new Blob(chunks));
    chunks = [];
    pending = 0;
  };
  return {
    async write(chunk) {
      chunks.push(chunk as Uint8Array<ArrayBuffer>);
      pending += chunk.length;
      if (pending >= BLOB_PART_BYTES) seal();
    },
    async close() {
      seal();
    },
    async abort() {
      parts.length = 0;
      chunks = [];
    },
    blob: () => new Blob(parts, { type }),
  };
}
