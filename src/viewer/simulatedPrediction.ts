// A stand-in "prediction" until a trained model exists: the ground truth shifted sideways, so
// the prediction and difference overlays can be seen and tested with something that is neither
// identical to nor disjoint from the truth. Pure. Remove once the model's inference feeds the viewer.

/** The truth moved `shift` pixels to the right on every slice (pixels moved out are dropped). */
export function shiftedTruth(truth: Uint8Array, width: number, height: number, shift: number): Uint8Array {
  const out = new Uint8Array(truth.length);
  const slices = truth.length / (width * height);
  for (let s = 0; s < slices; s++) {
    for (let y = 0; y < height; y++) {
      const row = (s * height + y) * width;
      for (let x = Math.max(0, shift); x < Math.min(width, width + shift); x++) out[row + x] = truth[row + x - shift];
    }
  }
  return out;
}
