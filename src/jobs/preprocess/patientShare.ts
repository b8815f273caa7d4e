// One worker's share of a patient split across the pool (jobs/preprocess/plan.ts): read just its CT
// files (and mask files unless the scan kept the masks as runs), window + CLAHE (or sum up as runs) each slice
// with the pipeline's own per-slice steps as soon as it is read (so no more than a slice or two of file
// bytes is held), and store the slices under the patient's key (invisible until the coordinator
// commits the patient) a chunk at a time, while the next ones are processed: CLAHE writes into a few
// reused chunk buffers, not one fresh share-sized array (fresh memory costs ~3 ms a MiB in a browser
// worker here: first-touch page faults), and the share's last store is one chunk, not all of it.
// Runs inside a worker (and in Node for tests); the main thread only sees progress.
import type { SourceFile, Problem } from '../../common/types';
import { visitSlicesByPath } from '../../discovery/loadSlices';
import { concatSliceRuns, foregroundRuns, paintRuns } from '../../common/maskRuns';
import { claheSlice, windowSlice } from '../../pipeline/preprocessPatient';
import type { PipelineParams } from '../../pipeline/params';
import type { Db } from '../../storage/schema';
import { putSlices } from '../../storage/datasets';
import type { PatientPart } from './plan';
import type { PartOutcome, ProgressFn, StepTimes } from './types';

/** One share as the split coordinator (splitPatient.ts) hands it out; whoever runs it supplies the files. */
export interface ShareJob {
  patient: string;
  key: string;
  params: PipelineParams;
  width: number;
  height: number;
  part: PatientPart;
}

export interface PartJob extends ShareJob {
  sources: SourceFile[];
}

/** Images per stored chunk: 4 MiB (16 slices of 512²). */
const STORE_CHUNK_BYTES = 4 * 2 ** 20;

