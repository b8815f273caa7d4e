// The shapes that flow out of dicom/: one parsed slice's header and pixels.
// Pure types only: shared by the reader, the writer, discovery, the jobs, the CLI and the UI.
import type { PixelArray } from '../common/types';

/** Header fields of one DICOM image that the product uses. Lengths in mm. */
export interface SliceHeader {
  instanceNumber: number | null;
  rows: number;
  columns: number;
  /** [row spacing, column spacing] in mm, or null when absent. */
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  imagePositionPatient: [number, number, number] | null;
  imageOrientationPatient: number[] | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  studyInstanceUid: string | null;
  modality: string | null;
  patientName: string | null;
  transferSyntaxUid: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel: number;
  photometricInterpretation: string | null;
  rescaleSlope: number;
  rescaleIntercept: number;
  pixelPaddingValue: number | null;
  windowCenter: number | null;
  windowWidth: number | null;
}

/** A fully read slice: header plus stored pixel values (before rescale), row-major. */
export interface DicomSlice extends SliceHeader {
  pixels: PixelArray;
}
