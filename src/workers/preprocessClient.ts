// Main-thread side of preprocessing: one job per patient over the worker pool — or, when there are
// fewer patients than workers, one patient split into contiguous shares so every core works on it —
// cancellable at any moment (the workers are terminated; an interrupted IndexedDB transaction writes
// nothing, and shares never committed are swept as orphans).
import { proxy } from 'comlink';
import type { DroppedFile } from '../common/blobSource';
import type { PatientScan } from '../discovery/types';
import { PIPELINE_VERSION, type PipelineParams } from '../pipeline/params';
import { openCache, type CachedPatient } from '../storage/schema';
import { commitPatient, discardSlices, findPatient } from '../storage/datasets';
import { inputHash, patientKey } from '../storage/hash';
import { blobSource } from '../common/blobSource';
import { patientSourceFiles } from '../discovery/patientSources';
import { WorkerPool } from './pool';
import type { PreprocessApi, PreprocessRequest } from './preprocess.worker';
import type { PreprocessOutcome, ProgressFn, StepTimes } from '../jobs/preprocess/wholePatient';
import { planPatientParts } from '../jobs/preprocess/plan';
import type { PartOutcome } from '../jobs/preprocess/patientShare';

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

/** Input hashes of the very same Blobs (immutable: same objects, same bytes), so a drop's patients are hashed once. */
const inputHashes = new Map<string, { blobs: Blob[]; hash: Promise<string> }>();
const INPUT_HASHES_KEPT = 256;

/**
 * The content hash of a patient's input files (storage/hash.ts), remembered for the same files. Called
 * once the patient list is shown for patients given as zips (a few small reads of their central
 * directories), so a split run's cache lookup is a string hash and one IndexedDB get.
 */
export function patientInputHash(files: DroppedFile[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const id = sorted.map((f) => f.path).join('\n');
  const known = inputHashes.get(id);
  if (known && known.blobs.length === sorted.length && known.blobs.every((b, i) => b === sorted[i].file)) return known.hash;
  if (inputHashes.size >= INPUT_HASHES_KEPT) inputHashes.clear();
  const hash = inputHash(sorted.map(blobSource));
  hash.catch(() => inputHashes.delete(id));
  inputHashes.set(id, { blobs: sorted.map((f) => f.file), hash });
  return hash;
}

/** The patient's cache key for these settings and its cached record, if any (on this thread: no worker round trip). */
async function lookupPatient(name: string, files: DroppedFile[], params: PipelineParams): Promise<{ key: string; inputHash: string; hashMs: number; cached?: CachedPatient }> {
  const t = performance.now();
  const input = await patientInputHash(files);
  const key = await patientKey(name, input, params, PIPELINE_VERSION);
  const cached = await findPatient(await openCache(), key);
  return { key, inputHash: input, hashMs: performance.now() - t, ...(cached ? { cached } : {}) };
}

function preprocessPoolSize(): number {
  return preprocessPool().size;
}

/** Shares each patient is split into when `usable` patients are preprocessed together (1: whole-patient jobs). */
export function partsPerPatient(usable: number): number {
  return Math.max(1, Math.floor(preprocessPoolSize() / Math.max(1, usable)));
}

/**
 * Once the patient list is shown: the input hashes of the patients given as zips, when they will be
 * split across the pool (whole-patient jobs hash in their worker), so their lookup reads no file then.
 */
export function hashAheadOfSplitRuns(patients: PatientScan[], sources: DroppedFile[]): void {
  const usable = patients.filter((p) => p.usable);
  if (partsPerPatient(usable.length) < 2) return;
  for (const p of usable) {
    const files = patientSourceFiles(sources, p);
    if (files.length > 0 && files.every((f) => /\.zip$/i.test(f.path))) patientInputHash(files).catch(() => {});
  }
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
  const found = await lookupPatient(scan.name, files, params);
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
    await discardSlices(await openCache(), found.key).catch(() => {});
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
    await commitPatient(await openCache(), meta);
  } catch (e) {
    await discardSlices(await openCache(), found.key).catch(() => {});
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
