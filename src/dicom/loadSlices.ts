// Loading chosen slices of one patient by path: the files a scan already found and ordered (e.g. one
// worker's share of the kept CT slices and their masks), and nothing else — other entries of the zips
// are neither read nor inflated. Lets one patient be split across the worker pool.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropSources, type ZipCaps } from './discoverWalk';
import { DEFAULT_PATIENT_NAME, classifyZip } from './layout';
import { readSliceAsync } from './parse';
import { failure } from './problems';
import type { DicomSlice, Result } from './types';

export interface LoadSlicesOptions {
  fallbackName?: string;
  zipCaps?: ZipCaps;
}

/**
 * Reads and parses exactly `paths` (drop-relative, as the scan reported them) from `sources`,
 * returned in the order of `paths`. Fails naming the first file that is missing or unreadable.
 */
export async function loadSlicesByPath(
  sources: DropSources,
  patientName: string,
  paths: readonly string[],
  opts: LoadSlicesOptions = {},
): Promise<Result<DicomSlice[]>> {
  const fallbackName = opts.fallbackName ?? DEFAULT_PATIENT_NAME;
  const wanted = new Map(paths.map((path, index) => [path, index]));
  const out: (DicomSlice | undefined)[] = new Array(paths.length);
  const wantsZip = (path: string): boolean => {
    const zip = classifyZip(path, fallbackName);
    return zip.kind === 'container' || (zip.kind === 'series' && zip.patient === patientName);
  };
  for await (const event of walkDrop(sources, { wantsFile: (path) => wanted.has(path), wantsZip, zipCaps: opts.zipCaps })) {
    if ('folder' in event) continue;
    if ('problem' in event) {
      if (event.path !== undefined && wanted.has(event.path)) return { ok: false, problem: event.problem };
      continue;
    }
    const index = wanted.get(event.path);
    if (index === undefined) continue;
    const slice = await readSliceAsync(event.bytes, event.path);
    if (!slice.ok) return slice;
    out[index] = slice.value;
  }
  const missing = out.findIndex((slice) => slice === undefined);
  if (missing >= 0) return failure(paths[missing], 'file not found in the drop any more (was it moved or deleted since it was scanned?)');
  return { ok: true, value: out as DicomSlice[] };
}
