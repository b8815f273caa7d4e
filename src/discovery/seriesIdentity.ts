// Whose series this is and where it sits, from what its files say — never from the folders they came
// in (a browser loses those: two patients' `PATIENT_DICOM.zip` and `PATIENT_DICOM (1).zip` picked as
// files look alike). The patient named in the headers (3D-IRCADb writes `liver_17^patient` on the CT
// and `liver_17^liver` on its masks: the first component names the patient, the rest the series), and
// the geometry a mask must share with its CT: rows, columns, pixel spacing and slice positions.
// Used to pair mask series with CT series and to name a patient no folder names.
// Pure: headers in, answers out.
import { sliceNormal } from './assembleSeries';
import type { SliceHeader } from '../dicom/types';

/** How two series' patients compare: the same, not said (a header without PatientName), or different. */
export type IdentityRelation = 'match' | 'unknown' | 'conflict';

/** The patient part of PatientName (before the first `^`), lower case; null when there is none. */
export function patientKeyOf(header: Pick<SliceHeader, 'patientName'> | undefined): string | null {
  const first = header?.patientName?.split('^')[0].trim().toLowerCase();
  return first ? first : null;
}

/** Whether two series name the same patient (PatientName's patient part; else the same StudyInstanceUID). */
export function identityRelation(a: SliceHeader | undefined, b: SliceHeader | undefined): IdentityRelation {
  const [ka, kb] = [patientKeyOf(a), patientKeyOf(b)];
  if (ka !== null && kb !== null) return ka === kb ? 'match' : 'conflict';
  if (a?.studyInstanceUid && b?.studyInstanceUid && a.studyInstanceUid === b.studyInstanceUid) return 'match';
  return 'unknown';
}

/** The header that speaks for a series: one carrying the PatientName most of its slices carry. */
export function representativeHeader<H extends Pick<SliceHeader, 'patientName'>>(headers: readonly H[]): H | undefined {
  const counts = new Map<string | null, number>();
  for (const h of headers) counts.set(patientKeyOf(h), (counts.get(patientKeyOf(h)) ?? 0) + 1);
  let best: string | null | undefined;
  for (const [key, count] of counts) if (best === undefined || count > (counts.get(best) ?? 0)) best = key;
  return headers.find((h) => patientKeyOf(h) === best);
}

const IRCAD_PATIENT = /^liver_0*(\d+)$/i;

/**
 * The patient's name from its headers: 3D-IRCADb-01's `liver_17^patient` is `3Dircadb1.17` (the name
 * of its folder in the official download); another PatientName is shown as written (`^` as spaces);
 * null when the header names nobody.
 */
export function patientNameFromHeader(header: Pick<SliceHeader, 'patientName'> | undefined): string | null {
  const name = header?.patientName?.trim();
  if (!name) return null;
  const ircad = IRCAD_PATIENT.exec(name.split('^')[0].trim());
  if (ircad) return `3Dircadb1.${Number(ircad[1])}`;
  const readable = name.replace(/\^+/g, ' ').replace(/[\\/]+/g, '-').trim();
  return readable || null;
}

/** Slice positions closer than this (mm) along the normal are the same position. */
const SAME_POSITION_MM = 0.05;
/** Share of a mask's slices that must sit at one of the CT's positions (a few may be missing from the CT). */
const POSITIONS_AGREE = 0.9;

/**
 * True when mask slices fit a CT series: same rows and columns, the same pixel spacing (when both
 * say), and (nearly) every mask slice at one of the CT's slice positions — or, without positions, one
 * of its InstanceNumbers.
 */
export function geometryAgrees(ct: readonly SliceHeader[], masks: readonly SliceHeader[]): boolean {
  const [c, m] = [ct[0], masks[0]];
  if (!c || !m || c.rows !== m.rows || c.columns !== m.columns) return false;
  if (c.pixelSpacing && m.pixelSpacing && !spacingsEqual(c.pixelSpacing, m.pixelSpacing)) return false;
  const normal = sliceNormal(c.imageOrientationPatient);
  const along = (h: SliceHeader): number | null => (h.imagePositionPatient ? dot(h.imagePositionPatient, normal) : null);
  const ctPositions = ct.map(along).filter((p): p is number => p !== null);
  const positioned = ctPositions.length === ct.length && masks.every((h) => h.imagePositionPatient !== null);
  let agreeing = 0;
  if (positioned) {
    const sorted = ctPositions.sort((x, y) => x - y);
    for (const mask of masks) if (hasNear(sorted, along(mask) as number)) agreeing++;
  } else {
    const numbers = new Set(ct.map((h) => h.instanceNumber));
    for (const mask of masks) if (mask.instanceNumber !== null && numbers.has(mask.instanceNumber)) agreeing++;
  }
  return agreeing >= POSITIONS_AGREE * masks.length;
}

function spacingsEqual(a: [number, number], b: [number, number]): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(v)));
}

/** Binary search: a value of `sorted` within SAME_POSITION_MM of `x`. */
function hasNear(sorted: number[], x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Math.abs(sorted[mid] - x) <= SAME_POSITION_MM) return true;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
