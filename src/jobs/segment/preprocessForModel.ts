// The model's input for a whole CT series: every slice windowed and CLAHE'd with the pipeline's own
// per-slice steps (src/pipeline/preprocessPatient.ts windowSlice / claheSlice) and settings, so the
// slices look like those the model was trained on. Unlike preprocessing for training, nothing is
// cut to the organ's range: a segmentation covers the whole series. (The viewer segments cached
// patients, whose kept slices are already preprocessed, and does not need this.) A model that says
// what it takes (an ONNX model's sidecar: its window, CLAHE or none, or raw HU without a window) gets
// exactly that; a model trained here gets the pipeline's settings.
// Pure: typed arrays only; runs in Node and workers.
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../../pipeline/params';
import { claheSlice, windowSlice, type CtSliceInput } from '../../pipeline/preprocessPatient';
import { sliceHounsfield } from '../../export/msdDataset';
import type { VolumeToSegment } from '../../model/inference';
import type { ModelPreprocessing } from '../../model/segmentationModel';

/** A CT slice with its size, as DICOM gives it. */
export interface CtSlice extends CtSliceInput {
  rows: number;
  columns: number;
}

/** Every slice of `ct` (all rows × columns of the first) as uint8 after window + CLAHE, slices × rows × columns. */
export function preprocessForModel(ct: readonly CtSlice[], params: PipelineParams = DEFAULT_PIPELINE_PARAMS): VolumeToSegment & { images: Uint8Array } {
  const width = ct[0].columns;
  const height = ct[0].rows;
  const px = width * height;
  const images = new Uint8Array(ct.length * px);
  const windowed = new Uint8Array(px);
  for (let s = 0; s < ct.length; s++) {
    windowSlice(ct[s], params, windowed);
    claheSlice(windowed, width, height, params, images.subarray(s * px, (s + 1) * px));
  }
  return { width, height, slices: ct.length, images };
}

/** The input a model says it takes (null: the pipeline's defaults): windowed uint8, equalised or not, or HU (as the MSD export writes them: the DICOM modality LUT) without a window. */
export function preprocessForModelInput(ct: readonly CtSlice[], wants: ModelPreprocessing | null): VolumeToSegment {
  if (!wants) return preprocessForModel(ct);
  const width = ct[0].columns;
  const height = ct[0].rows;
  const px = width * height;
  if (!wants.window) {
    const images = new Float32Array(ct.length * px);
    const hu = new Int16Array(px);
    for (let s = 0; s < ct.length; s++) images.set(sliceHounsfield(ct[s], hu).hu, s * px);
    return { width, height, slices: ct.length, images };
  }
  const params = { windowWidth: wants.window.width, windowCenter: wants.window.center };
  if (wants.clahe) {
    const { clipLimit, tiles } = wants.clahe;
    return preprocessForModel(ct, { ...DEFAULT_PIPELINE_PARAMS, ...params, claheClipLimit: clipLimit, claheTilesX: tiles[0], claheTilesY: tiles[1] });
  }
  const images = new Uint8Array(ct.length * px);
  for (let s = 0; s < ct.length; s++) windowSlice(ct[s], params, images.subarray(s * px, (s + 1) * px));
  return { width, height, slices: ct.length, images };
}
