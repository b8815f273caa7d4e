// The shapes every layer shares: a problem with a file (errors are values), a result, a file of a drop
// wherever it lives, the pixel arrays of a slice. Pure types only; the bottom of the tree.

/** A problem with one input file: never thrown across the drop, always collected and shown. */
export interface Problem {
  /** Path of the file (or folder) relative to what the user dropped, e.g. `3Dircadb1.17/PATIENT_DICOM/image_3`. */
  file: string;
  message: string;
  /** `error`: the file (or patient) is unusable; `warning`: usable, but the user should know. */
  severity: 'error' | 'warning';
}

export type PixelArray = Int16Array | Uint16Array | Uint8Array | Int8Array;

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
