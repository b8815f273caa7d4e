// A DICOMDIR (the index a CD/DVD or PACS export writes beside its images): the files its directory
// records name (Referenced File ID, path components under the DICOMDIR's folder). LiverLab reads the
// images themselves whatever their names; the index only says what should be there, so a missing
// file can be named. On top of dicom-parser. Pure: never throws (an unreadable index is a Problem).
import dicomParser from 'dicom-parser';
import type { Result } from '../common/types';

const DIRECTORY_RECORDS = 'x00041220';
const REFERENCED_FILE_ID = 'x00041500';

/** True for a path whose last segment is DICOMDIR (any case). */
export function isDicomDirPath(path: string): boolean {
  return /(^|\/)dicomdir$/i.test(path);
}

/** The files the DICOMDIR names, as `/`-separated paths relative to its folder, in record order. */
export function readDicomDir(bytes: Uint8Array, file: string): Result<string[]> {
  try {
    const dataSet = dicomParser.parseDicom(bytes);
    const records = dataSet.elements[DIRECTORY_RECORDS]?.items;
    if (!records) return { ok: false, problem: { file, message: 'DICOMDIR without a Directory Record Sequence (0004,1220)', severity: 'error' } };
    const files: string[] = [];
    for (const record of records) {
      const id = record.dataSet?.string(REFERENCED_FILE_ID);
      if (id) files.push(id.split('\\').map((part) => part.trim()).filter(Boolean).join('/'));
    }
    return { ok: true, value: files };
  } catch (e) {
    return { ok: false, problem: { file, message: `unreadable DICOMDIR (${e instanceof Error ? e.message : String(e)})`, severity: 'error' } };
  }
}
