// Walking a drop: every wanted file of what the user dropped (files, folders, zips of zips) with its bytes,
// one at a time, zips expanded entry by entry (only wanted entries inflated), progress counted in bytes.
// Used by both scanning (headers) and loading (pixels of one patient): neither holds the whole drop.
import { isZipPath, normalisePath } from '../common/paths';
import { error } from '../common/problems';
import type { Problem, SourceFile } from '../common/types';
import { expandZip } from '../archive/zip';
import { HEAD_BYTES } from '../archive/zipCaps';

/** One item of a drop: a file to read lazily, or bytes already in memory (e.g. from a worker). */
export type DropItem = SourceFile | { path: string; bytes: Uint8Array };
export type DropSources = AsyncIterable<DropItem> | Iterable<DropItem>;

export interface ZipCaps {
  maxEntryBytes?: number;
  maxTotalBytes?: number;
}

/** `size`: the file's whole size when `bytes` is only its start (see WalkOptions.headOnly). */
export type DropEvent = { path: string; bytes: Uint8Array; size?: number } | { problem: Problem; path?: string } | { folder: string };

export interface WalkOptions {
  wantsFile(path: string): boolean;
  wantsZip(path: string): boolean;
  /** True for a wanted file of which only the header is needed: only its first HEAD_BYTES are read. */
  headOnly?(path: string): boolean;
  zipCaps?: ZipCaps;
  /** See ExpandZipOptions.reuseOutput: one buffer for every inflated entry, for a consumer done with each before the next. */
  reuseOutput?: boolean;
  onProgress?(done: number, total?: number): void;
}

/** Every wanted file of the drop with its bytes, zips expanded (only wanted entries inflated). */
export async function* walkDrop(sources: DropSources, walk: WalkOptions): AsyncGenerator<DropEvent> {
  const total = Array.isArray(sources) ? (sources as DropItem[]).reduce((sum, item) => sum + sizeOf(item), 0) : undefined;
  let done = 0;
  const advance = (bytes: number): void => {
    done += bytes;
    walk.onProgress?.(done, total);
  };
  for await (const item of sources) {
    const path = normalisePath(item.path);
    const inMemory = 'bytes' in item && item.bytes instanceof Uint8Array;
    if (isZipPath(path)) {
      if (!walk.wantsZip(path)) {
        advance(sizeOf(item));
        continue;
      }
      const zip = inMemory ? memoryFile(path, item.bytes as Uint8Array) : atPath(item as SourceFile, path);
      const filter = (entry: string): boolean => (isZipPath(entry) ? walk.wantsZip(entry) : walk.wantsFile(entry));
      yield* expandZip(countingReads(zip, advance), { filter, head: walk.headOnly, reuseOutput: walk.reuseOutput, ...walk.zipCaps });
      continue;
    }
    if (!walk.wantsFile(path)) {
      advance(sizeOf(item));
      continue;
    }
    try {
      const file = item as SourceFile;
      if (!inMemory && file.slice && file.size > HEAD_BYTES && walk.headOnly?.(path)) {
        const bytes = await file.slice(0, HEAD_BYTES);
        advance(file.size);
        yield { path, bytes, size: file.size };
        continue;
      }
      const bytes = inMemory ? (item.bytes as Uint8Array) : await file.bytes();
      advance(bytes.length);
      yield { path, bytes };
    } catch (reason) {
      advance(sizeOf(item));
      yield { problem: error(path, `cannot read file (${reason instanceof Error ? reason.message : String(reason)})`), path };
    }
  }
}

function sizeOf(item: DropItem): number {
  return 'bytes' in item && item.bytes instanceof Uint8Array ? item.bytes.length : (item as SourceFile).size;
}

/** Bytes already in memory, with random access: a zip among them is read by its directory (CRC-checked). */
function memoryFile(path: string, bytes: Uint8Array): SourceFile {
  return { path, size: bytes.length, bytes: async () => bytes, slice: async (start, end) => bytes.subarray(start, end) };
}

/** The same file under its normalised path (methods kept: a SourceFile may be a class instance). */
function atPath(source: SourceFile, path: string): SourceFile {
  const file: SourceFile = { path, size: source.size, bytes: () => source.bytes() };
  const { stream, slice } = source;
  if (stream) file.stream = () => stream.call(source);
  if (slice) file.slice = (start, end) => slice.call(source, start, end);
  return file;
}

/** The same zip, read as a stream whose chunks are counted for progress. */
function countingReads(zip: SourceFile, advance: (bytes: number) => void): SourceFile {
  const { slice } = zip;
  return {
    path: zip.path,
    size: zip.size,
    bytes: () => zip.bytes(),
    ...(slice
      ? {
          async slice(start: number, end: number) {
            const bytes = await slice.call(zip, start, end);
            advance(bytes.length);
            return bytes;
          },
        }
      : {}),
    async *stream() {
      if (zip.stream) {
        for await (const chunk of zip.stream()) {
          advance(chunk.length);
          yield chunk;
        }
        return;
      }
      const all = await zip.bytes();
      for (let offset = 0; offset < all.length; offset += 1 << 20) {
        const chunk = all.subarray(offset, Math.min(offset + (1 << 20), all.length));
        advance(chunk.length);
        yield chunk;
      }
    },
  };
}
