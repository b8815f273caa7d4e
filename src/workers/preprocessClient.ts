// Main-thread side of preprocessing: one job per patient over the worker pool — or, when there are
// fewer patients than workers, one patient split into contiguous shares so every core works on it —
// cancellable at any moment (the workers are terminated; an interrupted IndexedDB transaction writes
// nothing, and shares never committed are swept as orphans).
import { proxy } from 'comlink';
import type { DroppedFile } from '../dicom/blobSource';
import type { PatientScan } from '../dicom/types';
import { PIPELINE_VERSION, type PipelineParams } from '../pipeline/params';
import type { CachedPatient } from '../storage/schema';
import { WorkerPool } from './pool';
import type { PreprocessApi, PreprocessRequest } from './preprocess.worker';
import type { PreprocessOutcome, ProgressFn, StepTimes } from './preprocessPatientJob';
import { planPatientParts } from './preprocessPlan';
import type { PartOutcome } from './preprocessPartJob';

let pool: WorkerPool<PreprocessApi> | null = null;

function preprocessPool(): WorkerPool<PreprocessApi> {
  pool ??= new WorkerPool<PreprocessApi>(() => new Worker(new URL('./preprocess.worker.ts', import.meta.url), { type: 'module', name: 'preprocess' }));
  return pool;
}

/** Loads the pool's workers ahead of the first job (they take a few hundred ms to start). */
export function warmPreprocessing(): Promise<void> {
  return preprocessPool().warm((api) => api.ready());
}

/**
 * Once the patient list is on screen: every idle worker runs the per-slice steps on a synthetic slice
 * so V8 has compiled them before "Preprocess" (see preprocessWarmUp.ts). Busy workers are skipped.
 */
export function warmUpPreprocessing(params: PipelineParams): Promise<void> {
  return pool ? pool.eachIdle((api) => api.warmUp(params)) : Promise.resolve();
}

export function preprocessPoolSize(): number {
  return preprocessPool().size;
}

export function preprocessOnPool(req: PreprocessRequest, onProgress: ProgressFn): Promise<PreprocessOutcome> {
  return preprocessPool().use<PreprocessOutcome>((api) => api.preprocess(req, proxy(onProgress)));
}

/**
 * Preprocesses one scanned patient on up to `maxParts` workers at once. Falls back to the
 * whole-patient job when the scan cannot plan a split (see preprocessPlan.ts) or one share is enough.
 */
export async function preprocessScannedPatient(
  scan: PatientScan,
  files: DroppedFile[],
  params: PipelineParams,
  maxParts: number,
  onProgress: ProgressFn,
): Promise<PreprocessOutcome> {
  const plan = maxParts > 1 ? planPatientParts(scan, params, maxParts) : null;
  const whole = () => preprocessOnPool({ patient: scan.name, files, params, spacing: scan.spacing }, onProgress);
  if (!plan || plan.parts.length < 2) return whole();
  const workers = preprocessPool();
  onProgress('hash', 0);
  const found = await workers.use((api) => api.lookup({ patient: scan.name, files, params }));
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: found.hashMs };
  if (found.cached) {
    onProgress('done', 1);
    return { ok: true, meta: found.cached, fromCache: true, times };
  }
  const done = plan.parts.map(() => 0);
  const outcomes = await Promise.all(
    plan.parts.map((part, i) => {
      const share = part.ct.length / plan.kept;
      const report = proxy<ProgressFn>((stage, fraction) => {
        done[i] = fraction * share;
        if (stage !== 'done') onProgress(stage, done.reduce((a, b) => a + b, 0));
      });
      return workers.use<PartOutcome>((api) => api.preprocessPart({ patient: scan.name, key: found.key, files, params, width: plan.width, height: plan.height, part }, report));
    }),
  );
  for (const o of outcomes) for (const k of Object.keys(times) as (keyof StepTimes)[]) if (k !== 'hashMs') times[k] += o.times[k];
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) {
    await workers.use((api) => api.discardSlices(found.key)).catch(() => {});
    return { ok: false, problem: failed.problem, times };
  }
  const meta: CachedPatient = {
    key: found.key,
    name: scan.name,
    inputHash: found.inputHash,
    params: { ...params },
    pipelineVersion: PIPELINE_VERSION,
    width: plan.width,
    height: plan.height,
    sliceCount: plan.sliceCount,
    start: plan.start,
    end: plan.end,
    keptFrom: plan.keptFrom,
    keptTo: plan.keptTo,
    kept: plan.kept,
    spacing: scan.spacing,
    sources: files.map((f) => ({ path: f.path.replace(/\\/g, '/').replace(/^\/+/, ''), size: f.file.size })),
    bytes: outcomes.reduce((sum, o) => sum + (o.ok ? o.storedBytes : 0), 0),
    createdAt: Date.now(),
  };
  try {
    await workers.use((api) => api.commitPatient(meta));
  } catch (e) {
    await workers.use((api) => api.discardSlices(found.key)).catch(() => {});
    return { ok: false, problem: { file: scan.name, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
  }
  onProgress('done', 1);
  return { ok: true, meta, fromCache: false, times };
}

/**
 * Ends the pool's workers. On cancel: their jobs die with them (an interrupted transaction writes
 * nothing). Once a run is over: each worker holds ~150 MiB (heap, code, buffers) that training, which
 * usually comes next, can use; the next drop starts and warms a new pool.
 */
export function endPreprocessingWorkers(): void {
  pool?.terminate();
  pool = null;
}
