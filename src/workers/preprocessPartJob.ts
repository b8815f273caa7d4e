// One worker's share of a patient split across the pool (workers/preprocessPlan.ts): read just its CT
// and mask files, window + CLAHE + binarise each slice with the pipeline's own per-slice steps, and
// store the slices under the patient's key (invisible until the coordinator commits the patient).
// Runs inside a worker (and in Node for tests); the main thread only sees progress.
import type { SourceFile, Problem } from '../dicom/types';
import { loadSlicesByPath } from '../dicom/loadSlices';
import { binarise } from '../pipeline/binarise';
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
  | { ok: true; times: StepTimes; pixels?: { images: Uint8Array; masks: Uint8Array } }
  | { ok: false; problem: Problem; times: StepTimes };

/** Processes and stores one share; with no `db` (tests, Node) the pixels are returned instead. */
export async function runPartJob(db: Db | null, job: PartJob, onProgress: ProgressFn = () => {}): Promise<PartOutcome> {
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 };
  const { width, height, part, params } = job;
  const px = width * height;
  onProgress('read', 0.05);
  let t = performance.now();
  const maskPaths = part.masks.filter((m): m is string => m !== null);
  const loaded = await loadSlicesByPath(job.sources, job.patient, [...part.ct, ...maskPaths]);
  times.readMs = performance.now() - t;
  if (!loaded.ok) return { ok: false, problem: loaded.problem, times };
  const ct = loaded.value.slice(0, part.ct.length);
  const maskOf = new Map(maskPaths.map((path, i) => [path, loaded.value[part.ct.length + i]]));
  const wrong = loaded.value.find((s) => s.rows !== height || s.columns !== width);
  if (wrong) {
    const at = loaded.value.indexOf(wrong);
    const file = at < part.ct.length ? part.ct[at] : maskPaths[at - part.ct.length];
    return { ok: false, problem: { file, message: `slice is ${wrong.rows}×${wrong.columns}, the series is ${height}×${width}`, severity: 'error' }, times };
  }

  onProgress('process', 0.4);
  const images = new Uint8Array(ct.length * px);
  const masks = new Uint8Array(ct.length * px);
  const hu = new Int16Array(px);
  const windowed = new Uint8Array(px);
  for (let i = 0; i < ct.length; i++) {
    const t0 = performance.now();
    windowSlice(ct[i], params, windowed, hu);
    const t1 = performance.now();
    claheSlice(windowed, width, height, params, images.subarray(i * px, (i + 1) * px));
    times.windowMs += t1 - t0;
    times.claheMs += performance.now() - t1;
    const maskPath = part.masks[i];
    if (maskPath !== null) binarise(maskOf.get(maskPath)!.pixels, masks.subarray(i * px, (i + 1) * px));
  }

  onProgress('store', 0.9);
  t = performance.now();
  if (db) {
    try {
      await putSlices(db, job.key, job.patient, part.offset, px, images, masks);
    } catch (e) {
      return { ok: false, problem: { file: job.patient, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
    }
  }
  times.storeMs = performance.now() - t;
  onProgress('done', 1);
  return { ok: true, times, ...(db ? {} : { pixels: { images, masks } }) };
}
