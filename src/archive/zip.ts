// Expands the zips of a drop (the official `3Dircadb1.N/PATIENT_DICOM.zip`, a zipped patient, a zipped
// dataset holding per-patient zips) into files with drop-relative paths, one entry at a time.
// Streams with fflate's `Unzip`: the compressed file is read in chunks, only wanted entries are
// inflated, and an entry's bytes are handed out as soon as it is complete. Nested zips are expanded
// recursively. It must never throw across a drop nor trust the archive: corrupt entries (bad deflate
// data, wrong size, or — on the random-access path — a CRC-32 that does not match), truncated
// zips and zip bombs (per-entry and total caps) become problems naming the zip and the entry.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { Unzip, UnzipInflate, type AsyncFlateStreamHandler, type UnzipDecoder, type UnzipFile } from 'fflate';
import { isZipPath, normalisePath } from '../common/paths';
import type { Problem, SourceFile } from '../common/types';
import { readEntryData, readZipIndex, type ReadRange, type ZipEntryInfo } from './zipIndex';
import { checkEntryBytes, inflateEntry, inflatePrefix, InflateCapExceeded } from './inflate';

/** Entries inflated at once on the random-access path (overlaps a native inflate's hops between threads). */
const ENTRIES_IN_FLIGHT = 2;

/** 1 MiB: large enough for fflate to run at full speed, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 1 << 20;
/** One entry is held in memory whole: a slice is ~0.5 MiB, a nested PATIENT_DICOM.zip up to ~100 MiB. */
export const DEFAULT_MAX_ENTRY_BYTES = 256 * 2 ** 20;
/**
 * Total inflated bytes (nested zips count twice: as an entry and as their content). The whole
 * 3D-IRCADb-01 download inflates to several GiB; nothing is held, so this only bounds the time a bomb wastes.
 */
export const DEFAULT_MAX_TOTAL_BYTES = 32 * 2 ** 30;
/** Zips inside zips inside zips: the official layout needs 2 levels; a recursive bomb gets 4. */
const MAX_NESTING = 4;

export interface ExpandZipOptions {
  /**
   * Asked for every entry, nested zips included, with its drop-relative path
   * (`3Dircadb1.17/PATIENT_DICOM/image_0`, `3Dircadb1/3Dircadb1.17/MASKS_DICOM.zip`):
   * false skips it without inflating it.
   */
  filter?: (entryPath: string) => boolean;
  /**
   * True for an entry of which only the start is wanted (a DICOM header): it is handed out as its
   * first HEAD_BYTES, with `size` its whole size, read and inflated no further (so not CRC-checked).
   */
  head?: (entryPath: string) => boolean;
  maxEntryBytes?: number;
  maxTotalBytes?: number;
  /**
   * Inflate every (non-zip) entry into the same buffer, grown as needed, one entry at a time: for a
   * consumer that is done with an entry's bytes before it asks for the next (e.g. reduces each slice
   * at once). Saves a fresh slice-sized allocation per entry (~2 ms per 512 KB in a browser worker here).
   */
  reuseOutput?: boolean;
}

/**
 * Bytes handed out for a `head` entry: four times a 3D-IRCADb slice's header (~1 KB); a longer header
 * is read again whole by the scan. Smaller is faster: inflating the first 16 KB of the ~950 mask
 * entries of 3Dircadb1.17 took ~240 ms in a browser worker, the first 4 KB ~80 ms.
 */
export const HEAD_BYTES = 4 * 1024;
/** Compressed bytes read for a `head` entry (deflate makes data at most a few bytes per 16 KB longer). */
const HEAD_COMPRESSED_BYTES = HEAD_BYTES + 1024;

/** A complete entry, a problem (with the entry's drop-relative path when known), or a folder entry. */
export type ZipItem =
  /** `size`: the entry's whole size when `bytes` is only its start (a `head` entry). */
  | { path: string; bytes: Uint8Array; size?: number }
  | { problem: Problem; path?: string }
  | { folder: string };

interface Budget {
  maxEntryBytes: number;
  maxTotalBytes: number;
  inflated: number;
  exhausted: boolean;
  /** Which entries are read only as far as their header (see ExpandZipOptions.head). */
  head?: (entryPath: string) => boolean;
  /** The shared output buffer when ExpandZipOptions.reuseOutput is set (null until first needed). */
  output?: { bytes: Uint8Array | null };
}

