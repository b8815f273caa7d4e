// The viewer's side of the job: a patient from the cache (its kept slices, already windowed and
// CLAHE'd by preprocessing, and their truth) segmented whole. The probabilities are kept with the
// patient so a threshold or "largest component" change only re-binarises; the metrics use the
// cached spacing; the exports take their positions and UIDs from the original CT files when given.
// Also the dataset-wide run behind the results table (nothing kept but the numbers).
// No DOM: runs in the infer worker, reading IndexedDB through src/storage.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { MaskSettings } from '../../model/probabilityMask';
import type { PatientMetrics } from '../../metrics/patientMetrics';
import type { CachedPatient, Db } from '../../storage/schema';
import { readPatientVolume } from '../../storage/readPatient';
import type { DicomSlice } from '../../dicom/types';
import { geometryFromSlices, geometryFromSpacing } from '../../export/geometry';
import { maskAndMetrics, segmentVolume, type MaskResult } from './segmentVolume';
import { montageOfMask, niftiOfMask, segOfMask, type SegOutcome } from './segmentationExports';

/** A model ready to run: the layers model and its square input size. */
export interface ReadyModel {
  model: tfl.LayersModel;
  size: number;
  /** Named in the exports (NIfTI description, SEG algorithm). */
  name: string;
}

/** A segmented cached patient: what the mask, the metrics and the exports need. */
export interface SegmentedPatient {
  meta: CachedPatient;
  /** Kept slices after window + CLAHE, and their 0/1 truth, kept × height × width. */
  images: Uint8Array;
  truth: Uint8Array;
  /** Probabilities × 255, kept × height × width. */
  probabilities: Uint8Array;
  modelName: string;
  msPerSlice: number;
}

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

/** Runs the model over every kept slice of the cached patient. */
export async function segmentCachedPatient(db: Db, meta: CachedPatient, ready: ReadyModel, onProgress?: (done: number, total: number) => void): Promise<SegmentedPatient> {
  const { images, masks } = await readPatientVolume(db, meta);
  const { probabilities, msPerSlice } = await segmentVolume(ready.model, { ...dimsOf(meta), images }, { size: ready.size, onProgress });
  return { meta, images, truth: masks, probabilities, modelName: ready.name, msPerSlice };
}

/** The patient's mask at these settings and its metrics against the cached truth. */
export function maskOfCached(p: SegmentedPatient, settings: MaskSettings): MaskResult {
  return maskAndMetrics(p.probabilities, p.truth, dimsOf(p.meta), cachedSpacing(p.meta), settings);
}

/** Segments each patient in turn, keeping only its metrics. */
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
    const { metrics } = maskAndMetrics(probabilities, masks, dimsOf(meta), cachedSpacing(meta), settings);
    rows.push({ patient: meta.name, patientKey: meta.key, slices: meta.kept, metrics });
  }
  onProgress?.(metas.length, metas.length, '');
  return rows;
}

/** NIfTI of the mask; positioned from the kept CT slices' headers, or (given why not) from the cached spacing only. */
export function niftiOfCached(p: SegmentedPatient, settings: MaskSettings, ct: DicomSlice[] | string): { bytes: Uint8Array; positioned: boolean } {
  const { meta } = p;
  const geometry =
    typeof ct === 'string' ? geometryFromSpacing(meta.width, meta.height, meta.kept, cachedSpacing(meta)) : geometryFromSlices(ct, 0, ct.length - 1, meta.spacing?.[2]);
  return { bytes: niftiOfMask(maskOfCached(p, settings).mask, geometry, `LiverLab ${p.modelName}`), positioned: geometry.fromDicom };
}

/** DICOM SEG of the mask referencing the kept CT slices, or why it cannot be made. */
export function segOfCached(p: SegmentedPatient, settings: MaskSettings, ct: DicomSlice[] | string): SegOutcome {
  if (typeof ct === 'string') return { problem: `a DICOM SEG must reference the CT it segments: ${ct}. NIfTI export still works.` };
  return segOfMask(maskOfCached(p, settings).mask, ct, { patientName: p.meta.name, algorithmName: p.modelName, sliceSpacing: p.meta.spacing?.[2] });
}

/** PNG montage of the cached slices with the prediction and the truth outline. */
export function montageOfCached(p: SegmentedPatient, settings: MaskSettings): Uint8Array {
  const { width, height } = p.meta;
  return montageOfMask({ width, height, pixels: p.images, mask: maskOfCached(p, settings).mask, truth: p.truth });
}
