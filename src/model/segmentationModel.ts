// What segmentation needs of a model, whatever made it: its square input size, what its input
// slices must look like, and `predict` from a batch of slices to probabilities. The tfjs layers
// models trained here and ONNX models trained elsewhere (model/onnxModel.ts) both stand behind it,
// so inference, evaluation, the viewer's segmentation, the metrics and the exports never ask which.
// Pure: typed arrays and tfjs; no DOM, no IndexedDB; never chooses a backend.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The input a model was trained on: a CT window to uint8 (or raw HU when null), CLAHE on that (or none), then × scale. */
export interface ModelPreprocessing {
  window: { width: number; center: number } | null;
  clahe: { clipLimit: number; tiles: [number, number] } | null;
  /** Applied to the windowed (and equalised) uint8 value, or to HU when there is no window: e.g. 1/255. */
  scale: number;
}

export interface SegmentationModel {
  kind: 'tfjs' | 'onnx';
  /** Square input size in pixels. */
  inputSize: number;
  /** What the input slices must be; null: LiverLab's own preprocessing, whatever the dataset used (tfjs models trained here). */
  preprocessing: ModelPreprocessing | null;
  /** The threshold its maker suggests for the mask (0.5 when not said). */
  threshold: number;
  /**
   * `n` slices of inputSize² (x fastest), each value as preprocessing leaves it before the scale
   * (uint8 0..255 after window + CLAHE, or HU without a window) → probabilities 0..1, same layout.
   */
  predict(slices: Float32Array, n: number): Promise<Float32Array>;
  dispose(): void;
}

/** A tfjs layers model (NHWC, sigmoid output) trained here on cached slices / 255. */
export function tfjsSegmentationModel(model: tfl.LayersModel, inputSize: number): SegmentationModel {
  return {
    kind: 'tfjs',
    inputSize,
    preprocessing: null,
    threshold: 0.5,
    async predict(slices, n) {
      const x = new Float32Array(slices.length);
      for (let i = 0; i < x.length; i++) x[i] = slices[i] / 255;
      const probs = tf.tidy(() => model.predict(tf.tensor4d(x, [n, inputSize, inputSize, 1])) as tf.Tensor);
      try {
        return (await probs.data()) as Float32Array;
      } finally {
        probs.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
