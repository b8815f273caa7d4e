// The patients a drop holds, by name only, without reading any DICOM: paths are classified, and a
// zip's central directory is listed without inflating its entries. For the CLI's preprocess, which
// then reads each patient once (a full scan would inflate every organ's masks for nothing).
// Pure: no DOM, no Node APIs.
import { classifyPath, classifyZip, DEFAULT_PATIENT_NAME } from './layout';
import { isZipPath, naturalCompare, normalisePath } from '../common/paths';
import type { SourceFile } from '../common/types';
import { expandZip } from '../archive/zip';

export async function listPatientNames(sources: SourceFile[], fallbackName = DEFAULT_PATIENT_NAME): Promise<string[]> {
  const names = new Set<string>();
  const note = (path: string) => {
    const role = classifyPath(path, fallbackName);
    if (role) names.add(role.patient);
  };
  for (const source of sources) {
    const path = normalisePath(source.path);
    if (!isZipPath(path)) {
      note(path);
      continue;
    }
    if (classifyZip(path, fallbackName).kind === 'unused') continue;
    const filter = (entry: string): boolean => {
      if (isZipPath(entry)) return classifyZip(entry, fallbackName).kind !== 'unused';
      note(entry);
      return false;
    };
    for await (const item of expandZip({ ...source, path }, { filter })) void item;
  }
  return [...names].sort(naturalCompare);
}
