// Worker: preprocesses one patient at a time from the dropped files straight into IndexedDB
// (workers/preprocessPatientJob.ts); only metadata and progress go back to the page.
import { expose } from 'comlink';
import { blobSource, type DroppedFile } from '../dicom/blobSource';
import type { PipelineParams } from '../pipeline/params';
import { openCache } from '../storage/schema';
import { runPreprocessJob, type ProgressFn } from './preprocessPatientJob';

export interface PreprocessRequest {
  patient: string;
  files: DroppedFile[];
  params: PipelineParams;
  spacing: [number, number, number] | null;
}

const preprocessApi = {
  async preprocess(req: PreprocessRequest, onProgress: ProgressFn) {
    const db = await openCache();
    return runPreprocessJob(db, { patient: req.patient, sources: req.files.map(blobSource), params: req.params, spacing: req.spacing }, onProgress);
  },
};

export type PreprocessApi = typeof preprocessApi;
expose(preprocessApi);
