// Expands the zips of a drop (the official `3Dircadb1.N/PATIENT_DICOM.zip`, a zipped patient, a zipped
// dataset holding per-patient zips) into files with drop-relative paths, one entry at a time. A source
// with random access is read entry by entry from its central directory (zipRandomAccess), any other
// streamed with fflate (zipStream). Nested zips are expanded recursively, each by whichever reader fits
// it. It must never throw across a drop nor trust the archive: corrupt entries (bad deflate data, wrong
// size, or — on the random-access path — a CRC-32 that does not match), truncated zips and zip bombs
// (per-entry and total caps, zipCaps) become problems naming the zip and the entry (zipItems).
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { normalisePath } from '../common/paths';
import type { SourceFile } from '../common/types';
import { DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_TOTAL_BYTES, type Budget, type ExpandZipOptions } from './zipCaps';
import { zipProblem, type ZipItem } from './zipItems';
import { expandRandomAccess } from './zipRandomAccess';
import { expandStreamed } from './zipStream';

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

/** One zip, by the reader that fits its source; the readers come back here for the zips they hold. */
async function* expandWithin(
  zip: SourceFile,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
): AsyncGenerator<ZipItem> {
  const zipPath = normalisePath(zip.path);
  const problem = zipProblem(zipPath);
  if (zip.slice) {
    yield* expandRandomAccess(zip as SourceFile & Required<Pick<SourceFile, 'slice'>>, zipPath, filter, budget, depth, problem, expandWithin);
    return;
  }
  yield* expandStreamed(zip, zipPath, filter, budget, depth, problem, expandWithin);
}
