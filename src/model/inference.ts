// Whole-patient inference: every slice of a volume through a model (tfjs or ONNX, behind
// SegmentationModel), batch by batch, each slice
// resized to the model's input (bilinear, half-pixel centres) and its probabilities resized back to
// the slice's size, so the prediction lines up voxel for voxel with the CT. Probabilities are kept
// as uint8 (p × 255, rounded): a quarter of float32's memory at 512², ample for thresholds in 1/255.
// Pure: typed arrays; no DOM, no IndexedDB; runs in the infer worker and the CLI. Never chooses a
// backend and never keeps more than one batch alive.
import { resizeBilinear } from './resize';
import type { SegmentationModel } from './segmentationModel';

export interface VolumeToSegment {
  width: number;
  height: number;
  slices: number;
  /** slices × height × width: uint8 after window + CLAHE (what the model was trained on, before its scale), or HU for a model without a window. */
  images: Uint8Array | Float32Array;
}

export interface InferenceOptions {
  batchSize?: number;
  /** Called after each batch with slices done and total. */
  onProgress?: (done: number, total: number) => void;
}

/** Probabilities ×255 (uint8), slices × height × width. */
export async function predictProbabilities(model: SegmentationModel, volume: VolumeToSegment, options: InferenceOptions = {}): Promise<Uint8Array> {
  const { width: w, height: h, slices } = volume;
  const { batchSize = 4, onProgress } = options;
  const size = model.inputSize;
  const px = w * h;
  const mpx = size * size;
  const out = new Uint8Array(slices * px);
  const back = new Float32Array(px);
  for (let start = 0; start < slices; start += batchSize) {
    const n = Math.min(batchSize, slices - start);
    const x = new Float32Array(n * mpx);
    for (let k = 0; k < n; k++) {
      const slice = volume.images.subarray((start + k) * px, (start + k + 1) * px);
      resizeBilinear(slice, w, h, size, size, x.subarray(k * mpx, (k + 1) * mpx));
    }
    const p = await model.predict(x, n);
    for (let k = 0; k < n; k++) {
      resizeBilinear(p.subarray(k * mpx, (k + 1) * mpx), size, size, w, h, back);
      const o = (start + k) * px;
      for (let i = 0; i < px; i++) out[o + i] = Math.round(Math.min(1, Math.max(0, back[i])) * 255);
    }
    onProgress?.(start + n, slices);
  }
  return out;
}
