// What a fine-tune trains on: the corrected slices mixed with slices the model already knows (its own
// training patients, "replayed"), so it learns the corrections without forgetting the rest. The
// corrections may be repeated to weigh more in each epoch. Pure: typed arrays only.
import { buildSliceSet, type PatientVolumeLike, type SliceSet } from '../../model/sliceSet';

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
