// The slices a training run uses, in memory at the model's input size: uint8 images (after CLAHE,
// before /255) and 0/1 masks, with the patient each slice came from. Built from cached volumes
// (resized once, not per epoch), whole volumes or streamed a few slices at a time. Pure: typed arrays
// only; runs in workers, Node and tests.
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
  const set = allocateSliceSet(volumes, size);
  let n = 0;
  volumes.forEach((v, p) => {
    const vpx = v.width * v.height;
    for (let i = 0; i < v.kept; i++, n++) putSlice(set, n, p, v.images.subarray(i * vpx, (i + 1) * vpx), v.masks.subarray(i * vpx, (i + 1) * vpx), v.width, v.height);
  });
  return set;
}

/** One cached patient read a few slices at a time (e.g. from IndexedDB). */
export interface PatientSliceReader {
  name: string;
  width: number;
  height: number;
  kept: number;
  /** Slices `from`..`to` (inclusive, kept indices) with their index; each image and mask width × height. */
  read(from: number, to: number): Promise<{ index: number; image: Uint8Array; mask: Uint8Array }[]>;
}

/**
 * buildSliceSet without holding any patient's whole volume: `chunk` slices at a time are read, resized
 * and dropped, so what is in memory is the set at the model's size (count × size² × 2 bytes) plus one
 * chunk at the cached size — not every patient at full resolution at once.
 */
export async function buildSliceSetStreaming(patients: PatientSliceReader[], size: number, chunk = 16): Promise<SliceSet> {
  const set = allocateSliceSet(patients, size);
  let first = 0;
  for (const [p, patient] of patients.entries()) {
    for (let from = 0; from < patient.kept; from += chunk) {
      const to = Math.min(patient.kept, from + chunk) - 1;
      const slices = await patient.read(from, to);
      if (slices.length !== to - from + 1) throw new Error(`${patient.name}: ${slices.length} cached slices in ${from}–${to}, expected ${to - from + 1}`);
      for (const s of slices) {
        if (s.index < from || s.index > to) throw new Error(`${patient.name}: slice ${s.index} read for ${from}–${to}`);
        putSlice(set, first + s.index, p, s.image, s.mask, patient.width, patient.height);
      }
    }
    first += patient.kept;
  }
  return set;
}

function allocateSliceSet(patients: { name: string; kept: number }[], size: number): SliceSet {
  const count = patients.reduce((a, v) => a + v.kept, 0);
  const px = size * size;
  return {
    size,
    count,
    images: new Uint8Array(count * px),
    masks: new Uint8Array(count * px),
    patientOf: new Uint16Array(count),
    patients: patients.map((v) => v.name),
  };
}

/** Slice `n` of the set: one width × height image and mask, resized to the set's size. */
function putSlice(set: SliceSet, n: number, patient: number, image: Uint8Array, mask: Uint8Array, width: number, height: number): void {
  const { size } = set;
  const px = size * size;
  set.images.set(width === size && height === size ? image : resizeImageU8(image, width, height, size, size), n * px);
  set.masks.set(width === size && height === size ? mask : resizeMask(mask, width, height, size, size), n * px);
  set.patientOf[n] = patient;
}

/** Slice indices of each patient, in order. */
export function slicesByPatient(set: SliceSet): number[][] {
  const out: number[][] = set.patients.map(() => []);
  for (let i = 0; i < set.count; i++) out[set.patientOf[i]].push(i);
  return out;
}
