// The shapes that flow out of dicom/: one parsed slice, one problem, one discovered patient.
// Pure types only: shared by the reader, discovery, workers, the CLI and the UI.

/** A problem with one input file: never thrown across the drop, always collected and shown. */
export interface Problem {
  /** Path of the file (or folder) relative to what the user dropped, e.g. `3Dircadb1.17/PATIENT_DICOM/image_3`. */
  file: string;
  message: string;
  /** `error`: the file (or patient) is unusable; `warning`: usable, but the user should know. */
  severity: 'error' | 'warning';
}

export type PixelArray = Int16Array | Uint16Array | Uint8Array | Int8Array;

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

/** What a path inside a drop means in the 3D-IRCADb layout. */
export type PathRole =
  | { kind: 'ct'; patient: string; slice: string }
  | { kind: 'mask'; patient: string; organ: string; slice: string };

/** Summary of one slice kept by discovery (no pixels). */
export interface SliceRef {
  /** Path relative to the drop, as shown to the user. */
  file: string;
  instanceNumber: number;
  rows: number;
  columns: number;
}

export interface MaskSliceRef extends SliceRef {
  /** True when any pixel is non-zero; null when the scan read only the header (an organ it was not asked to check). */
  nonEmpty: boolean | null;
  /**
   * Where the mask is > 0, as runs `[start, length, start, length, …]` over the row-major pixels (see
   * pipeline/binarise `foregroundRuns`), when the scan read the pixels; lets preprocessing rebuild the
   * binarised mask without reading the file again. A few KB per liver slice.
   */
  foreground?: Uint32Array;
}

export interface OrganSeries {
  organ: string;
  slices: MaskSliceRef[];
  /** First and last index (0-based, in the CT's sorted order) of a non-empty mask slice, or null when all empty (or unchecked). */
  nonEmptyRange: [number, number] | null;
  /** True when the scan read only this organ's headers (ScanOptions.checkOrgans): its range is unknown until preprocessing. */
  unchecked?: boolean;
}

/** One patient as discovered in a drop: CT series sorted by InstanceNumber, masks per organ, problems. */
export interface PatientScan {
  name: string;
  ct: SliceRef[];
  rows: number;
  columns: number;
  /** [row, column, slice] spacing in mm (slice spacing from positions when present, else SliceThickness). */
  spacing: [number, number, number] | null;
  transferSyntaxUid: string | null;
  modality: string | null;
  organs: OrganSeries[];
  /** Bytes of all the patient's source files (as stored on disk/in the zip, uncompressed). */
  bytes: number;
  problems: Problem[];
  /** True when the CT series is readable and non-empty (masks may still have problems). */
  usable: boolean;
}

/** A value, or the problem that stopped it: errors are values, never exceptions across a drop. */
export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/**
 * One file of a drop, wherever it lives (a browser File, a Node file, an entry of a zip).
 * `path` is relative to what the user dropped and uses `/`; `bytes()` may be called more than once.
 */
export interface SourceFile {
  path: string;
  size: number;
  bytes(): Promise<Uint8Array>;
  /** Optional chunked reading (browser `File.stream()`, Node read streams), so big zips need no whole copy. */
  stream?(): AsyncIterable<Uint8Array>;
  /** Optional random access (`Blob.slice`, a positioned file read): lets zips be read entry by entry. */
  slice?(start: number, end: number): Promise<Uint8Array>;
}
