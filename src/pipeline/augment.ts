// augment: the training-time augmentation of the reference (Keras
// `ImageDataGenerator(rotation_range=3, width_shift_range=0.01, height_shift_range=0.01,
// shear_range=0.01, zoom_range=0.01, fill_mode='nearest')`): random parameters drawn in Keras's
// order from a seeded stream, and the same affine transform applied to an image and its mask.
// Pure: no DOM, no IndexedDB, no workers. Never draws from Math.random: a run is reproducible.

import { affineMatrix, applyAffine, type AffineParams } from './affine';
import { uniform, type Rng } from './random';

/** Keras ImageDataGenerator ranges (same names and units). */
export interface AugmentRanges {
  /** Degrees: θ ~ U(−r, r). */
  rotationRange: number;
  /** Fraction of the width (< 1) or pixels (≥ 1): ty ~ U(−r, r)(·W). */
  widthShiftRange: number;
  /** Fraction of the height (< 1) or pixels (≥ 1): tx ~ U(−r, r)(·H). */
  heightShiftRange: number;
  /** Shear angle in DEGREES: shear ~ U(−r, r). */
  shearRange: number;
  /** zx, zy ~ U(1 − r, 1 + r) independently. */
  zoomRange: number;
  /** Grey levels (0–255): c ~ U(−r, r) added, clipped to the slice's own min and max. Absent or 0: off. */
  channelShiftRange?: number;
  /** Brightness factor ~ U(1 − r, 1 + r) (Keras's brightness_range = (1 − r, 1 + r)). Absent or 0: off. */
  brightnessRange?: number;
}

/** Ranges drawn as factors from 1 − r to 1 + r: below 1, or a factor could reach 0 or turn negative. */
export const FACTOR_RANGES: readonly (keyof AugmentRanges)[] = ['zoomRange', 'brightnessRange'];

/** The reference generator's ranges. */
export const DEFAULT_AUGMENT_RANGES: Readonly<AugmentRanges> = Object.freeze({
  rotationRange: 3,
  widthShiftRange: 0.01,
  heightShiftRange: 0.01,
  shearRange: 0.01,
  zoomRange: 0.01,
});

/**
 * Parameters for one sample, drawn like Keras's `get_random_transform` in its order: θ, tx (rows),
 * ty (columns), shear, zx, zy, then the two (disabled) flip draws, so adding flips later would not
 * shift the other draws. A range of 0 draws nothing, as in Keras.
 */
export function randomAffineParams(
  rng: Rng,
  ranges: AugmentRanges = DEFAULT_AUGMENT_RANGES,
  height: number,
  width: number,
): AffineParams {
  const thetaDeg = ranges.rotationRange ? uniform(rng, -ranges.rotationRange, ranges.rotationRange) : 0;
  let tx = 0;
  if (ranges.heightShiftRange) {
    tx = uniform(rng, -ranges.heightShiftRange, ranges.heightShiftRange);
    if (ranges.heightShiftRange < 1) tx *= height;
  }
  let ty = 0;
  if (ranges.widthShiftRange) {
    ty = uniform(rng, -ranges.widthShiftRange, ranges.widthShiftRange);
    if (ranges.widthShiftRange < 1) ty *= width;
  }
  const shearDeg = ranges.shearRange ? uniform(rng, -ranges.shearRange, ranges.shearRange) : 0;
  let zx = 1;
  let zy = 1;
  if (ranges.zoomRange) {
    zx = uniform(rng, 1 - ranges.zoomRange, 1 + ranges.zoomRange);
    zy = uniform(rng, 1 - ranges.zoomRange, 1 + ranges.zoomRange);
  }
  rng.next(); // horizontal_flip draw (disabled)
  rng.next(); // vertical_flip draw (disabled)
  return { thetaDeg, tx, ty, shearDeg, zx, zy };
}

/** The intensity part of a sample's transform: Keras draws these right after the flips. */
export interface IntensityParams {
  channelShift: number;
  brightness: number;
}

/** Draws channel shift then brightness, as `get_random_transform` does after the affine draws; none when off. */
export function randomIntensityParams(rng: Rng, ranges: AugmentRanges): IntensityParams | null {
  const shift = ranges.channelShiftRange ?? 0;
  const bright = ranges.brightnessRange ?? 0;
  if (!shift && !bright) return null;
  const channelShift = shift ? uniform(rng, -shift, shift) : 0;
  const brightness = bright ? uniform(rng, 1 - bright, 1 + bright) : 1;
  return { channelShift, brightness };
}

/**
 * Keras's `apply_channel_shift` then `apply_brightness_shift` on a grey slice, in place. `white` is
 * the array's value for grey level 255 (1 for images / 255). Channel shift: clip(x + c, min, max) of
 * the slice. Brightness (scale=False, levels within 0–255): the slice goes through an 8-bit PIL image
 * (values truncated), PIL's Brightness multiplies by the factor in C float (truncated, clipped to 255;
 * checked against Pillow 9.4 on 201 factors × 65 536 levels: no difference).
 */
export function applyIntensity(image: Float32Array, params: IntensityParams, white = 255): void {
  const toLevel = 255 / white;
  const toValue = white / 255;
  if (params.channelShift) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < image.length; i++) {
      const v = image[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const c = params.channelShift * toValue;
    for (let i = 0; i < image.length; i++) image[i] = Math.min(hi, Math.max(lo, image[i] + c));
  }
  if (params.brightness !== 1) {
    // PIL's blend with black: a C float product of the factor and the level, truncated, clipped.
    const f = Math.fround(params.brightness);
    for (let i = 0; i < image.length; i++) {
      const level = Math.trunc(Math.fround(f * Math.trunc(Math.fround(image[i] * toLevel))));
      image[i] = Math.min(255, Math.max(0, level)) * toValue;
    }
  }
}

export interface AugmentPairOptions {
  /** Threshold the resampled mask back to 0/1 (> 0.5 → 1). Default false: fractions at edges, like Keras. */
  rebinariseMask?: boolean;
  /** Output buffers (float32, width·height each) to avoid allocation. */
  outImage?: Float32Array;
  outMask?: Float32Array;
}

/** The same transform applied to an image and its mask (float32 planes, width·height each). */
export function augmentPair(
  image: Float32Array,
  mask: Float32Array,
  width: number,
  height: number,
  params: AffineParams,
  { rebinariseMask = false, outImage, outMask }: AugmentPairOptions = {},
): { image: Float32Array; mask: Float32Array } {
  if (mask.length !== image.length) throw new RangeError(`augmentPair: mask has ${mask.length} values, image ${image.length}`);
  const m = affineMatrix(params, height, width);
  const outI = applyAffine(image, width, height, m, outImage);
  const outM = applyAffine(mask, width, height, m, outMask);
  if (rebinariseMask) for (let i = 0; i < outM.length; i++) outM[i] = outM[i] > 0.5 ? 1 : 0;
  return { image: outI, mask: outM };
}
