// Main-thread side of preprocessing, a thin shell: the worker pool and its warm-up, the input hashes
// remembered for the dropped files, and the jobs of jobs/preprocess/ wired to the pool — one job per
// patient over the worker pool, or, when there are fewer patients than workers, one patient split into
// contiguous shares so every core works on it (jobs/preprocess/splitPatient.ts) — cancellable at any
// moment (the workers are terminated; an interrupted IndexedDB transaction writes nothing, and shares
// never committed are swept as orphans).
import { proxy } from 'comlink';
import type { DroppedFile } from '../common/blobSource';
import type { PatientScan } from '../discovery/types';
import type { PipelineParams } from '../pipeline/params';
import { openCache } from '../storage/schema';
import { inputHash } from '../storage/hash';
import { blobSource } from '../common/blobSource';
import { patientFilesOf, patientSourceFiles } from '../discovery/patientSources';
import { WorkerPool } from './pool';
import type { PreprocessApi } from './preprocess.worker';
import type { PartOutcome, PreprocessOutcome, ProgressFn } from '../jobs/preprocess/types';
import { runSplitPatientJob } from '../jobs/preprocess/splitPatient';

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
 * so V8 has compiled them before "Preprocess" (see jobs/preprocess/warmUp.ts). Busy workers are skipped.
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

/**
 * Preprocesses one scanned patient on up to `maxParts` workers of the pool at once
 * (jobs/preprocess/splitPatient.ts): the whole-patient job or the shares on the pool's workers, the
 * lookup on this thread with the input hash remembered for these files.
 */
export function preprocessScannedPatient(
  scan: PatientScan,
  files: DroppedFile[],
  params: PipelineParams,
  maxParts: number,
  onProgress: ProgressFn,
): Promise<PreprocessOutcome> {
  const workers = preprocessPool();
  return runSplitPatientJob(
    { scan, files, params, maxParts },
    {
      whole: (report) => workers.use<PreprocessOutcome>((api) => api.preprocess({ patient: scan.name, patientFiles: patientFilesOf(scan), files, params, spacing: scan.spacing }, proxy(report))),
      share: (share, report) => workers.use<PartOutcome>((api) => api.preprocessPart({ ...share, files }, proxy(report))),
      inputHash: () => patientInputHash(files),
      cache: () => openCache(),
    },
    onProgress,
  );
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
