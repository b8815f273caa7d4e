// One patient from dropped files to the cache: hash the inputs and look the patient up (lookup.ts; a
// hit is served from the cache), read the CT and organ series, run the reference pipeline, write the
// patient atomically (its record: patientRecord.ts). A scan with no mask of the organ at all is
// cached whole (every slice windowed and equalised) and marked without ground truth; a mask that is
// there but unusable is still a failure naming it.
// Runs inside a worker (and in Node for benchmarks); the main thread only sees progress.
import type { SourceFile } from '../../common/types';
import { loadCtSeries } from '../../discovery/loadPatientSeries';
import type { PatientFiles } from '../../discovery/types';
import { preprocessPatient, preprocessWholeScan, type PipelineTiming } from '../../pipeline/preprocessPatient';
import type { PipelineParams } from '../../pipeline/params';
import type { CachedPatient, Db } from '../../storage/schema';
import { putPatient } from '../../storage/datasets';
import { inputHash } from '../../storage/hash';
import { lookupPatient, type PatientLookup } from './lookup';
import { cachedPatientRecord } from './patientRecord';
import type { PreprocessOutcome, ProgressFn, StepTimes } from './types';

/** The job's outcome (types.ts), for the callers that run this job alone. */

export interface PreprocessJob {
  patient: string;
  /** The patient's files as the scan grouped them; without them the drop is scanned for `patient`. */
  files?: PatientFiles;
  sources: SourceFile[];
  params: PipelineParams;
  spacing: [number, number, number] | null;
}

export async function runPreprocessJob(db: Db | null, job: PreprocessJob, onProgress: ProgressFn = () => {}): Promise<PreprocessOutcome> {
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 };
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };

  onProgress('hash', 0);
  // Without a cache (the CLI) there is nothing to look up, so the inputs need no hash.
  let found: PatientLookup = { key: job.patient, inputHash: '' };
  if (db) found = await lookupPatient(() => db, job.patient, inputHash(job.sources), job.params, () => (times.hashMs = lap()));
  else times.hashMs = lap();
  if (found.cached) {
    onProgress('done', 1);
    return { ok: true, meta: found.cached, fromCache: true, times };
  }

  onProgress('read', 0.05);
  const series = await loadCtSeries(job.sources, job.files ?? job.patient, job.params.organ);
  times.readMs = lap();
  if (!series.ok) return { ok: false, problem: series.problem, times };
  const { ct, masks, maskProblem, noMask } = series.value;
  if (ct.length === 0) return { ok: false, problem: { file: job.patient, message: 'no CT slices', severity: 'error' }, times };
  if (!masks && !noMask) return { ok: false, problem: maskProblem ?? { file: job.patient, message: `no ${job.params.organ} mask`, severity: 'error' }, times };

  onProgress('process', 0.4);
  const timing: PipelineTiming = { windowMs: 0, claheMs: 0 };
  const input = { patient: job.patient, width: ct[0].columns, height: ct[0].rows, ct };
  const processed = masks ? preprocessPatient({ ...input, masks: masks.map((m) => m.pixels) }, job.params, timing) : preprocessWholeScan(input, job.params, timing);
  lap();
  times.windowMs = timing.windowMs;
  times.claheMs = timing.claheMs;
  if (!processed.ok) return { ok: false, problem: processed.problem, times };
  const p = processed.value;

  let meta: CachedPatient = cachedPatientRecord({
    key: found.key,
    patient: job.patient,
    inputHash: found.inputHash,
    params: job.params,
    shape: { width: p.width, height: p.height, sliceCount: ct.length, start: p.start, end: p.end, keptFrom: p.keptFrom, keptTo: p.keptTo, kept: p.kept },
    spacing: job.spacing,
    sources: job.sources,
    bytes: p.images.length, // the masks' runs are added when stored
    groundTruth: masks !== null,
  });
  onProgress('store', 0.9);
  if (db) {
    try {
      meta = await putPatient(db, meta, p.images, p.masks);
    } catch (e) {
      return { ok: false, problem: { file: job.patient, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
    }
  }
  times.storeMs = lap();
  onProgress('done', 1);
  // Without a cache the caller gets the pixels; with one they stay in IndexedDB (no copy to the page).
  return { ok: true, meta, fromCache: false, times, ...(db ? {} : { pixels: { images: p.images, masks: p.masks } }) };
}
