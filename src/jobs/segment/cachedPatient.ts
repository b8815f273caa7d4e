// The viewer's side of the job: a patient from the cache (its kept slices, already windowed and
// CLAHE'd by preprocessing, and their truth) segmented whole. The probabilities are kept with the
// patient so a threshold or "largest component" change only re-binarises; the metrics use the
// cached spacing; the exports take their positions and UIDs from the original CT files when given.
// Also the dataset-wide run behind the results table (nothing kept but the numbers).
// A model that says what input it needs (an ONNX model's sidecar) runs on cached slices only when the
// dataset was preprocessed that way; otherwise it is refused, saying why.
// No DOM: runs in the infer worker, reading IndexedDB through src/storage.
import type { MaskSettings } from '../../model/probabilityMask';
import type { SegmentationModel } from '../../model/segmentationModel';
import type { PipelineParams } from '../../pipeline/params';
import type { PatientMetrics } from '../../metrics/patientMetrics';
import type { CachedPatient, Db } from '../../storage/schema';
import { readPatientVolume } from '../../storage/readPatient';
import type { DicomSlice } from '../../dicom/types';
import { geometryFromSlices, geometryFromSpacing } from '../../export/geometry';
import { maskAndMetrics, segmentVolume, type MaskResult } from './segmentVolume';
import { montageOfMask, niftiOfMask, segOfMask, type SegOutcome } from './segmentationExports';

/** A model ready to run, and its name. */
export interface ReadyModel {
  model: SegmentationModel;
  /** Named in the exports (NIfTI description, SEG algorithm). */
  name: string;
}

/** Why cached slices (preprocessed with `params`) are not what the model takes, or null when they are. */
export function cachedInputMismatch(model: SegmentationModel, params: PipelineParams, modelName: string): string | null {
  const p = model.preprocessing;
  if (!p) return null;
  const cached = `W${params.windowWidth}/L${params.windowCenter}, CLAHE clip ${params.claheClipLimit} on ${params.claheTilesX}×${params.claheTilesY} tiles`;
  if (!p.window) return `${modelName} takes HU (its sidecar's window is null); the cache holds windowed 8-bit slices (${cached}): segment the originals with \`npm run cli -- segment\``;
  const clahe = p.clahe;
  const same =
    p.window.width === params.windowWidth &&
    p.window.center === params.windowCenter &&
    (clahe ? clahe.clipLimit === params.claheClipLimit && clahe.tiles[0] === params.claheTilesX && clahe.tiles[1] === params.claheTilesY : false);
  if (same) return null;
  const wants = `W${p.window.width}/L${p.window.center}, ${clahe ? `CLAHE clip ${clahe.clipLimit} on ${clahe.tiles[0]}×${clahe.tiles[1]} tiles` : 'no CLAHE'}`;
  return `${modelName} takes slices windowed ${wants}; this dataset was preprocessed ${cached}: preprocess the patients with the model's settings, or segment the originals with \`npm run cli -- segment\``;
}

function checkCachedInput(ready: ReadyModel, meta: CachedPatient): void {
  const mismatch = cachedInputMismatch(ready.model, meta.params, ready.name);
  if (mismatch) throw new Error(mismatch);
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
  checkCachedInput(ready, meta);
  const { images, masks } = await readPatientVolume(db, meta);
  const { probabilities, msPerSlice } = await segmentVolume(ready.model, { ...dimsOf(meta), images }, { onProgress });
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
    checkCachedInput(ready, meta);
    const { images, masks } = await readPatientVolume(db, meta);
    const { probabilities } = await segmentVolume(ready.model, { ...dimsOf(meta), images });
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
