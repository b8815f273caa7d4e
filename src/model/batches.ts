// Mini-batches for training: a seeded shuffle per epoch and, per sample, the Keras-equivalent
// random affine (pipeline/augment) drawn from a stream keyed by (seed, epoch, sample), so the same
// seed gives the same batches whichever worker builds them. Also the reference's offline mode
// (originals + 2 batches of 32 augmented slices per patient, made once). Pure: typed arrays only.
import { affineMatrix, applyAffineU8 } from '../pipeline/affine';
import { applyIntensity, DEFAULT_AUGMENT_RANGES, randomAffineParams, randomIntensityParams, type AugmentRanges } from '../pipeline/augment';
import { createSampleRng, createRng } from '../pipeline/random';
import type { SliceSet } from './sliceSet';

export type AugmentMode = 'online' | 'offline' | 'none';

export interface AugmentSettings {
  mode: AugmentMode;
  ranges: AugmentRanges;
  /** Threshold the resampled mask at 0.5 (the reference keeps its fractional edges). */
  rebinariseMasks: boolean;
}

export const DEFAULT_AUGMENT: Readonly<AugmentSettings> = Object.freeze({ mode: 'online', ranges: { ...DEFAULT_AUGMENT_RANGES }, rebinariseMasks: false });

export interface Batch {
  /** n × size × size, images / 255. */
  x: Float32Array;
  /** n × size × size, masks (0/1, fractional at edges when augmented and not rebinarised). */
  y: Float32Array;
  n: number;
}

/** Fisher–Yates order of `count` samples for one epoch, from the run's seed. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const rng = createSampleRng(seed, epoch, 0x7fffffff);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/** Samples of batch `b` in an epoch's order (the last batch may be smaller). */
export function batchIndices(order: Uint32Array, b: number, batchSize: number): number[] {
  return Array.from(order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize)));
}

/**
 * Builds one batch. With `augment` (online mode) each sample gets its own random affine from the
 * (seed, epoch, sample) stream; the same transform for image and mask.
 */
export function makeBatch(set: SliceSet, indices: number[], augment: { seed: number; epoch: number; settings: AugmentSettings } | null): Batch {
  const size = set.size;
  const px = size * size;
  const x = new Float32Array(indices.length * px);
  const y = new Float32Array(indices.length * px);
  indices.forEach((s, k) => {
    const image = set.images.subarray(s * px, (s + 1) * px);
    const mask = set.masks.subarray(s * px, (s + 1) * px);
    const outX = x.subarray(k * px, (k + 1) * px);
    const outY = y.subarray(k * px, (k + 1) * px);
    let m = null;
    let intensity = null;
    if (augment && augment.settings.mode === 'online') {
      const rng = createSampleRng(augment.seed, augment.epoch, s);
      m = affineMatrix(randomAffineParams(rng, augment.settings.ranges, size, size), size, size);
      intensity = randomIntensityParams(rng, augment.settings.ranges);
    }
    applyAffineU8(image, size, size, m, 1 / 255, outX);
    applyAffineU8(mask, size, size, m, 1, outY);
    if (intensity) applyIntensity(outX, intensity, 1);
    if (m && augment?.settings.rebinariseMasks) for (let i = 0; i < px; i++) outY[i] = outY[i] > 0.5 ? 1 : 0;
  });
  return { x, y, n: indices.length };
}

/**
 * The reference's offline augmentation: for each patient, its originals plus 2 batches of 32
 * augmented slices drawn (with replacement) from that patient's slices. Returns a new set whose
 * augmented slices are stored as uint8 (images ×255 rounded; masks thresholded at 0.5 unless kept
 * fractional by the caller's settings — uint8 storage cannot keep fractions, so they are rounded).
 */
export function offlineAugmentedSet(set: SliceSet, seed: number, ranges: AugmentRanges = DEFAULT_AUGMENT_RANGES, perPatient = 64): SliceSet {
  const px = set.size * set.size;
  const extra = set.patients.length * perPatient;
  const count = set.count + extra;
  const out: SliceSet = {
    size: set.size,
    count,
    images: new Uint8Array(count * px),
    masks: new Uint8Array(count * px),
    patientOf: new Uint16Array(count),
    patients: set.patients,
  };
  out.images.set(set.images);
  out.masks.set(set.masks);
  out.patientOf.set(set.patientOf);
  const byPatient: number[][] = set.patients.map(() => []);
  for (let i = 0; i < set.count; i++) byPatient[set.patientOf[i]].push(i);
  const rng = createRng(seed);
  const fx = new Float32Array(px);
  const fy = new Float32Array(px);
  let n = set.count;
  byPatient.forEach((slices, p) => {
    for (let k = 0; k < perPatient; k++, n++) {
      out.patientOf[n] = p;
      if (slices.length === 0) continue;
      const s = slices[Math.floor(rng.next() * slices.length)];
      const m = affineMatrix(randomAffineParams(rng, ranges, set.size, set.size), set.size, set.size);
      const intensity = randomIntensityParams(rng, ranges);
      applyAffineU8(set.images.subarray(s * px, (s + 1) * px), set.size, set.size, m, 1, fx);
      if (intensity) applyIntensity(fx, intensity);
      applyAffineU8(set.masks.subarray(s * px, (s + 1) * px), set.size, set.size, m, 1, fy);
      for (let i = 0; i < px; i++) {
        out.images[n * px + i] = Math.round(fx[i]);
        out.masks[n * px + i] = fy[i] > 0.5 ? 1 : 0;
      }
    }
  });
  return out;
}
