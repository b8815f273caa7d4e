// Which of the dropped files a patient's data came from: its own DICOM files, and any zip whose
// folder holds them (a zip may serve several patients). Used to hash a patient's inputs and to
// re-read its pixels without a re-drop. Pure.
import type { PatientScan } from './types';

interface PathLike {
  path: string;
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function patientFilePaths(p: PatientScan): Set<string> {
  return new Set([...p.ct.map((s) => s.file), ...p.organs.flatMap((o) => o.slices.map((s) => s.file))]);
}

export function patientSourceFiles<T extends PathLike>(files: T[], p: PatientScan): T[] {
  const own = patientFilePaths(p);
  const all = [...own];
  return files.filter((f) => {
    const path = f.path.replace(/\\/g, '/');
    if (!/\.zip$/i.test(path)) return own.has(path);
    const folder = folderOf(path);
    return folder === '' || all.some((q) => q.startsWith(folder + '/'));
  });
}
