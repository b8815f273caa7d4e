// Where an export of several files goes, one interface for the app and the CLI: a zip written as a
// stream (the app: fflate's streaming Zip, each chunk handed to an async sink — a file opened with the
// File System Access API, or Blob parts — as soon as it is made) or a folder (the CLI's own writer).
// Files are written one after another, each from its chunks, awaiting the sink between chunks, so
// nothing waits in memory but the chunk in flight. `.nii.gz` is already compressed: stored as is.
// Pure: fflate and typed arrays; no DOM, no Node APIs. Never keeps a whole file, let alone the zip.
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';

export interface FileTreeWriter {
  /** Writes one file (path with '/' separators) from its chunks, in order. */
  writeFile(path: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void>;
  /** Completes the tree (a zip's central directory, the sink's close). */
  close(): Promise<void>;
  /** Gives up: whatever was written is discarded where the sink can (a zip's sink is aborted). */
  abort(): Promise<void>;
}

/** Where a zip's bytes go. `write` may be slow (a disk): the writer awaits it before making more. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A text file's single chunk. */
export const textChunks = (text: string): Uint8Array[] => [strToU8(text)];

/** A streamed zip of the files into `sink`; files ending .gz/.zip are stored, others deflated. */
export function zipFileTree(sink: ByteSink): FileTreeWriter {
  const zip = new Zip();
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  zip.ondata = (error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  };
  const flush = async () => {
    if (failure) throw failure;
    while (pending.length > 0) await sink.write(pending.shift()!);
  };
  return {
    async writeFile(path, chunks) {
      const entry = /\.(gz|zip)$/i.test(path) ? new ZipPassThrough(path) : new ZipDeflate(path, { level: 6 });
      zip.add(entry);
      for await (const chunk of chunks) {
        entry.push(chunk);
        await flush();
      }
      entry.push(new Uint8Array(0), true);
      await flush();
    },
    async close() {
      zip.end();
      await flush();
      await sink.close();
    },
    async abort() {
      zip.terminate();
      pending.length = 0;
      await sink.abort();
    },
  };
}
