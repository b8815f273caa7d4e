// Loading chosen slices of one patient by path: the files a scan already found and ordered (e.g. one
// worker's share of the kept CT slices and their masks), and nothing else — other entries of the zips
// are neither read nor inflated. Lets one patient be split across the worker pool. Slices can be
// visited one at a time as they are read, so a caller that reduces each slice at once (window, CLAHE)
// never holds more than a slice or two of file bytes.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropSources, type ZipCaps } from './walkDrop';
import { zipMayHold } from './patientSources';
import { readSliceAsync } from '../dicom/parse';
import { failure } from '../common/problems';
import type { DicomSlice } from '../dicom/types';
import type { Result } from '../common/types';

export interface LoadSlicesOptions {
  zipCaps?: ZipCaps;
}

/**
 * Reads and parses exactly `paths` (drop-relative, as the scan reported them) from `sources` and hands
 * each to `visit` with its index in `paths`, in the order they are read (zip order, not `paths` order).
 * A visited slice's pixels may be a view into its file's bytes: use them (or copy them) before
 * `visit` returns. Fails naming the first file that is missing or unreadable.
 */
export async function visitSlicesByPath(
  sources: DropSources,
  paths: readonly string[],
  visit: (index: number, slice: DicomSlice) => void,
  opts: LoadSlicesOptions = {},
): Promise<Result<void>> {
  const wanted = new Map(paths.map((path, index) => [path, index]));
  const seen = new Array<boolean>(paths.length).fill(false);
  // Every entry of `a/B.zip` stands at `a/B/…` (zipEntryPath), so a zip none of the paths lies in (the
  // masks' zip when the scan kept the masks as runs, another patient's zips) is not even opened.
  const lowerPaths = paths.map((p) => p.toLowerCase());
  const wantsZip = (path: string): boolean => zipMayHold(path, lowerPaths);
  // Each slice is visited before the next is read, so one inflate buffer serves them all.
  for await (const event of walkDrop(sources, { wantsFile: (path) => wanted.has(path), wantsZip, zipCaps: opts.zipCaps, reuseOutput: true })) {
    if ('folder' in event) continue;
    if ('problem' in event) {
      if (event.path !== undefined && wanted.has(event.path)) return { ok: false, problem: event.problem };
      continue;
    }
    const index = wanted.get(event.path);
    if (index === undefined || seen[index]) continue;
    const slice = await readSliceAsync(event.bytes, event.path, { view: true });
    if (!slice.ok) return slice;
    seen[index] = true;
    visit(index, slice.value);
  }
  const missing = seen.indexOf(false);
  if (missing >= 0) return failure(paths[missing], 'file not found in the drop any more (was it moved or deleted since it was scanned?)');
  return { ok: true, value: undefined };
}
