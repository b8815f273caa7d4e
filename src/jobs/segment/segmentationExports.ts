// A predicted mask as files, one way for the viewer and the CLI: NIfTI (labels + affine), DICOM SEG
// referencing the CT slices it was computed on, and a PNG montage. The checks that decide whether a
// file can be made (a SEG needs the CT's Study/Series/SOP Instance UIDs) are said here once, so both
// give the same answer in the same words.
// Pure: typed arrays in, file bytes out; no DOM, no Node APIs.
import { writeDicomSeg } from '../../export/dicomSeg';
import { geometryFromSlices, type VolumeGeometry } from '../../export/geometry';
import { chooseMontageSlices, renderMontage } from '../../export/montage';
import { writeNifti } from '../../export/nifti';
import { encodePng } from '../../export/png';
import type { SliceHeader } from '../../dicom/types';

/** NIfTI-1 (.nii.gz) of the mask; `description` defaults to writeNifti's. */
export function niftiOfMask(mask: Uint8Array, geometry: VolumeGeometry, description?: string): Uint8Array {
  return writeNifti(mask, geometry, description);
}

export interface SegLabels {
  /** Used when the CT gives no PatientName. */
  patientName: string;
  /** SegmentAlgorithmName; defaults to writeDicomSeg's. */
  algorithmName?: string;
  /** Slice spacing (mm) when known better than the CT's SliceThickness (the cached patient's). */
  sliceSpacing?: number;
}

export type SegOutcome = { bytes: Uint8Array } | { problem: string };

export const SEG_NEEDS_UIDS = 'the CT files lack Study/Series/SOP Instance UIDs: a SEG could not reference them';

/** DICOM SEG of the mask referencing `ct` (one slice per mask slice, same order), or why it cannot be made. */
export function segOfMask(mask: Uint8Array, ct: readonly SliceHeader[], labels: SegLabels): SegOutcome {
  const first = ct[0];
  if (!first.studyInstanceUid || !first.seriesInstanceUid || ct.some((c) => !c.sopInstanceUid)) return { problem: SEG_NEEDS_UIDS };
  const bytes = writeDicomSeg(
    mask,
    {
      patientName: first.patientName ?? labels.patientName,
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: null,
      sopInstanceUids: ct.map((c) => c.sopInstanceUid!),
      geometry: geometryFromSlices(ct, 0, ct.length - 1, labels.sliceSpacing),
    },
    { algorithmName: labels.algorithmName },
  );
  return { bytes };
}

/** What a montage shows: the grey slices, the prediction and (when known) the truth. */
export interface MontageSource {
  width: number;
  height: number;
  /** slices × height × width, uint8 grey (the preprocessed slices). */
  pixels: Uint8Array;
  mask: Uint8Array;
  truth: Uint8Array | null;
}

/** PNG of six slices spread over the liver: grey slice, prediction (orange), truth outline (green). */
export function montageOfMask({ width, height, pixels, mask, truth }: MontageSource): Uint8Array {
  const montage = renderMontage({ width, height, pixels, prediction: mask, truth }, chooseMontageSlices(mask, truth, width * height));
  return encodePng(montage.rgba, montage.width, montage.height);
}