type Pending = ZipItem | { nestedZip: { path: string; bytes: Uint8Array } };

/** Expands `zip` (and the zips it holds) entry by entry; never throws, problems are items. */
export function expandZip(zip: SourceFile, opts: ExpandZipOptions = {}): AsyncIterable<ZipItem> {
  const budget: Budget = {
    maxEntryBytes: opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
    maxTotalBytes: opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    inflated: 0,
    exhausted: false,
    head: opts.head,
    ...(opts.reuseOutput ? { output: { bytes: null } } : {}),
  };
  return expandWithin(zip, opts.filter, budget, 0);
}

/**
 * Drop-relative path of an entry: `<zip folder>/<entry>` when the entry already starts with a folder
 * named like the zip (`3Dircadb1.17.zip` ∋ `3Dircadb1.17/…`, `PATIENT_DICOM.zip` ∋ `PATIENT_DICOM/…`),
 * else `<zip folder>/<zip name>/<entry>` (`3Dircadb1.17.zip` ∋ `PATIENT_DICOM/…`).
 */
export function zipEntryPath(zipPath: string, entryName: string): string {
  const zip = normalisePath(zipPath);
  const entry = normalisePath(entryName);
  const slash = zip.lastIndexOf('/');
  const folder = slash < 0 ? '' : zip.slice(0, slash + 1);
  const base = zip.slice(slash + 1).replace(/\.zip$/i, '');
  const firstSegment = entry.split('/')[0];
  const alreadyInside = entry.includes('/') && firstSegment.toLowerCase() === base.toLowerCase();
  return alreadyInside ? folder + entry : `${folder}${base}/${entry}`;
}

async function* expandWithin(
  zip: SourceFile,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
): AsyncGenerator<ZipItem> {
  const zipPath = normalisePath(zip.path);
  const problem = (message: string, entryName?: string): ZipItem => ({
    problem: { file: zipPath, message: entryName === undefined ? message : `entry ${entryName}: ${message}`, severity: 'error' },
    ...(entryName === undefined ? {} : { path: zipEntryPath(zipPath, entryName) }),
  });
  if (zip.slice) {
    yield* expandRandomAccess(zip as SourceFile & Required<Pick<SourceFile, 'slice'>>, zipPath, filter, budget, depth, problem);
    return;
  }
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
      yield* drain(pending, filter, budget, depth);
      yield problem(`corrupt zip (${reasonOf(error)}); the entries after it are lost`, current);
      return;
    }
    yield* drain(pending, filter, budget, depth);
    if (budget.exhausted) return;
  }
  try {
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    yield* drain(pending, filter, budget, depth);
    yield problem(`zip ends inside this entry, truncated? (${reasonOf(error)})`, current);
    return;
  }
  yield* drain(pending, filter, budget, depth);
  if (bytesRead === 0) yield problem('empty file, not a zip');
  else if (entries === 0) yield problem('no entries found: not a zip file or a corrupt one');
}

/**
 * The fast path, for sources with random access (browser File, Node file, a nested zip in memory):
 * read the central directory, then only the wanted entries, a few inflating at once, in order.
 */
