// The random-access reader, the fast path for sources with random access (browser File, Node file, a
// nested zip in memory): read the central directory (zipIndex), then only the wanted entries, a few
// inflating at once, handed out in order; unwanted entries are never read. Each entry's size and CRC-32
// are checked against the zip's, so corrupt entries become problems naming the zip and the entry. A zip
// with no readable central directory (truncated) is handed to the streamed reader, which still recovers
// its complete entries. Pure: no DOM, no Node APIs.
import { isZipPath } from '../common/paths';
import type { SourceFile } from '../common/types';
import { checkEntryBytes, inflateEntry, inflatePrefix, InflateCapExceeded } from './inflate';
import { batchedReads } from './zipBatchedReads';
import { formatBytes, HEAD_BYTES, MAX_NESTING, overEntryCap, type Budget } from './zipCaps';
import { readEntryData, readZipIndex, type ZipEntryInfo } from './zipIndex';
import { memoryZip, reasonOf, zipEntryPath, type ExpandWithin, type ZipItem, type ZipProblem } from './zipItems';

/** Entries inflated at once on the random-access path (overlaps a native inflate's hops between threads). */
const ENTRIES_IN_FLIGHT = 2;

/** Compressed bytes read for a `head` entry (deflate makes data at most a few bytes per 16 KB longer). */
const HEAD_COMPRESSED_BYTES = HEAD_BYTES + 1024;

/**
 * The fast path, for sources with random access (browser File, Node file, a nested zip in memory):
 * read the central directory, then only the wanted entries, a few inflating at once, in order.
 */
export async function* expandRandomAccess(
  zip: SourceFile & Required<Pick<SourceFile, 'slice'>>,
  zipPath: string,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
  problem: ZipProblem,
  expand: ExpandWithin,
): AsyncGenerator<ZipItem> {
  const direct = (start: number, end: number) => zip.slice(start, end);
  let entries: ZipEntryInfo[];
  try {
    entries = await readZipIndex(direct, zip.size);
  } catch (error) {
    // A zip cut short has no central directory: streaming from the start still recovers the complete entries.
    if (/truncated|corrupt|Zip64/.test(reasonOf(error))) {
      const { slice: _unused, ...streamOnly } = zip;
      yield* expand(streamOnly, filter, budget, depth);
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
      yield* expand(memoryZip(job.path, bytes), filter, budget, depth + 1);
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
