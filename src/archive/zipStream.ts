// The streamed reader, for sources without random access (a stream, or bytes read whole) and for zips
// cut short (no central directory): streams with fflate's `Unzip`, the compressed file read in chunks,
// only wanted entries inflated, and an entry's bytes handed out as soon as it is complete. A corrupt
// entry, a truncated zip or a bomb becomes a problem item; the entries before it are kept. Unwanted
// entries are started then terminated (see skip), so fflate holds no chunks of them. Pure: no DOM, no
// Node APIs.
import { Unzip, UnzipInflate, type AsyncFlateStreamHandler, type UnzipDecoder, type UnzipFile } from 'fflate';
import { isZipPath } from '../common/paths';
import type { SourceFile } from '../common/types';
import { formatBytes, MAX_NESTING, overEntryCap, type Budget } from './zipCaps';
import { memoryZip, reasonOf, zipEntryPath, type ExpandWithin, type ZipItem, type ZipProblem } from './zipItems';

/** 1 MiB: large enough for fflate to run at full speed, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 1 << 20;

type Pending = ZipItem | { nestedZip: { path: string; bytes: Uint8Array } };

/**
 * Expands `zip` by streaming it from its start; its nested zips are expanded by `expand` (which reads
 * them, in memory, on the random-access path).
 */
export async function* expandStreamed(
  zip: SourceFile,
  zipPath: string,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
  problem: ZipProblem,
  expand: ExpandWithin,
): AsyncGenerator<ZipItem> {
  const pending: Pending[] = [];
  let entries = 0;
  let current: string | undefined;

  const onEntry = (entry: UnzipFile): void => {
    entries++;
    current = entry.name;
    if (budget.exhausted) return skip(entry);
    if (entry.name.endsWith('/') || entry.name.endsWith('\\')) {
      pending.push({ folder: zipEntryPath(zipPath, entry.name) });
      return skip(entry);
    }
    const path = zipEntryPath(zipPath, entry.name);
    if (filter && !filter(path)) return skip(entry);
    const nested = isZipPath(entry.name);
    if (nested && depth + 1 >= MAX_NESTING) {
      pending.push(problem(`zip nested more than ${MAX_NESTING} levels deep; not opened`, entry.name));
      return skip(entry);
    }
    if (entry.originalSize !== undefined && entry.originalSize > budget.maxEntryBytes) {
      pending.push(problem(overEntryCap(`inflates to ${formatBytes(entry.originalSize)}`, budget), entry.name));
      return skip(entry);
    }
    inflateStreamedEntry(entry, (outcome) => {
      if ('message' in outcome) pending.push(problem(outcome.message, entry.name));
      else if (nested) pending.push({ nestedZip: { path, bytes: outcome.bytes } });
      else pending.push({ path, bytes: outcome.bytes });
    });
  };

  const inflateStreamedEntry = (entry: UnzipFile, done: (outcome: { bytes: Uint8Array } | { message: string }) => void): void => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: { bytes: Uint8Array } | { message: string }): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      if ('message' in outcome) entry.terminate(); // the rest of a bad entry is dropped, not inflated
      done(outcome);
    };
    entry.ondata = (error, data, final) => {
      if (settled) return;
      if (error) return settle({ message: `corrupt data (${error.message})` });
      size += data.length;
      budget.inflated += data.length;
      if (size > budget.maxEntryBytes) return settle({ message: overEntryCap('inflates to more than that', budget) });
      if (budget.inflated > budget.maxTotalBytes) {
        budget.exhausted = true;
        return settle({
          message: `the drop inflates past ${formatBytes(budget.maxTotalBytes)} in total (zip bomb?); stopped reading`,
        });
      }
      if (data.length > 0) chunks.push(data);
      if (final) settle({ bytes: joinChunks(chunks, size) });
    };
    try {
      entry.start();
    } catch (error) {
      settle({ message: `cannot be inflated (${reasonOf(error)})` });
    }
  };

  const unzip = new Unzip(onEntry);
  unzip.register(StoppableInflate);
  unzip.register(StoppableStored);

  let bytesRead = 0;
  for await (const chunk of readInChunks(zip)) {
    if (!startsLikeZip(chunk, bytesRead)) {
      yield problem('not a zip file');
      return;
    }
    bytesRead += chunk.length;
    try {
      unzip.push(chunk, false);
    } catch (error) {
      yield* drain(pending, filter, budget, depth, expand);
      yield problem(`corrupt zip (${reasonOf(error)}); the entries after it are lost`, current);
      return;
    }
    yield* drain(pending, filter, budget, depth, expand);
    if (budget.exhausted) return;
  }
  try {
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    yield* drain(pending, filter, budget, depth, expand);
    yield problem(`zip ends inside this entry, truncated? (${reasonOf(error)})`, current);
    return;
  }
  yield* drain(pending, filter, budget, depth, expand);
  if (bytesRead === 0) yield problem('empty file, not a zip');
  else if (entries === 0) yield problem('no entries found: not a zip file or a corrupt one');
}

