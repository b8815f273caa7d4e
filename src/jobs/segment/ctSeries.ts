// Which CT a segmentation covers, read the way discovery reads it. The CLI segments a patient's
// whole CT series, with the organ's mask as ground truth when the drop has one and without it when
// not; the viewer needs the headers of the kept slices of a cached patient (their UIDs and positions
// for the exports). Both order slices by discovery's rules (src/discovery/assembleSeries.ts:
// InstanceNumber, else ImagePositionPatient, else file name, problems said), so a SEG references the
// slices the preprocessing and the viewer counted — the CLI once had an ordering of its own.
// Pure: no DOM, no Node APIs; runs in the infer worker and the CLI.
import { loadCtSeries, type LoadOptions, type PatientRef } from '../../discovery/loadPatientSeries';
import type { DropSources } from '../../discovery/walkDrop';
import { binarise } from '../../pipeline/binarise';
import type { DicomSlice } from '../../dicom/types';
import type { Problem, Result } from '../../common/types';

/** One patient's CT series to segment, with its ground truth when there is one. */
export interface CtToSegment {
  /** Every slice of the series, in discovery's order. */
  ct: DicomSlice[];
  /** 0/1 organ mask, slices × rows × columns, aligned to `ct`; null when there is none (`truthProblem` says why). */
  truth: Uint8Array | null;
  truthProblem: Problem | null;
  /** What ordering the series said (mixed series, missing InstanceNumbers, duplicates, odd sizes). */
  problems: Problem[];
}

/**
 * `patient`'s CT series and, when `organ` is given and its mask can be read, the mask as 0/1 truth.
 * Fails only when no CT slice can be read.
 */
export async function loadCtToSegment(sources: DropSources, patient: PatientRef, organ: string | null, opts: LoadOptions = {}): Promise<Result<CtToSegment>> {
  const series = await loadCtSeries(sources, patient, organ, opts);
  if (!series.ok) return series;
  const { ct, masks, maskProblem, problems } = series.value;
  let truth: Uint8Array | null = null;
  if (masks) {
    const px = ct[0].rows * ct[0].columns;
    truth = new Uint8Array(ct.length * px);
    masks.forEach((mask, s) => binarise(mask.pixels, truth!.subarray(s * px, (s + 1) * px)));
  }
  return { ok: true, value: { ct, truth, truthProblem: maskProblem, problems } };
}

/** Where a cached patient's kept slices sit in its CT series (CachedPatient's fields). */
export interface KeptRange {
  name: string;
  keptFrom: number;
  keptTo: number;
  kept: number;
}

/** The kept CT slices' headers from the patient's original files (`files`: which are its CT), or why they cannot be had. */
export async function keptCtSlices(sources: DropSources | null, patient: KeptRange, files?: PatientRef): Promise<DicomSlice[] | string> {
  if (!sources) return 'the original DICOM files of this patient are not loaded (drop them again)';
  const series = await loadCtSeries(sources, files ?? patient.name, null);
  if (!series.ok) return `${series.problem.file}: ${series.problem.message}`;
  const ct = series.value.ct.slice(patient.keptFrom, patient.keptTo + 1);
  if (ct.length !== patient.kept) return `the originals hold ${series.value.ct.length} slices; the cached patient keeps ${patient.kept} from ${patient.keptFrom}`;
  return ct;
}
