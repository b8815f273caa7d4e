// The viewer's side of the job when only the cache is at hand: a cached patient's slices (already
// windowed and CLAHE'd by preprocessing) and their truth, segmented — the kept slab of a patient with
// ground truth (said so: scope 'slab'), or every slice of a scan cached without one (scope 'scan').
// The exports take their positions and UIDs from the original CT files when given. Also the
// dataset-wide run behind the results table (nothing kept but the numbers).
// No DOM: runs in the infer worker, reading IndexedDB through src/storage.
import type { MaskSettings } from '../../model/probabilityMask';
import type { PatientMetrics } from '../../metrics/patientMetrics';
import type { CachedPatient, Db } from '../../storage/schema';
import { readPatientVolume } from '../../storage/readPatient';
import { maskAndMetrics, segmentVolume, type ReadyModel } from './segmentVolume';
import type { Segmentation } from './segmentation';

export type { ReadyModel };

/** One row of the results table. */
export interface ResultRow {
  patient: string;
  patientKey: string;
  slices: number;
  metrics: PatientMetrics;
}

/** The cached [row, column, slice] spacing, or 1 mm each when unknown. */
export function cachedSpacing(meta: CachedPatient): [number, number, number] {
  return meta.spacing ?? [1, 1, 1];
}

const dimsOf = (meta: CachedPatient) => ({ width: meta.width, height: meta.height, slices: meta.kept });

/** Runs the model over every cached slice of the patient. */
export async function segmentCachedPatient(db: Db, meta: CachedPatient, ready: ReadyModel, onProgress?: (done: number, total: number) => void): Promise<Segmentation> {
  const { images, masks } = await readPatientVolume(db, meta);
  const { probabilities, msPerSlice } = await segmentVolume(ready.model, { ...dimsOf(meta), images }, { size: ready.size, onProgress });
  const withTruth = meta.groundTruth !== false;
  return {
    name: meta.name,
    scope: withTruth ? 'slab' : 'scan',
    ...dimsOf(meta),
    spacing: cachedSpacing(meta),
    images,
    truth: withTruth ? masks : null,
    probabilities,
    slab: null,
    ct: null,
    modelName: ready.name,
    msPerSlice,
  };
}

/** Segments each patient in turn, keeping only its metrics (on its cached slices). */
export async function segmentCachedPatients(
  db: Db,
  metas: CachedPatient[],
  ready: ReadyModel,
  settings: MaskSettings,
  onProgress?: (done: number, total: number, patient: string) => void,
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const [i, meta] of metas.entries()) {
    onProgress?.(i, metas.length, meta.name);
    const { images, masks } = await readPatientVolume(db, meta);
    const { probabilities } = await segmentVolume(ready.model, { ...dimsOf(meta), images }, { size: ready.size });
    const { metrics } = maskAndMetrics(probabilities, meta.groundTruth === false ? null : masks, dimsOf(meta), cachedSpacing(meta), settings);
    rows.push({ patient: meta.name, patientKey: meta.key, slices: meta.kept, metrics });
  }
  onProgress?.(metas.length, metas.length, '');
  return rows;
}
