// How kept slices are laid out in the cache's `slices` store, both ways: runs of consecutive slices as
// one record, images PackBits-packed slice by slice into one Blob, masks as their foreground runs.
// Packing is for the browser's sake: every byte put into IndexedDB is copied ~4 times across threads
// and processes (a 4 MiB Blob costs a worker ~27 ms to make before IndexedDB sees it), and a CLAHE'd
// CT slice packs to ~46 % (air and table around the body are long runs) at ~0.4 ms a 512² slice, so
// caching a patient is faster and takes half the space. Older records (raw image bytes, single slices,
// masks as bytes) are read as they were written.
// Pure: Blob and typed arrays only; the page, workers and Node tests share it.
import type { StoredSliceRun } from './schema';
import { concatSliceRuns, paintRunsWindow } from '../common/maskRuns';
import { packBits, packBitsBound, unpackBits } from '../common/packBits';

/** Each slice's mask as its runs of pixels > 0 (pipeline/binarise `foregroundRuns`; null: all zero). */
export type SliceMaskRuns = readonly (Uint32Array | null)[];

/** Most bytes of (unpacked) images in one stored run: 64 slices of 512², so no Blob is huge. */
const RUN_BYTES = 16 * 2 ** 20;

/** Packing scratch, grown as needed and kept: fresh memory costs a browser worker ~3 ms a MiB here. */
let scratch = new Uint8Array(0);

/**
 * `count` slices from `offset` (first in `images`/`masks`) as records of at most RUN_BYTES of images
 * each, and the bytes they take: the packed images plus the masks' runs. The images are copied (into
 * the Blobs) before this returns: `images` may be reused at once.
 */
export function sliceRecords(patientKey: string, offset: number, px: number, images: Uint8Array, masks: SliceMaskRuns): { records: StoredSliceRun[]; bytes: number } {
  const count = images.length / px;
  const perRun = Math.max(1, Math.floor(RUN_BYTES / px));
  const records: StoredSliceRun[] = [];
  let bytes = 0;
  for (let first = 0; first < count; first += perRun) {
    const n = Math.min(perRun, count - first);
    const room = n * packBitsBound(px);
    if (scratch.length < room) scratch = new Uint8Array(room);
    const packedEnds = new Uint32Array(n);
    let at = 0;
    for (let s = 0; s < n; s++) {
      at = packBits(images, (first + s) * px, (first + s + 1) * px, scratch, at);
      packedEnds[s] = at;
    }
    // A Blob copies its bytes once, into the browser's blob storage; the record then only refers to it.
    const image = new Blob([scratch.subarray(0, at) as Uint8Array<ArrayBuffer>]);
    const maskRuns = concatSliceRuns(masks.slice(first, first + n), px);
    records.push({ patientKey, index: offset + first, count: n, pixels: px, packedEnds, image, maskRuns });
    bytes += image.size + packedEnds.byteLength + maskRuns.byteLength;
  }
  return { records, bytes };
}

/** Slices `lo..hi` (indices within the run, inclusive) of a stored run: their images and 0/1 masks, `px` bytes a slice each. */
export async function readRunSlices(run: StoredSliceRun, lo: number, hi: number): Promise<{ px: number; images: Uint8Array; masks: Uint8Array }> {
  const count = run.count ?? 1;
  const px = run.packedEnds ? (run.pixels ?? 0) : byteLength(run.image) / count;
  const [from, to] = [lo * px, (hi + 1) * px];
  const [images, masks] = await Promise.all([run.packedEnds ? unpackedImages(run, run.packedEnds, px, lo, hi) : bytesOf(run.image, from, to), masksOf(run, from, to)]);
  return { px, images, masks };
}

async function unpackedImages(run: StoredSliceRun, ends: Uint32Array, px: number, lo: number, hi: number): Promise<Uint8Array> {
  const start = lo === 0 ? 0 : ends[lo - 1];
  const packed = await bytesOf(run.image, start, ends[hi]);
  const out = new Uint8Array((hi - lo + 1) * px);
  for (let s = lo; s <= hi; s++) {
    const from = (s === 0 ? 0 : ends[s - 1]) - start;
    const produced = unpackBits(packed, from, ends[s] - start, out.subarray((s - lo) * px, (s - lo + 1) * px));
    if (produced !== px) throw new Error(`cached slice ${run.index + s} of patient ${run.patientKey.slice(0, 12)} unpacks to ${produced} bytes, not ${px}: the cache is damaged`);
  }
  return out;
}

function byteLength(data: Blob | Uint8Array): number {
  return data instanceof Uint8Array ? data.length : data.size;
}

async function bytesOf(data: Blob | Uint8Array, start: number, end: number): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data.subarray(start, end);
  return new Uint8Array(await (start === 0 && end === data.size ? data : data.slice(start, end)).arrayBuffer());
}

/** Pixels `from..to` of a run's 0/1 masks, from its runs or (older caches) its bytes. */
function masksOf(run: StoredSliceRun, from: number, to: number): Promise<Uint8Array> {
  if (run.maskRuns) return Promise.resolve(paintRunsWindow(run.maskRuns, from, new Uint8Array(to - from)));
  if (!run.mask) return Promise.reject(new Error(`cached slices ${run.index}… of patient ${run.patientKey.slice(0, 12)} have no masks`));
  return bytesOf(run.mask, from, to);
}
