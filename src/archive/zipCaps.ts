// What expanding a drop's zips may cost, and what it is asked for: the options of expandZip, the caps
// that stop a zip bomb (per entry, in all, nesting depth) and the running budget both readers charge
// as they inflate, shared by the streamed and the random-access reader so a nested zip read one way
// inside a zip read the other draws on the same totals. Pure: no DOM, no Node APIs.

/** One entry is held in memory whole: a slice is ~0.5 MiB, a nested PATIENT_DICOM.zip up to ~100 MiB. */
export const DEFAULT_MAX_ENTRY_BYTES = 256 * 2 ** 20;
/**
 * Total inflated bytes (nested zips count twice: as an entry and as their content). The whole
 * 3D-IRCADb-01 download inflates to several GiB; nothing is held, so this only bounds the time a bomb wastes.
 */
export const DEFAULT_MAX_TOTAL_BYTES = 32 * 2 ** 30;
/** Zips inside zips inside zips: the official layout needs 2 levels; a recursive bomb gets 4. */
export const MAX_NESTING = 4;

export interface ExpandZipOptions {
  /**
   * Asked for every entry, nested zips included, with its drop-relative path
   * (`3Dircadb1.17/PATIENT_DICOM/image_0`, `3Dircadb1/3Dircadb1.17/MASKS_DICOM.zip`):
   * false skips it without inflating it.
   */
  filter?: (entryPath: string) => boolean;
  /**
   * True for an entry of which only the start is wanted (a DICOM header): it is handed out as its
   * first HEAD_BYTES, with `size` its whole size, read and inflated no further (so not CRC-checked).
   */
  head?: (entryPath: string) => boolean;
  maxEntryBytes?: number;
  maxTotalBytes?: number;
  /**
   * Inflate every (non-zip) entry into the same buffer, grown as needed, one entry at a time: for a
   * consumer that is done with an entry's bytes before it asks for the next (e.g. reduces each slice
   * at once). Saves a fresh slice-sized allocation per entry (~2 ms per 512 KB in a browser worker here).
   */
  reuseOutput?: boolean;
}

/**
 * Bytes handed out for a `head` entry: four times a 3D-IRCADb slice's header (~1 KB); a longer header
 * is read again whole by the scan. Smaller is faster: inflating the first 16 KB of the ~950 mask
 * entries of 3Dircadb1.17 took ~240 ms in a browser worker, the first 4 KB ~80 ms.
 */
export const HEAD_BYTES = 4 * 1024;

/** What one expandZip call has spent and may still spend, shared by every zip it opens. */
export interface Budget {
  maxEntryBytes: number;
  maxTotalBytes: number;
  inflated: number;
  exhausted: boolean;
  /** Which entries are read only as far as their header (see ExpandZipOptions.head). */
  head?: (entryPath: string) => boolean;
  /** The shared output buffer when ExpandZipOptions.reuseOutput is set (null until first needed). */
  output?: { bytes: Uint8Array | null };
}

/** The problem message of an entry over the per-entry cap. */
export function overEntryCap(size: string, budget: Budget): string {
  return `over the ${formatBytes(budget.maxEntryBytes)} per-entry cap: ${size} (zip bomb?); skipped`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${+(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
