// Splits a drop into groups that can be scanned independently (one worker each): files are
// grouped by the folder that holds their PATIENT_DICOM / MASKS_DICOM, so a patient never spans
// two groups. Pure: no DOM.
import type { DroppedFile } from '../dicom/blobSource';

const SERIES_FOLDER = /^(patient_dicom|masks_dicom)(\.zip)?$/i;

export function patientGroupKey(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const at = parts.findIndex((p) => SERIES_FOLDER.test(p));
  if (at >= 0) return parts.slice(0, at).join('/');
  if (/\.zip$/i.test(path)) return parts.join('/');
  return parts.slice(0, -1).join('/');
}

/** Groups preserving first-seen order; at most `maxGroups` (extra groups are merged round-robin). */
export function groupByPatient(files: DroppedFile[], maxGroups = Infinity): DroppedFile[][] {
  const byKey = new Map<string, DroppedFile[]>();
  for (const f of files) {
    const key = patientGroupKey(f.path);
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = []));
    g.push(f);
  }
  const groups = [...byKey.values()];
  if (groups.length <= maxGroups) return groups;
  const merged: DroppedFile[][] = Array.from({ length: maxGroups }, () => []);
  groups.forEach((g, i) => merged[i % maxGroups].push(...g));
  return merged;
}
