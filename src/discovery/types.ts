// What discovery reports: the role of a path in the 3D-IRCADb layout, the slices it kept, the organ series
// and one discovered patient. Pure types only: shared by discovery, the jobs, workers, the CLI and the UI.
import type { Problem } from '../common/types';

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
  /** 'nifti' when the CT is a NIfTI volume (every slice in one file: `ct[].file` all name it); absent for DICOM. */
  format?: 'nifti';
}

/**
 * The files one patient's pixels are read from again, as the scan grouped them: its CT series and each
 * organ's masks (drop-relative paths). Loading goes by these, never by folder names: two patients in
 * one folder, or one patient's zips with their folder names lost, are still read apart.
 */
export interface PatientFiles {
  name: string;
  ct: string[];
  organs: Record<string, string[]>;
}
