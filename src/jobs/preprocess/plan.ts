// Splitting one patient across the worker pool: from the scan (CT order, the organ's non-empty range)
// the kept slices are known before any pixel is read, and every pipeline step works on one slice, so
// each worker can read, window, equalise and store its own contiguous share. Only for a patient the
// scan found clean (every mask slice the CT's size); anything else goes through the whole-patient job,
// which reports the exact problem. Pure: no DOM, no workers, no IndexedDB.
import type { MaskSliceRef, PatientScan } from '../../discovery/types';
import { keepRange } from '../../pipeline/keepRange';
import type { PipelineParams } from '../../pipeline/params';
import type { PatientShape } from './patientRecord';

export interface PatientPart {
  /** Index of the part's first slice among the kept slices. */
  offset: number;
  /** The part's CT files, in series order, and each one's mask file (null: no mask, an all-zero slice). */
  ct: string[];
  masks: (string | null)[];
  /**
   * Each slice's mask as the scan found it (runs of pixels > 0; null: no mask), when the scan read every
   * mask of the organ: then the mask files are not read again.
   */
  maskRuns?: (Uint32Array | null)[];
}

/**
 * A patient's shape, the organ's first/last non-empty slice and the kept range, as `preprocessPatient`
 * computes them (the same fields its cached record will carry), and the shares for the workers.
 */
export interface PatientPlan extends PatientShape {
  parts: PatientPart[];
}

/** Fewer kept slices than this per part are not worth a second worker's start-up. */
const MIN_SLICES_PER_PART = 16;

/** The split of `scan` into up to `maxParts` shares, or null when it must go through the whole-patient job. */
export function planPatientParts(scan: PatientScan, params: PipelineParams, maxParts: number): PatientPlan | null {
  const organ = scan.organs.find((o) => o.organ === params.organ);
  if (!scan.usable || !organ || organ.nonEmptyRange === null || scan.ct.length === 0) return null;
  if (scan.format === 'nifti') return null; // one file holds every slice: nothing to share out
  const { rows, columns } = scan;
  if (scan.ct.some((s) => s.rows !== rows || s.columns !== columns)) return null;
  if (organ.slices.some((m) => m.rows !== rows || m.columns !== columns)) return null;
  const maskByNumber = new Map<number, MaskSliceRef>();
  for (const m of organ.slices) {
    if (maskByNumber.has(m.instanceNumber)) return null; // duplicate numbers: let the whole job decide
    maskByNumber.set(m.instanceNumber, m);
  }
  const runsKnown = organ.slices.every((m) => m.foreground !== undefined);
  const [start, end] = organ.nonEmptyRange;
  const kept = keepRange(start, end, params.margin, scan.ct.length);
  if (kept === null) return null;
  const count = kept.to - kept.from + 1;
  const partCount = Math.max(1, Math.min(maxParts, Math.floor(count / MIN_SLICES_PER_PART)));
  const parts: PatientPart[] = [];
  for (let p = 0; p < partCount; p++) {
    const from = Math.round((p * count) / partCount);
    const to = Math.round(((p + 1) * count) / partCount);
    const ct = scan.ct.slice(kept.from + from, kept.from + to);
    const masks = ct.map((s) => maskByNumber.get(s.instanceNumber) ?? null);
    parts.push({
      offset: from,
      ct: ct.map((s) => s.file),
      masks: masks.map((m) => m?.file ?? null),
      ...(runsKnown ? { maskRuns: masks.map((m) => m?.foreground ?? null) } : {}),
    });
  }
  return { width: columns, height: rows, sliceCount: scan.ct.length, start, end, keptFrom: kept.from, keptTo: kept.to, kept: count, parts };
}