async function* expandRandomAccess(
  zip: SourceFile & Required<Pick<SourceFile, 'slice'>>,
  zipPath: string,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
  problem: (message: string, entryName?: string) => ZipItem,
): AsyncGenerator<ZipItem> {
  const direct = (start: number, end: number) => zip.slice(start, end);
  let entries: ZipEntryInfo[];
  try {
    entries = await readZipIndex(direct, zip.size);
  } catch (error) {
    // A zip cut short has no central directory: streaming from the start still recovers the complete entries.
    if (/truncated|corrupt|Zip64/.test(reasonOf(error))) {
      const { slice: _unused, ...streamOnly } = zip;
      yield* expandWithin(streamOnly, filter, budget, depth);
    } else yield problem(reasonOf(error));
    return;
  }
  if (entries.length === 0) {
    yield problem('no entries found: an empty zip');
    return;
  }
  type Job = { entry: ZipEntryInfo; path: string; nested: boolean; result: Promise<{ bytes: Uint8Array; size?: number } | { message: string }> };
  const wanted: { entry: ZipEntryInfo; path: string; nested: boolean }[] = [];
  const early: ZipItem[] = [];
  for (const entry of entries) {
    const path = zipEntryPath(zipPath, entry.name);
    if (entry.name.endsWith('/') || entry.name.endsWith('\\')) {
      early.push({ folder: path });
      continue;
    }
    if (filter && !filter(path)) continue;
    const nested = isZipPath(entry.name);
    if (nested && depth + 1 >= MAX_NESTING) early.push(problem(`zip nested more than ${MAX_NESTING} levels deep; not opened`, entry.name));
    else if (entry.encrypted) early.push(problem('encrypted entry; not supported', entry.name));
    else if (entry.method !== 0 && entry.method !== 8) early.push(problem(`compression method ${entry.method} is not supported (only stored and deflate)`, entry.name));
    else if (entry.size > budget.maxEntryBytes) early.push(problem(overEntryCap(`inflates to ${formatBytes(entry.size)}`, budget), entry.name));
    else wanted.push({ entry, path, nested });
  }
  yield* early;

  // The wanted entries' bytes come from a few large reads, not two small reads per entry: in a
  // browser worker every File.slice().arrayBuffer() is a round trip to the browser process (~5-10 ms).
  const headOnly = (w: (typeof wanted)[number]): boolean => !w.nested && w.entry.size > HEAD_BYTES && budget.head?.(w.path) === true;
  const read = batchedReads(
    direct,
    zip.size,
    wanted.map((w) => (headOnly(w) ? { ...w.entry, compressedSize: Math.min(w.entry.compressedSize, HEAD_COMPRESSED_BYTES) } : w.entry)),
  );
  const start = (w: (typeof wanted)[number]): Job => ({
    ...w,
    result: (async () => {
      try {
        if (headOnly(w)) {
          const data = await readEntryData(read, zip.size, w.entry, HEAD_COMPRESSED_BYTES);
          return { bytes: w.entry.method === 0 ? data.slice(0, HEAD_BYTES) : inflatePrefix(data, HEAD_BYTES), size: w.entry.size };
        }
        const data = await readEntryData(read, zip.size, w.entry);
        const into = w.nested ? undefined : sharedOutput(budget, w.entry.size + 1);
        // Size and CRC-32 checked against the zip's: "corrupt data (inflated to N bytes, the zip says M)"
        // or "corrupt data (CRC-32 is X, the zip says Y)" below when they do not match.
        if (w.entry.method === 0) {
          const bytes = data.slice();
          checkEntryBytes(bytes, w.entry.size, w.entry.crc);
          return { bytes };
        }
        return { bytes: await inflateEntry(data, w.entry.size, w.entry.crc, budget.maxEntryBytes, into) };
      } catch (error) {
        if (error instanceof InflateCapExceeded) return { message: overEntryCap('inflates to more than that', budget) };
        return { message: `corrupt data (${reasonOf(error)})` };
      }
    })(),
  });
  const inFlight: Job[] = [];
  let next = 0;
  // A shared output buffer holds one entry at a time: the next starts only once this one was consumed.
  const inFlightMax = budget.output ? 1 : ENTRIES_IN_FLIGHT;
  while (next < wanted.length || inFlight.length > 0) {
    while (inFlight.length < inFlightMax && next < wanted.length) inFlight.push(start(wanted[next++]));
    const job = inFlight.shift() as Job;
    const outcome = await job.result;
    if ('message' in outcome) {
      yield problem(outcome.message, job.entry.name);
      continue;
    }
    budget.inflated += outcome.bytes.length;
    if (budget.inflated > budget.maxTotalBytes) {
      budget.exhausted = true;
      yield problem(`the drop inflates past ${formatBytes(budget.maxTotalBytes)} in total (zip bomb?); stopped reading`, job.entry.name);
      return;
    }
    if (job.nested) {
      const bytes = outcome.bytes;
      yield* expandWithin(memoryZip(job.path, bytes), filter, budget, depth + 1);
    } else {
      yield { path: job.path, bytes: outcome.bytes, ...(outcome.size === undefined ? {} : { size: outcome.size }) };
    }
    if (budget.exhausted) return;
  }
}

/** The shared output buffer (ExpandZipOptions.reuseOutput), at least `size` bytes long; undefined when not shared. */
function sharedOutput(budget: Budget, size: number): Uint8Array | undefined {
  if (!budget.output || size > budget.maxEntryBytes + 1) return undefined;
  if (!budget.output.bytes || budget.output.bytes.length < size) budget.output.bytes = new Uint8Array(size);
  return budget.output.bytes;
}

