// What a fine-tune trains on: the corrected slices mixed with slices the model already knows (its own
// training patients, "replayed"), so it learns the corrections without forgetting the rest. The
// corrections may be repeated to weigh more in each epoch, and the replay cut to an evenly spread
// subset to keep the run short. Pure: typed arrays only.
import { buildSliceSet, type PatientVolumeLike, type SliceSet } from '../../model/sliceSet';
import { evenlySpaced } from './corrections';

export interface FinetuneSetCounts {
  corrections: number;
  replay: number;
}

/** One slice set at the model's size: the corrections (`repeats` times each) first, then every replayed slice. */
export function finetuneSliceSet(corrections: PatientVolumeLike, replay: readonly PatientVolumeLike[], size: number, repeats = 1): { set: SliceSet; counts: FinetuneSetCounts } {
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`corrections must be repeated a whole number of times, at least once (got ${repeats})`);
  const volumes = [...Array.from({ length: repeats }, () => corrections), ...replay];
  const set = buildSliceSet(volumes, size);
  // Repeats of the corrections are one patient, not several.
  const patients = [corrections.name, ...replay.map((r) => r.name)];
  const patientOf = set.patientOf.map((p) => (p < repeats ? 0 : p - repeats + 1));
  return { set: { ...set, patients, patientOf }, counts: { corrections: corrections.kept * repeats, replay: set.count - corrections.kept * repeats } };
}

/**
 * At most `max` replayed slices in all, evenly spread over each patient's slices (shared in proportion
 * to their counts): replay keeps what the model knew at a fraction of a full epoch's cost.
 */
export function replaySubset(volumes: readonly PatientVolumeLike[], max: number): PatientVolumeLike[] {
  const total = volumes.reduce((a, v) => a + v.kept, 0);
  if (total <= max) return [...volumes];
  return volumes.map((v) => {
    const keep = Math.max(1, Math.round((v.kept * max) / total));
    const picked = evenlySpaced(v.kept, Math.min(keep, v.kept));
    const px = v.width * v.height;
    const images = new Uint8Array(picked.length * px);
    const masks = new Uint8Array(picked.length * px);
    picked.forEach((s, k) => {
      images.set(v.images.subarray(s * px, (s + 1) * px), k * px);
      masks.set(v.masks.subarray(s * px, (s + 1) * px), k * px);
    });
    return { ...v, kept: picked.length, images, masks };
  });
}
