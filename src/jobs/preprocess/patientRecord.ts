// The cached patient's record (storage/schema.ts CachedPatient), built in one place for both ways a
// patient reaches the cache: the whole-patient job (wholePatient.ts, stored with its slices by
// putPatient) and a patient split across the pool (splitPatient.ts, committed by commitPatient once
// every share's slices are in). The fields are written in one order, so both store the same record.
// Pure: no DOM, no workers, no IndexedDB.
import { PIPELINE_VERSION, type PipelineParams } from '../../pipeline/params';
import type { CachedPatient } from '../../storage/schema';

/** A patient's shape, the organ's first/last non-empty slice and the kept range, as `preprocessPatient` computes them. */
export type PatientShape = Pick<CachedPatient, 'width' | 'height' | 'sliceCount' | 'start' | 'end' | 'keptFrom' | 'keptTo' | 'kept'>;

export interface PatientRecordFields {
  key: string;
  patient: string;
  inputHash: string;
  params: PipelineParams;
  shape: PatientShape;
  spacing: [number, number, number] | null;
  /** The source files it was made from (paths relative to the drop, `/`-separated) and their sizes. */
  sources: readonly { path: string; size: number }[];
  /** What its slices take in the cache (the whole-patient job: the images, the masks' runs are added when stored). */
  bytes: number;
  /** False when cached without ground truth (no mask of the organ). */
  groundTruth?: boolean;
}

/** The record of a patient made now from `fields`, under the current pipeline version. */
export function cachedPatientRecord({ key, patient, inputHash, params, shape, spacing, sources, bytes, groundTruth = true }: PatientRecordFields): CachedPatient {
  return {
    key,
    name: patient,
    inputHash,
    params: { ...params },
    pipelineVersion: PIPELINE_VERSION,
    width: shape.width,
    height: shape.height,
    sliceCount: shape.sliceCount,
    start: shape.start,
    end: shape.end,
    keptFrom: shape.keptFrom,
    keptTo: shape.keptTo,
    kept: shape.kept,
    spacing,
    sources: sources.map((s) => ({ path: s.path, size: s.size })),
    bytes,
    createdAt: Date.now(),
    ...(groundTruth ? {} : { groundTruth: false as const }),
  };
}
