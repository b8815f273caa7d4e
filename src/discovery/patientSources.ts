// Which of the dropped files a patient's data came from: its own DICOM or NIfTI files (PatientFiles,
// what loading reads again), and any zip that holds them (a zip may serve several patients). Used to
// hash a patient's inputs and to re-read its pixels without a re-drop. Pure.
import { zipEntryPath } from '../archive/zipItems';
import type { PatientFiles, PatientScan } from './types';

interface PathLike {
  path: string;
}

/** The files the scan found for `scan`: its kept CT slices and every organ's mask slices. */
export function patientFilesOf(scan: PatientScan): PatientFiles {
  return {
    name: scan.name,
    ct: scan.ct.map((slice) => slice.file),
    organs: Object.fromEntries(scan.organs.map((organ) => [organ.organ, organ.slices.map((slice) => slice.file)])),
  };
}

export function patientFilePaths(p: PatientScan): Set<string> {
  return new Set([...p.ct.map((s) => s.file), ...p.organs.flatMap((o) => o.slices.map((s) => s.file))]);
}

/**
 * The folder every entry of the zip at `zipPath` stands in (`a/B.zip` → `a/B/`, archive/zipItems
 * zipEntryPath), lower case: a zip holds a file only if the file's path starts with it.
 */
export function zipEntriesPrefix(zipPath: string): string {
  return zipEntryPath(zipPath, '-').slice(0, -1).toLowerCase();
}

/** True when the zip at `zipPath` may hold one of `lowerPaths` (lower-case drop-relative paths). */
export function zipMayHold(zipPath: string, lowerPaths: readonly string[]): boolean {
  const prefix = zipEntriesPrefix(zipPath);
  return lowerPaths.some((p) => p.startsWith(prefix));
}

export function patientSourceFiles<T extends PathLike>(files: T[], p: PatientScan): T[] {
  const own = patientFilePaths(p);
  const lower = [...own].map((q) => q.toLowerCase());
  return files.filter((f) => {
    const path = f.path.replace(/\\/g, '/').replace(/^\/+/, '');
    return /\.zip$/i.test(path) ? zipMayHold(path, lower) : own.has(path);
  });
}
