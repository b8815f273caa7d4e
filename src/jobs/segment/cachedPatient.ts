// The viewer's side of the job when only the cache is at hand: a cached patient's slices (already
// windowed and CLAHE'd by preprocessing) and their truth, segmented — the kept slab of a patient with
// ground truth (said so: scope 'slab'), or every slice of a scan cached without one (scope 'scan').
// The exports take their positions and UIDs from the original CT files when given. Also the
// dataset-wide run behind the results table (nothing kept but the numbers).
// A model that says what input it needs (an ONNX model's sidecar) runs on cached slices only when the
// dataset was preprocessed that way; otherwise it is refused, saying why.
// No DOM: runs in the infer worker, reading IndexedDB through src/storage.
import type { SegmentationModel } from '../../model/segmentationModel';
import type { PipelineParams } from '../../pipeline/params';
import type { MaskSettings } from '../../model/probabilityMask';
import type { PatientMetrics } from '../../metrics/patientMetrics';
import type { CachedPatient, Db } from '../../storage/schema';
import { readPatientVolume } from '../../storage/readPatient';
import { maskAndMetrics, segmentVolume, type ReadyModel } from './segmentVolume';
import type { Segmentation } from './segmentation';

export type { ReadyModel };

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
  const { probabilities, msPerSlice } = await segmentVolume(ready.model, { ...dimsOf(meta), images }, { onProgress });
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
    const { probabilities } = await segmentVolume(ready.model, { ...dimsOf(meta), images });
    const { metrics } = maskAndMetrics(probabilities, meta.groundTruth === false ? null : masks, dimsOf(meta), cachedSpacing(meta), settings);
    rows.push({ patient: meta.name, patientKey: meta.key, slices: meta.kept, metrics });
  }
  onProgress?.(metas.length, metas.length, '');
  return rows;
}
