// What expanding a zip hands out, and how it names things: complete entries under drop-relative paths,
// folders, and problems naming the zip and the entry (a corrupt entry, a truncated zip or a bomb is an
// item, never a throw across a drop). Shared by the streamed and the random-access reader, which open
// each other's nested zips through an ExpandWithin. Pure: no DOM, no Node APIs.
import { normalisePath } from '../common/paths';
import type { Problem, SourceFile } from '../common/types';
import type { Budget } from './zipCaps';

/** A complete entry, a problem (with the entry's drop-relative path when known), or a folder entry. */
export type ZipItem =
  /** `size`: the entry's whole size when `bytes` is only its start (a `head` entry). */
  | { path: string; bytes: Uint8Array; size?: number }
  | { problem: Problem; path?: string }
  | { folder: string };

/** A problem item of one zip: about the zip, or (with `entryName`) about one of its entries. */
export type ZipProblem = (message: string, entryName?: string) => ZipItem;

/** Expands one zip (of a drop, or nested) within a budget, `depth` levels of nesting down. */
export type ExpandWithin = (
  zip: SourceFile,
  filter: ((entryPath: string) => boolean) | undefined,
  budget: Budget,
  depth: number,
) => AsyncGenerator<ZipItem>;

/**
 * Drop-relative path of an entry: `<zip folder>/<entry>` when the entry already starts with a folder
 * named like the zip (`3Dircadb1.17.zip` ∋ `3Dircadb1.17/…`, `PATIENT_DICOM.zip` ∋ `PATIENT_DICOM/…`),
 * else `<zip folder>/<zip name>/<entry>` (`3Dircadb1.17.zip` ∋ `PATIENT_DICOM/…`).
 */
export function zipEntryPath(zipPath: string, entryName: string): string {
  const zip = normalisePath(zipPath);
  const entry = normalisePath(entryName);
  const slash = zip.lastIndexOf('/');
  const folder = slash < 0 ? '' : zip.slice(0, slash + 1);
  const base = zip.slice(slash + 1).replace(/\.zip$/i, '');
  const firstSegment = entry.split('/')[0];
  const alreadyInside = entry.includes('/') && firstSegment.toLowerCase() === base.toLowerCase();
  return alreadyInside ? folder + entry : `${folder}${base}/${entry}`;
}

/** The problems of the zip at `zipPath` (normalised): each names the zip, and the entry when there is one. */
export function zipProblem(zipPath: string): ZipProblem {
  return (message: string, entryName?: string): ZipItem => ({
    problem: { file: zipPath, message: entryName === undefined ? message : `entry ${entryName}: ${message}`, severity: 'error' },
    ...(entryName === undefined ? {} : { path: zipEntryPath(zipPath, entryName) }),
  });
}

/** A nested zip, inflated into memory, as a source with random access. */
export function memoryZip(path: string, bytes: Uint8Array): SourceFile {
  return { path, size: bytes.length, bytes: async () => bytes, slice: async (s, e) => bytes.subarray(s, e) };
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