async function* drain(
  pending: Pending[],
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
  expand: ExpandWithin,
): AsyncGenerator<ZipItem> {
  while (pending.length > 0) {
    const item = pending.shift() as Pending;
    if ('nestedZip' in item) {
      const { path, bytes } = item.nestedZip;
      yield* expand(memoryZip(path, bytes), filter, budget, depth + 1);
    } else {
      yield item;
    }
  }
}

/**
 * An entry nobody wants is still started, then terminated: its data then goes to a decoder that drops it.
 * (An entry never started would have its compressed chunks kept by fflate until the end of the zip.)
 */
function skip(entry: UnzipFile): void {
  entry.ondata = () => {};
  try {
    entry.start();
  } catch {
    // unknown compression method: nothing was set up, nothing to drop
  }
  entry.terminate();
}

/** fflate's inflate, plus a `terminate()` after which pushed data is dropped instead of inflated. */
class StoppableInflate implements UnzipDecoder {
  static compression = 8;
  ondata: AsyncFlateStreamHandler = () => {};
  private inflate: UnzipInflate | null = null;
  private stopped = false;

  push(chunk: Uint8Array, final: boolean): void {
    if (this.stopped) return;
    if (!this.inflate) {
      this.inflate = new UnzipInflate();
      this.inflate.ondata = (error, data, last) => this.ondata(error, data, last);
    }
    this.inflate.push(chunk, final);
  }

  terminate(): void {
    this.stopped = true;
    this.inflate = null;
  }
}

/** Stored entries (method 0): passed through, or dropped after `terminate()`. */
class StoppableStored implements UnzipDecoder {
  static compression = 0;
  ondata: AsyncFlateStreamHandler = () => {};
  private stopped = false;

  push(chunk: Uint8Array, final: boolean): void {
    if (!this.stopped) this.ondata(null, chunk as Uint8Array<ArrayBuffer>, final);
  }

  terminate(): void {
    this.stopped = true;
  }
}

/** Zips start with `PK` (a local header, or an empty archive's end record); checks the bytes of this chunk among the first two. */
function startsLikeZip(chunk: Uint8Array, offset: number): boolean {
  const signature = [0x50, 0x4b];
  for (let i = offset; i < signature.length && i - offset < chunk.length; i++) {
    if (chunk[i - offset] !== signature[i]) return false;
  }
  return true;
}

/** The zip's own stream when it has one (browser File, Node file), else its bytes in views (no copy). */
async function* readInChunks(zip: SourceFile): AsyncGenerator<Uint8Array> {
  if (zip.stream) {
    yield* zip.stream();
    return;
  }
  const all = await zip.bytes();
  for (let offset = 0; offset < all.length; offset += READ_CHUNK_BYTES) {
    yield all.subarray(offset, Math.min(offset + READ_CHUNK_BYTES, all.length));
  }
}

/** One buffer of its own (stored entries arrive as views of the read chunk; those are copied). */
function joinChunks(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].buffer.byteLength === size) return chunks[0];
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
