// A new user's own scans, in Chromium on the real patients: two patients' official zips picked as files
// (the browser loses their folder names) are two patients, each with its own masks.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, realPatient } from './fixtures';

const downloads = mkdtempSync(join(tmpdir(), 'liverlab-downloads-'));

/** A real patient's zip under the name a browser gives a second download (a link in a temp folder). */
function zipAs(patient: string, zip: 'PATIENT_DICOM' | 'MASKS_DICOM', name: string): string {
  const at = join(downloads, name);
  symlinkSync(join(realPatient(patient), `${zip}.zip`), at);
  return at;
}

test('the four official zips of two patients picked as files: the two right patients, each with its own masks', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([
    zipAs('3Dircadb1.1', 'PATIENT_DICOM', 'PATIENT_DICOM.zip'),
    zipAs('3Dircadb1.17', 'PATIENT_DICOM', 'PATIENT_DICOM (1).zip'),
    zipAs('3Dircadb1.17', 'MASKS_DICOM', 'MASKS_DICOM.zip'),
    zipAs('3Dircadb1.1', 'MASKS_DICOM', 'MASKS_DICOM (1).zip'),
  ]);
  const rows = page.getByTestId('patient-row');
  await expect(rows).toHaveCount(2, { timeout: 120_000 });
  const p1 = page.locator('[data-testid=patient-row][data-patient="3Dircadb1.1"]');
  const p17 = page.locator('[data-testid=patient-row][data-patient="3Dircadb1.17"]');
  await expect(p1.getByTestId('slices')).toHaveText('129');
  await expect(p1.getByTestId('liver-range')).toHaveText('27–124');
  await expect(p1.getByTestId('organs')).toHaveText('liver');
  await expect(p17.getByTestId('slices')).toHaveText('119');
  await expect(p17.getByTestId('liver-range')).toHaveText('1–113');
  await expect(p17.getByTestId('organs')).toContainText('venoussystem');
  await expect(page.getByRole('button', { name: 'Preprocess and cache 2 patients' })).toBeEnabled();
});
