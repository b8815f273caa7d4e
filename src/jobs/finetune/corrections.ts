// The corrections a fine-tune learns from: some slices of one patient, each its preprocessed image
// (window + CLAHE, as the model was trained on) and the corrected 0/1 label of that slice — from a
// label edited in the viewer, or from mask files, a DICOM SEG or a NIfTI given to the CLI. Checked
// here once for both: a label that does not fit the patient's slices, slices outside them or given
// twice, or no slice at all are refused with a message naming the patient and the problem.
// Pure: typed arrays in, a volume of the corrected slices (or a message) out.
import type { PatientVolumeLike } from '../../model/sliceSet';

export interface CorrectionSource {
  patient: string;
  width: number;
  height: number;
  /** Preprocessed uint8 slices the label covers, slices × height × width. */
  images: Uint8Array;
  /** The corrected label over the same slices (> 0: organ). */
  label: Uint8Array;
  /** The corrected slices, 0-based within `images`. */
  slices: readonly number[];
  /** How the slices are shown to the user in messages (e.g. their InstanceNumbers); default: the index. */
  describeSlice?: (index: number) => string;
}

export type Corrections = { ok: true; volume: PatientVolumeLike; slices: number[] } | { ok: false; message: string };

/** The corrected slices as a volume of their own (in the order given, sorted), or why they cannot be used. */
export function correctionVolume(source: CorrectionSource): Corrections {
  const { patient, width, height, images, label } = source;
  const px = width * height;
  const fail = (message: string): Corrections => ({ ok: false, message: `${patient}: ${message}` });
  const count = images.length / px;
  if (!Number.isInteger(count) || count === 0) return fail(`its images are not whole slices of ${width}×${height}`);
  if (label.length !== images.length) {
    const slices = label.length / px;
    return fail(Number.isInteger(slices) ? `the label covers ${slices} slices, the patient has ${count}` : `the label has ${label.length} pixels, not whole slices of ${width}×${height}`);
  }
  if (source.slices.length === 0) return fail('no corrected slice: give at least one slice to learn from');
  const describe = source.describeSlice ?? ((i: number) => String(i));
  const seen = new Set<number>();
  for (const s of source.slices) {
    if (!Number.isInteger(s) || s < 0 || s >= count) return fail(`slice ${Number.isInteger(s) && s >= 0 && s < count ? describe(s) : s} is not one of its ${count} slices`);
    if (seen.has(s)) return fail(`slice ${describe(s)} is given twice`);
    seen.add(s);
  }
  const slices = [...seen].sort((a, b) => a - b);
  const outImages = new Uint8Array(slices.length * px);
  const outMasks = new Uint8Array(slices.length * px);
  slices.forEach((s, k) => {
    outImages.set(images.subarray(s * px, (s + 1) * px), k * px);
    const from = label.subarray(s * px, (s + 1) * px);
    const to = outMasks.subarray(k * px, (k + 1) * px);
    for (let i = 0; i < px; i++) to[i] = from[i] > 0 ? 1 : 0;
  });
  return { ok: true, volume: { name: patient, width, height, kept: slices.length, images: outImages, masks: outMasks }, slices };
}

/** `count` slice indices evenly spread over 0 … total − 1 (as numpy's linspace rounded): the yardstick's choice of corrected slices. */
export function evenlySpaced(total: number, count: number): number[] {
  if (count <= 0 || total <= 0) return [];
  if (count === 1) return [0];
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(Math.round((k * (total - 1)) / (count - 1)));
  return [...out];
}
