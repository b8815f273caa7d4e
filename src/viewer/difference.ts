// The DIFFERENCE view as one labelmap: each voxel says whether truth and prediction agree.
// Pure: typed arrays in and out, runs anywhere.
export const DIFFERENCE_LABEL = Object.freeze({ none: 0, truePositive: 1, falsePositive: 2, falseNegative: 3 });

/** 1 where both are set (TP), 2 where only the prediction is (FP), 3 where only the truth is (FN). */
export function differenceLabelmap(truth: Uint8Array, prediction: Uint8Array, out = new Uint8Array(truth.length)): Uint8Array {
  if (prediction.length !== truth.length || out.length !== truth.length) {
    throw new RangeError(`differenceLabelmap: truth ${truth.length}, prediction ${prediction.length}, out ${out.length} values`);
  }
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] !== 0;
    const p = prediction[i] !== 0;
    out[i] = t ? (p ? 1 : 3) : p ? 2 : 0;
  }
  return out;
}
