// One patient segmented, whichever images it was run on — the whole scan from the dropped originals
// (wholeScan.ts) or the cached slices (cachedPatient.ts) — and what follows from it: the mask at a
// threshold, the metrics (for what was segmented, and for the slab of slices the model was trained
// on, labelled so), and the exports (NIfTI, DICOM SEG, PNG montage). The probabilities stay here so a
// threshold or "largest component" change only re-binarises.
// Pure: typed arrays in, numbers and file bytes out; no DOM, no IndexedDB.
import type { MaskSettings } from '../../model/probabilityMask';
import type { PatientMetrics } from '../../metrics/patientMetrics';
import { patientMetrics } from '../../metrics/patientMetrics';
import type { SliceHeader } from '../../dicom/types';
import { maskAndMetrics } from './segmentVolume';
import { liverRange } from '../../pipeline/liverRange';
import { keepRange } from '../../pipeline/keepRange';
import { montageOfMask, niftiOverCt, segOverCt, type CtHeaders, type SegOutcome } from './segmentationExports';

/** Which slices a segmentation covers: every slice of the CT series, or only the kept (trained-on) ones. */
export type SegmentationScope = 'scan' | 'slab';

export interface Segmentation {
  name: string;
  scope: SegmentationScope;
  width: number;
  height: number;
  slices: number;
  /** [row, column, slice] mm. */
  spacing: [number, number, number];
  /** The model's input: slices × height × width after window + CLAHE. */
  images: Uint8Array;
  /** 0/1 organ mask, same shape; null without ground truth. */
  truth: Uint8Array | null;
  /** Probabilities × 255, same shape. */
  probabilities: Uint8Array;
  /** The kept slab within these slices (first, last; inclusive) when this is a whole scan with ground truth: its metrics are shown beside. */
  slab: [number, number] | null;
  /** The CT slices' headers, in order (positions and UIDs for the exports); null when not at hand. */
  ct: SliceHeader[] | null;
  modelName: string;
  msPerSlice: number;
}

/** The mask at these settings and its metrics: for the slices segmented, and for the kept slab within them. */
export interface SegmentationMasks {
  mask: Uint8Array;
  metrics: PatientMetrics;
  slabMetrics: PatientMetrics | null;
}

export function masksOf(seg: Segmentation, settings: MaskSettings): SegmentationMasks {
  const dims = { width: seg.width, height: seg.height, slices: seg.slices };
  const { mask, metrics } = maskAndMetrics(seg.probabilities, seg.truth, dims, seg.spacing, settings);
  return { mask, metrics, slabMetrics: seg.slab && seg.truth ? slabMetrics(mask, seg.truth, seg, seg.slab) : null };
}

function slabMetrics(mask: Uint8Array, truth: Uint8Array, seg: Segmentation, [from, to]: [number, number]): PatientMetrics {
  const px = seg.width * seg.height;
  const slab = (v: Uint8Array) => v.subarray(from * px, (to + 1) * px);
  return patientMetrics(slab(mask), slab(truth), seg.width, seg.height, to - from + 1, seg.spacing);
}

/**
 * The slab preprocessing keeps of a whole 0/1 truth (the organ's first..last slice, less `margin` at
 * each end), for the kept-slab figures when no cached patient says it; null when the truth keeps none.
 */
export function keptSlabOfTruth(truth: Uint8Array, slices: number, margin: number): [number, number] | null {
  const px = truth.length / slices;
  const range = liverRange(Array.from({ length: slices }, (_, s) => truth.subarray(s * px, (s + 1) * px)));
  const kept = range && keepRange(range[0], range[1], margin, slices);
  return kept ? [kept.from, kept.to] : null;
}

/** NIfTI of the mask, positioned from the CT headers (or, without them, from the spacing alone). */
export function niftiOfSegmentation(seg: Segmentation, settings: MaskSettings, ct: CtHeaders = seg.ct): { bytes: Uint8Array; positioned: boolean } {
  return niftiOverCt(masksOf(seg, settings).mask, seg, ct, `LiverLab ${seg.modelName}`);
}

/** DICOM SEG of the mask referencing the CT slices, or why it cannot be made. */
export function segOfSegmentation(seg: Segmentation, settings: MaskSettings, ct: CtHeaders = seg.ct): SegOutcome {
  return segOverCt(masksOf(seg, settings).mask, ct, { patientName: seg.name, algorithmName: seg.modelName, sliceSpacing: seg.spacing[2] });
}

/** PNG montage of six slices with the prediction and the truth outline. */
export function montageOfSegmentation(seg: Segmentation, settings: MaskSettings): Uint8Array {
  return montageOfMask({ width: seg.width, height: seg.height, pixels: seg.images, mask: masksOf(seg, settings).mask, truth: seg.truth });
}
