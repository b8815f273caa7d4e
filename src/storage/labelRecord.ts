// An edited label as IndexedDB keeps it: a 0/1 mask over a patient's slices, slice by slice as runs of
// foreground pixels (a few KB a slice), beside where it started (the model's prediction, the expert's
// mask, a DICOM SEG or NIfTI file opened as a label, or nothing) and its history of edits (which
// slices, when, with what). A label is its own record: saving one never touches the expert's mask
// (the `slices` store) nor a prediction.
// Pure: typed arrays only; the page, workers and Node tests share it.
import { foregroundRuns, paintRuns } from '../common/maskRuns';

/** What a label started from. */
export type LabelOrigin = 'prediction' | 'expert' | 'empty' | 'file';

/** One save of edits: the slices changed (0-based within the label), when, and with which tools. */
export interface LabelEdit {
  at: number;
  slices: number[];
  tools: string[];
}

export interface EditedLabel {
  id: string;
  name: string;
  /** The cached patient (CachedPatient.key) and its name. */
  patientKey: string;
  patientName: string;
  createdAt: number;
  updatedAt: number;
  width: number;
  height: number;
  /** Slices the label covers, and where the first sits in the CT series (the cached patient's keptFrom). */
  slices: number;
  firstSlice: number;
  origin: LabelOrigin;
  /** The model whose prediction it started from (origin 'prediction'). */
  model: { id: string; name: string } | null;
  /** The DICOM SEG or NIfTI file it was opened from (origin 'file'). */
  file?: string;
  /** The label this one was saved from, when it is a later version of another. */
  parentLabelId: string | null;
  /** Each slice's foreground runs `[start, length, …]` (common/maskRuns); null: an empty slice. */
  sliceRuns: (Uint32Array | null)[];
  /** Every slice ever edited by hand (0-based within the label, sorted): the corrections. */
  edited: number[];
  history: LabelEdit[];
}

/** What a caller gives to store a new label; times, runs and history are the store's. */
export type NewLabel = Pick<EditedLabel, 'id' | 'name' | 'patientKey' | 'patientName' | 'width' | 'height' | 'slices' | 'firstSlice' | 'origin' | 'model' | 'file'> & {
  parentLabelId?: string | null;
};

/** `mask` (slices × height × width, > 0 is foreground) as its per-slice runs. */
export function maskToSliceRuns(mask: Uint8Array, px: number): (Uint32Array | null)[] {
  const slices = mask.length / px;
  if (!Number.isInteger(slices)) throw new RangeError(`a label of ${mask.length} pixels is not whole slices of ${px}`);
  return Array.from({ length: slices }, (_, s) => {
    const runs = foregroundRuns(mask.subarray(s * px, (s + 1) * px));
    return runs.length > 0 ? runs : null;
  });
}

/** The label's 0/1 mask, slices × height × width. */
export function labelMask(label: Pick<EditedLabel, 'width' | 'height' | 'slices' | 'sliceRuns'>): Uint8Array {
  const px = label.width * label.height;
  const out = new Uint8Array(px * label.slices);
  label.sliceRuns.forEach((runs, s) => {
    if (runs) paintRuns(runs, out.subarray(s * px, (s + 1) * px));
  });
  return out;
}

/** A new label record from a whole mask: no edits yet. */
export function newLabel(meta: NewLabel, mask: Uint8Array, now = Date.now()): EditedLabel {
  const px = meta.width * meta.height;
  if (mask.length !== px * meta.slices) throw new RangeError(`label ${meta.name}: ${meta.slices} slices of ${meta.width}×${meta.height} expected, the mask has ${mask.length} pixels`);
  return { ...meta, parentLabelId: meta.parentLabelId ?? null, createdAt: now, updatedAt: now, sliceRuns: maskToSliceRuns(mask, px), edited: [], history: [] };
}

/** Slices (0-based) where two masks of the same shape differ. */
export function changedSlices(before: Uint8Array, after: Uint8Array, px: number): number[] {
  if (before.length !== after.length) throw new RangeError(`masks of ${before.length} and ${after.length} pixels cannot be compared`);
  const out: number[] = [];
  for (let s = 0; s * px < before.length; s++) {
    for (let i = s * px; i < (s + 1) * px; i++) {
      if ((before[i] > 0) !== (after[i] > 0)) {
        out.push(s);
        break;
      }
    }
  }
  return out;
}

/**
 * The label with `mask` as its new content: the slices that differ from what it held are recorded as
 * one edit (with `tools`), and added to `edited`. Unchanged: the same record back.
 */
export function withEdits(label: EditedLabel, mask: Uint8Array, tools: string[], now = Date.now()): EditedLabel {
  const px = label.width * label.height;
  if (mask.length !== px * label.slices) throw new RangeError(`label ${label.name}: ${label.slices} slices of ${label.width}×${label.height} expected, the mask has ${mask.length} pixels`);
  const changed = changedSlices(labelMask(label), mask, px);
  if (changed.length === 0) return label;
  const sliceRuns = label.sliceRuns.slice();
  for (const s of changed) {
    const runs = foregroundRuns(mask.subarray(s * px, (s + 1) * px));
    sliceRuns[s] = runs.length > 0 ? runs : null;
  }
  const edited = [...new Set([...label.edited, ...changed])].sort((a, b) => a - b);
  return { ...label, sliceRuns, edited, updatedAt: now, history: [...label.history, { at: now, slices: changed, tools }] };
}