/** Processes and stores one share; with no `db` (tests, Node) the pixels are returned instead. */
export async function runPartJob(db: Db | null, job: PartJob, onProgress: ProgressFn = () => {}): Promise<PartOutcome> {
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 };
  const { width, height, part, params } = job;
  const px = width * height;
  const count = part.ct.length;
  onProgress('read', 0.05);
  const t = performance.now();
  // The cache keeps masks as runs of pixels > 0: those the scan already found are stored as they are;
  // without them, the mask files are read and summed up as runs here.
  const maskRuns: (Uint32Array | null)[] = part.maskRuns ? [...part.maskRuns] : part.ct.map(() => null);
  const positionsOf = new Map<string, number[]>();
  if (!part.maskRuns) {
    part.masks.forEach((path, i) => {
      if (path !== null) positionsOf.set(path, [...(positionsOf.get(path) ?? []), i]);
    });
  }
  const maskPaths = [...positionsOf.keys()];
  const chunks = storeChunks(db, job, count, px, maskRuns, positionsOf);
  const windowed = new Uint8Array(px);
  let wrongSize: Problem | null = null;
  let done = 0;
  const visited = await visitSlicesByPath(job.sources, [...part.ct, ...maskPaths], (index, slice) => {
    const file = index < count ? part.ct[index] : maskPaths[index - count];
    if (slice.rows !== height || slice.columns !== width) {
      wrongSize ??= { file, message: `slice is ${slice.rows}×${slice.columns}, the series is ${height}×${width}`, severity: 'error' };
      return;
    }
    const t0 = performance.now();
    if (index < count) {
      windowSlice(slice, params, windowed);
      const t1 = performance.now();
      claheSlice(windowed, width, height, params, chunks.imageOf(index));
      times.windowMs += t1 - t0;
      times.claheMs += performance.now() - t1;
      chunks.filled(index);
    } else {
      const runs = foregroundRuns(slice.pixels);
      for (const i of positionsOf.get(file) ?? []) {
        maskRuns[i] = runs;
        chunks.filled(i);
      }
      times.windowMs += performance.now() - t0;
    }
    if (++done % 8 === 0) onProgress('process', 0.05 + (0.85 * done) / (count + maskPaths.length));
  });
  times.readMs = performance.now() - t - times.windowMs - times.claheMs - chunks.storeMs();
  if (!visited.ok) return { ok: false, problem: visited.problem, times };
  if (wrongSize) return { ok: false, problem: wrongSize, times };

  onProgress('store', 0.9);
  const storeStart = performance.now();
  let storedBytes: number;
  try {
    storedBytes = await chunks.finish();
  } catch (e) {
    return { ok: false, problem: { file: job.patient, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
  }
  times.storeMs = chunks.storeMs() + performance.now() - storeStart;
  onProgress('done', 1);
  // Without a cache (tests, Node) the caller gets the pixels, masks as the 0/1 bytes the runs stand for.
  const pixels = db ? {} : { pixels: { images: chunks.all(), masks: paintRuns(concatSliceRuns(maskRuns, px), new Uint8Array(maskRuns.length * px)) } };
  return { ok: true, times, storedBytes, ...pixels };
}

/**
 * The share's images in chunks of consecutive slices: each chunk is stored (putSlices, its own
 * transaction) once all its images and mask runs are in, and its buffer is reused by a later chunk.
 * Slices usually arrive in order (zip and folder order), so two buffers serve a whole share; out of
 * order they still all land, only more chunks wait at once. Without a cache, one share-sized array.
 */
function storeChunks(db: Db | null, job: PartJob, count: number, px: number, maskRuns: (Uint32Array | null)[], positionsOf: Map<string, number[]>) {
  const perChunk = db ? Math.max(1, Math.floor(STORE_CHUNK_BYTES / px)) : count;
  const chunkCount = Math.ceil(count / perChunk);
  const missing = Array.from({ length: chunkCount }, (_, c) => Math.min(perChunk, count - c * perChunk));
  for (const positions of positionsOf.values()) for (const i of positions) missing[Math.floor(i / perChunk)]++;
  const buffers = new Map<number, Uint8Array>();
  const spare: Uint8Array[] = [];
  const writes: Promise<number>[] = [];
  const shareImageBytes = count * px;
  let whole: Uint8Array | null = null;
  let storeMs = 0;
  const bufferOf = (c: number): Uint8Array => {
    let buffer = buffers.get(c);
    if (!buffer) {
      buffer = db ? (spare.pop() ?? new Uint8Array(perChunk * px)) : (whole ??= new Uint8Array(count * px));
      buffers.set(c, buffer);
    }
    return buffer;
  };
  return {
    /** Where slice `index`'s CLAHE output goes. */
    imageOf(index: number): Uint8Array {
      const c = Math.floor(index / perChunk);
      const at = (index - c * perChunk) * px;
      return bufferOf(c).subarray(at, at + px);
    },
    /** One more of slice `index`'s parts (its image, or one of its masks) is in. */
    filled(index: number): void {
      const c = Math.floor(index / perChunk);
      if (--missing[c] > 0 || !db) return;
      const t = performance.now();
      const first = c * perChunk;
      const n = Math.min(perChunk, count - first);
      const buffer = bufferOf(c);
      const write = putSlices(db, job.key, job.patient, job.part.offset + first, px, buffer.subarray(0, n * px), maskRuns.slice(first, first + n), shareImageBytes);
      write.catch(() => {}); // reported by finish()
      writes.push(write);
      buffers.delete(c);
      spare.push(buffer); // putSlices copied the images before returning
      storeMs += performance.now() - t;
    },
    /** Waits for every chunk's write; the bytes they take. */
    async finish(): Promise<number> {
      const unfilled = missing.findIndex((m) => m > 0);
      if (unfilled >= 0) throw new Error(`${job.patient}: slices of chunk ${unfilled} never arrived`);
      return (await Promise.all(writes)).reduce((a, b) => a + b, 0);
    },
    storeMs: () => storeMs,
    /** Without a cache: every image of the share. */
    all: (): Uint8Array => whole ?? new Uint8Array(0),
  };
}
