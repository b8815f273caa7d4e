// Resizes slices between the cached size (e.g. 512²) and the model's input size (e.g. 128²):
// bilinear with half-pixel centres (like tf.image.resizeBilinear with halfPixelCenters / OpenCV
// INTER_LINEAR), so a prediction resized back lines up with the CT. Pure: typed arrays only.

/** Bilinear resize of one H×W uint8 or float plane to h×w, into a Float32Array (values unscaled). */
export function resizeBilinear(src: ArrayLike<number>, width: number, height: number, outWidth: number, outHeight: number, out = new Float32Array(outWidth * outHeight)): Float32Array {
  if (width === outWidth && height === outHeight) {
    for (let i = 0; i < out.length; i++) out[i] = src[i];
    return out;
  }
  const sy = height / outHeight;
  const sx = width / outWidth;
  const x0s = new Int32Array(outWidth);
  const x1s = new Int32Array(outWidth);
  const fxs = new Float32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, width - 1);
    fxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    const r0 = y0 * width;
    const r1 = y1 * width;
    const o = y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = src[r0 + x0s[x]];
      const b = src[r0 + x1s[x]];
      const c = src[r1 + x0s[x]];
      const d = src[r1 + x1s[x]];
      const wx = fxs[x];
      out[o + x] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
    }
  }
  return out;
}

/** Resize to uint8 with rounding (images). */
export function resizeImageU8(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const f = resizeBilinear(src, width, height, outWidth, outHeight);
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
  return out;
}

/** Resize a 0/1 (or probability) mask and threshold it: 1 where the interpolated value ≥ threshold. */
export function resizeMask(src: ArrayLike<number>, width: number, height: number, outWidth: number, outHeight: number, threshold = 0.5): Uint8Array {
  const f = resizeBilinear(src, width, height, outWidth, outHeight);
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = f[i] >= threshold ? 1 : 0;
  return out;
}
