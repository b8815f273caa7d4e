// The core of segmenting one patient, the same for the viewer and the CLI: a loaded model over a
// volume of preprocessed uint8 slices gives probabilities (p × 255, at the slices' own size), and
// probabilities at a threshold (optionally only the largest component) give the mask and its
// metrics against the truth. Kept apart from where the slices come from (the cache, DICOM files)
// and where the mask goes (the viewer, the exports).
// The model is any SegmentationModel (a tfjs model trained here, or an ONNX model with its sidecar).
// Pure: typed arrays; no DOM, no IndexedDB; never chooses a backend.
import { predictProbabilities, type VolumeToSegment } from '../../model/inference';
import type { SegmentationModel } from '../../model/segmentationModel';
import { maskFromProbabilities, type MaskSettings } from '../../model/probabilityMask';
import { patientMetrics, type PatientMetrics } from '../../metrics/patientMetrics';
import type { Spacing } from '../../metrics/volumeMl';

/** A model ready to run (a tfjs or an ONNX model; its input size is the model's). */
export interface ReadyModel {
  model: SegmentationModel;
  /** Named in the exports (NIfTI description, SEG algorithm). */
  name: string;
}

export interface SegmentOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SegmentedVolume {
  /** Probabilities × 255, slices × height × width. */
  probabilities: Uint8Array;
  msPerSlice: number;
}

/** Every slice of `volume` through the model (resized to its input size and back), timed. */
export async function segmentVolume(model: SegmentationModel, volume: VolumeToSegment, options: SegmentOptions = {}): Promise<SegmentedVolume> {
  const t0 = performance.now();
  const probabilities = await predictProbabilities(model, volume, { batchSize: options.batchSize ?? 4, onProgress: options.onProgress });
  return { probabilities, msPerSlice: (performance.now() - t0) / volume.slices };
}

/** A volume's size in voxels. */
export interface VolumeDims {
  width: number;
  height: number;
  slices: number;
}

export interface MaskResult {
  mask: Uint8Array;
  metrics: PatientMetrics;
}

/** The 0/1 mask at these settings and its metrics against `truth` (null: volumes only, with the reason). */
export function maskAndMetrics(probabilities: Uint8Array, truth: Uint8Array | null, dims: VolumeDims, spacing: Spacing, settings: MaskSettings): MaskResult {
  const { width: w, height: h, slices: d } = dims;
  const mask = maskFromProbabilities(probabilities, w, h, d, settings);
  return { mask, metrics: patientMetrics(mask, truth, w, h, d, spacing) };
}

/** e.g. "model takes 64², slices are 512²: resized", or null when the sizes match. */
export function resizeNote(size: number, width: number, height: number): string | null {
  if (size === width && size === height) return null;
  const slices = width === height ? `${width}²` : `${width}×${height}`;
  return `model takes ${size}², slices are ${slices}: resized`;
}
