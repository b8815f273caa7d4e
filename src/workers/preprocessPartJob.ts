// One worker's share of a patient split across the pool (workers/preprocessPlan.ts): read just its CT
// files (and mask files unless the scan kept the masks as runs), window + CLAHE (or sum up as runs) each slice
// with the pipeline's own per-slice steps as soon as it is read (so no more than a slice or two of file
// bytes is held), and store the slices under the patient's key (invisible until the coordinator
// commits the patient).
// Runs inside a worker (and in Node for tests); the main thread only sees progress.
import type { SourceFile, Problem } from '../dicom/types';
import { visitSlicesByPath } from '../dicom/loadSlices';
import { concatSliceRuns, foregroundRuns, paintRuns } from '../pipeline/binarise';
import { claheSlice, windowSlice } from '../pipeline/preprocessPatient';
import type { PipelineParams } from '../pipeline/params';
import type { Db } from '../storage/schema';
import { putSlices } from '../storage/datasets';
import type { PatientPart } from './preprocessPlan';
import type { ProgressFn, StepTimes } from './preprocessPatientJob';

export interface PartJob {
  patient: string;
  key: string;
  sources: SourceFile[];
  params: PipelineParams;
  width: number;
  height: number;
  part: PatientPart;
}

export type PartOutcome =
  | { ok: true; times: StepTimes; storedBytes: number; pixels?: { images: Uint8Array; masks: Uint8Array } }
  | { ok: false; problem: Problem; times: StepTimes };

/** Processes and stores one share; with no `db` (tests, Node) the pixels are returned instead. */
export async function runPartJob(db: Db | null, job: PartJob, onProgress: ProgressFn = () => {}): Promise<PartOutcome> {
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 };
  const { width, height, part, params } = job;
  const px = width * height;
  onProgress('read', 0.05);
  const t = performance.now();
  const images = new Uint8Array(part.ct.length * px);
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
  const hu = new Int16Array(px);
  const windowed = new Uint8Array(px);
  let wrongSize: Problem | null = null;
  let done = 0;
  const visited = await visitSlicesByPath(job.sources, job.patient, [...part.ct, ...maskPaths], (index, slice) => {
    const file = index < part.ct.length ? part.ct[index] : maskPaths[index - part.ct.length];
    if (slice.rows !== height || slice.columns !== width) {
      wrongSize ??= { file, message: `slice is ${slice.rows}×${slice.columns}, the series is ${height}×${width}`, severity: 'error' };
      return;
    }
    const t0 = performance.now();
    if (index < part.ct.length) {
      windowSlice(slice, params, windowed, hu);
      const t1 = performance.now();
      claheSlice(windowed, width, height, params, images.subarray(index * px, (index + 1) * px));
      times.windowMs += t1 - t0;
      times.claheMs += performance.now() - t1;
    } else {
      const runs = foregroundRuns(slice.pixels);
      for (const i of positionsOf.get(file) ?? []) maskRuns[i] = runs;
      times.windowMs += performance.now() - t0;
    }
    if (++done % 8 === 0) onProgress('process', 0.05 + (0.85 * done) / (part.ct.length + maskPaths.length));
  });
  times.readMs = performance.now() - t - times.windowMs - times.claheMs;
  if (!visited.ok) return { ok: false, problem: visited.problem, times };
  if (wrongSize) return { ok: false, problem: wrongSize, times };

  onProgress('store', 0.9);
  const storeStart = performance.now();
  let storedBytes = 0;
  if (db) {
    try {
      storedBytes = await putSlices(db, job.key, job.patient, part.offset, px, images, maskRuns);
    } catch (e) {
      return { ok: false, problem: { file: job.patient, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
    }
  }
  times.storeMs = performance.now() - storeStart;
  onProgress('done', 1);
  // Without a cache (tests, Node) the caller gets the pixels, masks as the 0/1 bytes the runs stand for.
  const pixels = db ? {} : { pixels: { images, masks: paintRuns(concatSliceRuns(maskRuns, px), new Uint8Array(maskRuns.length * px)) } };
  return { ok: true, times, storedBytes, ...pixels };
}
