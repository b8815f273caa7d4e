// The two real 3D-IRCADb-01 patients in ../shared/data as tests drop them: folder paths, and the four
// official zips as a browser saves two patients' downloads side by side — `PATIENT_DICOM.zip`,
// `PATIENT_DICOM (1).zip`, `MASKS_DICOM.zip`, `MASKS_DICOM (1).zip` — their folder names lost.
// Test support only: never imported by production code.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFile } from '../node/nodeSources';
import type { SourceFile } from '../common/types';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHARED_DATA = path.resolve(here, '../../../shared/data');

export type RealPatient = '3Dircadb1.1' | '3Dircadb1.17';

/** Throws naming the missing file when ../shared/data is not there (see shared/data/README.md). */
export function requireRealData(): void {
  const probe = path.join(SHARED_DATA, '3Dircadb1.17', 'PATIENT_DICOM.zip');
  if (!existsSync(probe)) throw new Error(`real test data missing: expected ${probe} (see shared/data/README.md)`);
}

/** One official zip of a real patient, under the name the drop gives it. */
export function realZip(patient: RealPatient, zip: 'PATIENT_DICOM' | 'MASKS_DICOM', as: string): SourceFile {
  const absolute = path.join(SHARED_DATA, patient, `${zip}.zip`);
  return nodeFile(absolute, as, statSync(absolute).size);
}

/**
 * Both patients' four zips under the names a browser gives a second download, `first` saved first (its
 * zips keep their names, the other's get ` (1)`) — unless `crossed`, where the masks were saved in the
 * other order, so no `(1)` pairs with its own CT. `folder`: the folder they sit in ('' when picked as files).
 */
export function fourZips(first: RealPatient, { crossed = false, folder = '' } = {}): SourceFile[] {
  const second: RealPatient = first === '3Dircadb1.1' ? '3Dircadb1.17' : '3Dircadb1.1';
  const at = (name: string) => (folder ? `${folder}/${name}` : name);
  const [masksFirst, masksSecond] = crossed ? [second, first] : [first, second];
  return [
    realZip(first, 'PATIENT_DICOM', at('PATIENT_DICOM.zip')),
    realZip(second, 'PATIENT_DICOM', at('PATIENT_DICOM (1).zip')),
    realZip(masksFirst, 'MASKS_DICOM', at('MASKS_DICOM.zip')),
    realZip(masksSecond, 'MASKS_DICOM', at('MASKS_DICOM (1).zip')),
  ];
}
