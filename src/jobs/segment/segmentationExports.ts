// A mask as files, one way for the viewer's prediction, its edited labels and the CLI: NIfTI (labels +
// affine, positioned from the CT headers when they are at hand, else from the spacing alone), DICOM
// SEG referencing the CT slices it covers, and a PNG montage. The checks that decide whether a file
// can be made (a SEG needs the CT's headers and their Study/Series/SOP Instance UIDs) are said here
// once, so all give the same answer in the same words.
// Pure: typed arrays in, file bytes out; no DOM, no Node APIs.
import { writeDicomSeg, type SegDescription } from '../../export/dicomSeg';
import { geometryFromSlices, geometryFromSpacing, type VolumeGeometry } from '../../export/geometry';
import { chooseMontageSlices, renderMontage } from '../../export/montage';
import { writeNifti } from '../../export/nifti';
import { encodePng } from '../../export/png';
import type { SliceHeader } from '../../dicom/types';

/** NIfTI-1 (.nii.gz) of the mask; `description` defaults to writeNifti's. */
export function niftiOfMask(mask: Uint8Array, geometry: VolumeGeometry, description?: string): Uint8Array {
  return writeNifti(mask, geometry, description);
}

/** The CT slices a mask covers (their headers, one per mask slice), or why they are not at hand (null: not loaded). */
export type CtHeaders = readonly SliceHeader[] | string | null;

/** A mask's shape and voxel size ([row, column, slice] mm), for a NIfTI positioned from the spacing alone. */
export interface MaskShape {
  width: number;
  height: number;
  slices: number;
  spacing: [number, number, number];
}

/** NIfTI of the mask over `ct`: positioned from its headers, or (`positioned` false) from the spacing alone. */
export function niftiOverCt(mask: Uint8Array, shape: MaskShape, ct: CtHeaders, description?: string): { bytes: Uint8Array; positioned: boolean } {
  const geometry = ct && typeof ct !== 'string' ? geometryFromSlices(ct, 0, ct.length - 1, shape.spacing[2]) : geometryFromSpacing(shape.width, shape.height, shape.slices, shape.spacing);
  return { bytes: niftiOfMask(mask, geometry, description), positioned: geometry.fromDicom };
}

/** DICOM SEG of the mask over `ct`, or why it cannot be made (no CT headers at hand, or no UIDs in them). */
export function segOverCt(mask: Uint8Array, ct: CtHeaders, labels: SegLabels): SegOutcome {
  if (!ct || typeof ct === 'string') return { problem: `a DICOM SEG must reference the CT it segments: ${ct ?? 'the CT files are not loaded'}. NIfTI export still works.` };
  return segOfMask(mask, ct, labels);
}

export interface SegLabels extends SegDescription {
  /** Used when the CT gives no PatientName. */
  patientName: string;
  /** Slice spacing (mm) when known better than the CT's SliceThickness (the cached patient's). */
  sliceSpacing?: number;
}

export type SegOutcome = { bytes: Uint8Array } | { problem: string };

export const SEG_NEEDS_UIDS = 'the CT files lack Study/Series/SOP Instance UIDs: a SEG could not reference them';

/** DICOM SEG of the mask referencing `ct` (one slice per mask slice, same order), or why it cannot be made. */
export function segOfMask(mask: Uint8Array, ct: readonly SliceHeader[], labels: SegLabels): SegOutcome {
  const { patientName, sliceSpacing, ...description } = labels;
  const first = ct[0];
  if (!first.studyInstanceUid || !first.seriesInstanceUid || ct.some((c) => !c.sopInstanceUid)) return { problem: SEG_NEEDS_UIDS };
  const bytes = writeDicomSeg(
    mask,
    {
      patientName: first.patientName ?? patientName,
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: null,
      sopInstanceUids: ct.map((c) => c.sopInstanceUid!),
      geometry: geometryFromSlices(ct, 0, ct.length - 1, sliceSpacing),
    },
    description,
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