/**
 * Most bytes read at once on the random-access path: runs of wanted entries are read together up to
 * this, the batches growing from FIRST_READ_BYTES (a 64 MiB first read kept a browser worker waiting
 * ~250 ms before its first slice); with the next batch read ahead, reading overlaps the work. Fewer,
 * larger reads cost the browser less per byte: 12 MiB against 4 MiB took 3Dircadb1.17 click → cached
 * from 653 to 619 ms (medians of 10 alternated pairs).
 */
const RANGE_READ_BYTES = 12 * 2 ** 20;
/**
 * The first batch is smaller still, and each next one twice the last up to RANGE_READ_BYTES: a 4 MiB
 * read takes a browser worker 40-100 ms (3Dircadb1.17), time in which it had nothing to work on.
 */
const FIRST_READ_BYTES = 512 * 1024;
/** Unwanted bytes between two wanted entries that are still read through rather than split into two reads. */
const RANGE_GAP_BYTES = 256 * 1024;
/** Room after an entry's data for its local header's name and extra field (the central directory does not give their local lengths). */
const LOCAL_HEADER_SLACK = 30 + 2 * 0xffff;

/**
 * A reader that serves the wanted entries (headers and data) from a few large reads, each read once,
 * when first needed, with the next one read ahead meanwhile, and dropped once every entry in it has
 * been read from it. Any other range (or an entry whose local header is longer than the slack) is read
 * directly.
 */
function batchedReads(direct: ReadRange, size: number, entries: ZipEntryInfo[]): ReadRange {
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  interface Batch {
    start: number;
    end: number;
    bytes: Promise<Uint8Array> | null;
  }
  const batches: Batch[] = [];
  let limit = FIRST_READ_BYTES;
  for (const entry of sorted) {
    const start = entry.localHeaderOffset;
    const end = Math.min(size, start + LOCAL_HEADER_SLACK + entry.name.length + entry.compressedSize);
    const last = batches[batches.length - 1];
    if (last && start - last.end <= RANGE_GAP_BYTES && end - last.start <= limit) last.end = Math.max(last.end, end);
    else {
      if (last) limit = Math.min(2 * limit, RANGE_READ_BYTES);
      batches.push({ start, end, bytes: null });
    }
  }
  // Batches are disjoint and in order: the one holding `start` is the last that begins at or before it.
  const find = (start: number, end: number): Batch | undefined => {
    let lo = 0;
    let hi = batches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (batches[mid].start <= start) lo = mid + 1;
      else hi = mid - 1;
    }
    const batch = batches[hi];
    return batch && end <= batch.end ? batch : undefined;
  };
  let released = 0;
  return async (start, end) => {
    const batch = find(start, end);
    if (!batch) return direct(start, end);
    const pending = (batch.bytes ??= direct(batch.start, batch.end));
    const at = batches.indexOf(batch, released);
    // Read ahead: the next batch is on its way while this one's entries are inflated and used.
    const ahead = at >= 0 ? batches[at + 1] : undefined;
    if (ahead && !ahead.bytes) {
      ahead.bytes = direct(ahead.start, ahead.end);
      ahead.bytes.catch(() => {}); // a failed read ahead is reported when (if) that batch is needed
    }
    const bytes = await pending;
    // Once the reading moves past a batch its bytes are let go (entries are usually read in offset
    // order; one read out of order is only read again).
    for (; released < at; released++) batches[released].bytes = null;
    return bytes.subarray(start - batch.start, end - batch.start);
  };
}

function memoryZip(path: string, bytes: Uint8Array): SourceFile {
  return { path, size: bytes.length, bytes: async () => bytes, slice: async (s, e) => bytes.subarray(s, e) };
}

async function* drain(
  pending: Pending[],
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
): AsyncGenerator<ZipItem> {
  while (pending.length > 0) {
    const item = pending.shift() as Pending;
    if ('nestedZip' in item) {
      const { path, bytes } = item.nestedZip;
      yield* expandWithin(memoryZip(path, bytes), filter, budget, depth + 1);
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

function overEntryCap(size: string, budget: Budget): string {
  return `over the ${formatBytes(budget.maxEntryBytes)} per-entry cap: ${size} (zip bomb?); skipped`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${+(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
