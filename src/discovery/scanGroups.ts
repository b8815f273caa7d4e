// Splits a drop into groups that can be scanned independently (one worker each): files are
// grouped by the folder that holds their PATIENT_DICOM / MASKS_DICOM, so a patient never spans
// two groups; other files by their folder, except that a Decathlon's imagesTr/labelsTr are one group
// (their parent's: a label pairs with its image) and everything under a DICOMDIR's folder joins the
// DICOMDIR (its index is checked against those files). Pure: no DOM.
import type { DroppedFile } from '../common/blobSource';

/** A series folder or zip of the layout, or a copy of one (`PATIENT_DICOM (1).zip`, layout.ts isSeriesFolderName). */
const SERIES_FOLDER = /^(patient_dicom|masks_dicom)(\s*\(\d+\)|[ _-]\d+|\s*-\s*copy(\s*\(\d+\))?)?(\.zip)?$/i;

/** The Decathlon's image and label folders: grouped under their parent. */
const DECATHLON_FOLDER = /^(images|labels)T[rs]$/i;

export function patientGroupKey(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const at = parts.findIndex((p) => SERIES_FOLDER.test(p));
  if (at >= 0) return parts.slice(0, at).join('/');
  if (/\.zip$/i.test(path)) return parts.join('/');
  const folder = parts.slice(0, -1);
  if (folder.length > 0 && DECATHLON_FOLDER.test(folder[folder.length - 1])) folder.pop();
  return folder.join('/');
}

const isDicomDir = (path: string) => /(^|[\\/])dicomdir$/i.test(path);

/**
 * Groups files by patientGroupKey, one file at a time (a caller can spread thousands over several
 * tasks). The key of a plain file (not a zip, not itself named like a series folder) depends only on
 * its folder, so it is worked out once per folder — a drop has thousands of files in a few dozen.
 */
export class PatientGrouper {
  private readonly byFolder = new Map<string, string>();
  private readonly byKey = new Map<string, DroppedFile[]>();
  /** Keys (folders) of the DICOMDIRs seen: the files under them join their group. */
  private readonly dicomDirs = new Set<string>();

  key(raw: string): string {
    const path = raw.includes('\\') ? raw.replace(/\\/g, '/') : raw;
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    if (cut < 0 || name === '' || /\.zip$/i.test(name) || SERIES_FOLDER.test(name)) return patientGroupKey(path);
    const folder = path.slice(0, cut);
    let key = this.byFolder.get(folder);
    if (key === undefined) this.byFolder.set(folder, (key = patientGroupKey(path)));
    return key;
  }

  add(file: DroppedFile): void {
    const key = this.key(file.path);
    if (isDicomDir(file.path)) this.dicomDirs.add(key);
    let g = this.byKey.get(key);
    if (!g) this.byKey.set(key, (g = []));
    g.push(file);
  }

  /** Groups in first-seen order; at most `maxGroups` (extra groups are merged round-robin). */
  groups(maxGroups = Infinity): DroppedFile[][] {
    const byGroup = new Map<string, DroppedFile[]>();
    for (const [key, files] of this.byKey) {
      const group = [...this.dicomDirs].find((d) => d === '' || key === d || key.startsWith(`${d}/`)) ?? key;
      byGroup.set(group, [...(byGroup.get(group) ?? []), ...files]);
    }
    const groups = [...byGroup.values()];
    if (groups.length <= maxGroups) return groups;
    const merged: DroppedFile[][] = Array.from({ length: maxGroups }, () => []);
    groups.forEach((g, i) => merged[i % maxGroups].push(...g));
    return merged;
  }
}

/** patientGroupKey of each path (one grouper: the per-folder shortcut applies). */
export function patientGroupKeys(paths: readonly string[]): string[] {
  const grouper = new PatientGrouper();
  return paths.map((p) => grouper.key(p));
}

/** Groups preserving first-seen order; at most `maxGroups` (extra groups are merged round-robin). */
export function groupByPatient(files: DroppedFile[], maxGroups = Infinity): DroppedFile[][] {
  const grouper = new PatientGrouper();
  for (const f of files) grouper.add(f);
  return grouper.groups(maxGroups);
}
