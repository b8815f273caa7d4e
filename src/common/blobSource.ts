// Wraps a Blob/File (browser drop, file picker, or a generated demo file) as a SourceFile.
// Pure: Blob and File exist in browsers, workers and Node 20, so this runs everywhere.
import type { SourceFile } from './types';

/** A dropped file and the path it had relative to what the user dropped (`/`-separated). */
export interface DroppedFile {
  path: string;
  file: Blob;
}

export function blobSource({ path, file }: DroppedFile): SourceFile {
  return {
    path: path.replace(/\\/g, '/').replace(/^\/+/, ''),
    size: file.size,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
    stream: () => streamChunks(file),
    slice: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  };
}

async function* streamChunks(file: Blob): AsyncIterable<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
