// The slices a training run uses, in memory at the model's input size: uint8 images (after CLAHE,
// before /255) and 0/1 masks, with the patient each slice came from. Built from cached volumes
// (resized once, not per epoch). Pure: typed arrays only; runs in workers, Node and tests.
import { resizeImageU8, resizeMask } from './resize';

export interface PatientVolumeLike {
  name: string;
  width: number;
  height: number;
  kept: number;
  images: Uint8Array;
  masks: Uint8Array;
}

export interface SliceSet {
  size: number;
  count: number;
  /** count × size × size. */
  images: Uint8Array;
  /** count × size × size, 0/1. */
  masks: Uint8Array;
  /** Index into `patients` for each slice. */
  patientOf: Uint16Array;
  patients: string[];
}

export function buildSliceSet(volumes: PatientVolumeLike[], size: number): SliceSet {
  const count = volumes.reduce((a, v) => a + v.kept, 0);
  const px = size * size;
  const set: SliceSet = {
    size,
    count,
    images: new Uint8Array(count * px),
    masks: new Uint8Array(count * px),
    patientOf: new Uint16Array(count),
    patients: volumes.map((v) => v.name),
  };
  let n = 0;
  volumes.forEach((v, p) => {
    const vpx = v.width * v.height;
    for (let i = 0; i < v.kept; i++, n++) {
      const image = v.images.subarray(i * vpx, (i + 1) * vpx);
      const mask = v.masks.subarray(i * vpx, (i + 1) * vpx);
      set.images.set(v.width === size && v.height === size ? image : resizeImageU8(image, v.width, v.height, size, size), n * px);
      set.masks.set(v.width === size && v.height === size ? mask : resizeMask(mask, v.width, v.height, size, size), n * px);
      set.patientOf[n] = p;
    }
  });
  return set;
}

/** Slice indices of each patient, in order. */
export function slicesByPatient(set: SliceSet): number[][] {
  const out: number[][] = set.patients.map(() => []);
  for (let i = 0; i < set.count; i++) out[set.patientOf[i]].push(i);
  return out;
}
