// Worker: preprocesses patients from the dropped files straight into IndexedDB — a whole patient
// (jobs/preprocess/wholePatient.ts), or one share of a patient split across the pool
// (jobs/preprocess/patientShare.ts, coordinated from the page by jobs/preprocess/splitPatient.ts); only
// metadata and progress go back to the page.
import { expose } from 'comlink';
import { blobSource, type DroppedFile } from '../common/blobSource';
import type { PipelineParams } from '../pipeline/params';
import type { PatientFiles } from '../discovery/types';
import { openCache } from '../storage/schema';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import { runPartJob, type ShareJob } from '../jobs/preprocess/patientShare';
import type { ProgressFn } from '../jobs/preprocess/types';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';
import { loadClaheKernel } from '../pipeline/claheKernel';
import { warmUpSliceSteps } from '../jobs/preprocess/warmUp';

export interface PreprocessRequest {
  patient: string;
  /** Which of `files` are the patient's CT and masks, as the scan grouped them. */
  patientFiles: PatientFiles;
  files: DroppedFile[];
  params: PipelineParams;
  spacing: [number, number, number] | null;
}

/** One share of a split patient (jobs/preprocess/splitPatient.ts), with the patient's files. */
export interface PartRequest extends ShareJob {
  files: DroppedFile[];
}

/**
 * The WASM modules, loading from the worker's start: zlib (every slice read from a zip is inflated)
 * and the CLAHE kernel. Either one failing leaves that step in JS.
 */
const wasmReady = Promise.all([loadZlibWasm(), loadClaheKernel()]);

let warmedUp = false;

const preprocessApi = {
  /** Nothing but being loaded, with the cache open: the pool's warm-up. */
  async ready(): Promise<void> {
    await Promise.all([openCache(), wasmReady]);
  },

  /** Compiles the per-slice steps ahead of the first slice (jobs/preprocess/warmUp.ts); once per worker. */
  async warmUp(params: PipelineParams): Promise<number> {
    if (warmedUp) return 0;
    warmedUp = true;
    await wasmReady; // the steps as the jobs will run them
    return warmUpSliceSteps(params);
  },

  async preprocess(req: PreprocessRequest, onProgress: ProgressFn) {
    const [db] = await Promise.all([openCache(), wasmReady]);
    return runPreprocessJob(db, { patient: req.patient, files: req.patientFiles, sources: req.files.map(blobSource), params: req.params, spacing: req.spacing }, onProgress);
  },

  async preprocessPart(req: PartRequest, onProgress: ProgressFn) {
    const [db] = await Promise.all([openCache(), wasmReady]);
    return runPartJob(db, { ...req, sources: req.files.map(blobSource) }, onProgress);
  },
};

export type PreprocessApi = typeof preprocessApi;
expose(preprocessApi);
