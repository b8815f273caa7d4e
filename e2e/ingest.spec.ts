// Ingest as a user does it: the demo button, a real patient's folder with its two zips, a
// dropped zip, and a folder with a broken file whose message is shown while the rest loads.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { zipSync } from 'fflate';
import { test, expect, realPatient } from './fixtures';
import { generatePhantomPatient } from '../src/phantom/phantom';

test('opens on a welcome screen; the demo dataset lists phantom patients', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /segment the liver/i })).toBeVisible();
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  const rows = page.getByTestId('patient-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-patient', 'Phantom.1');
  await expect(rows.nth(2)).toHaveAttribute('data-patient', 'Phantom.3');
  for (let i = 0; i < 3; i++) {
    await expect(rows.nth(i).getByTestId('slices')).toHaveText('40');
    await expect(rows.nth(i).getByTestId('size')).toHaveText('128×128');
    await expect(rows.nth(i).getByTestId('organs')).toContainText('liver');
    await expect(rows.nth(i).getByTestId('liver-range')).toHaveText(/^\d+–\d+$/);
  }
});

test('a real patient folder with PATIENT_DICOM.zip and MASKS_DICOM.zip: 119 slices, 512×512, 8 organs', async ({ page }) => {
  await page.goto('/');
  const t0 = Date.now();
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  const row = page.locator('[data-testid=patient-row][data-patient="3Dircadb1.17"]');
  await expect(row).toBeVisible({ timeout: 120_000 });
  console.log(`[measure] 3Dircadb1.17 from its zips, scanned in the browser: ${Date.now() - t0} ms (incl. upload to page)`);
  await expect(page.getByTestId('patient-row')).toHaveCount(1);
  await expect(row.getByTestId('slices')).toHaveText('119');
  await expect(row.getByTestId('size')).toHaveText('512×512');
  for (const organ of ['artery', 'bone', 'liver', 'livertumor1', 'livertumor2', 'portalvein', 'skin', 'venoussystem']) {
    await expect(row.getByTestId('organs')).toContainText(organ);
  }
  await expect(row.getByTestId('liver-range')).toHaveText('1–113');
  await expect(row).toContainText('0.743 × 0.743 × 1.6 mm');
});

test('a dropped zip of a patient is read like a folder', async ({ page }) => {
  const p = generatePhantomPatient({ name: 'Dropped.7', size: 64, slices: 24, seed: 7 });
  const zip = zipSync(Object.fromEntries(p.files.map((f) => [f.path, f.bytes])));
  await page.goto('/');
  await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'Dropped.7.zip', { type: 'application/zip' }));
    const zone = document.querySelector('[data-testid=dropzone]')!;
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, Buffer.from(zip).toString('base64'));
  const row = page.locator('[data-testid=patient-row][data-patient="Dropped.7"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('slices')).toHaveText('24');
  await expect(row.getByTestId('size')).toHaveText('64×64');
});

test('a folder with a broken file: the message names the file, the other patients load', async ({ page }) => {
  const root = join(mkdtempSync(join(tmpdir(), 'liverlab-e2e-')), 'dataset');
  for (let i = 1; i <= 2; i++) {
    const p = generatePhantomPatient({ name: `3Dircadb1.${i}`, size: 64, slices: 20, seed: i });
    for (const f of p.files) {
      mkdirSync(join(root, dirname(f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.bytes);
    }
  }
  writeFileSync(join(root, '3Dircadb1.2/PATIENT_DICOM/notes.txt'), 'exported by hand, do not use\n');
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(root);
  await expect(page.getByTestId('patient-row')).toHaveCount(2);
  await expect(page.getByTestId('patient-row').nth(0)).toHaveAttribute('data-patient', '3Dircadb1.1');
  const broken = page.locator('[data-testid=patient-row][data-patient="3Dircadb1.2"]');
  await expect(broken.getByTestId('slices')).toHaveText('20');
  await expect(page.getByText('notes.txt', { exact: false }).first()).toBeAttached();
  await expect(page.locator('ul.problems li').filter({ hasText: 'notes.txt' }).first()).toContainText(/not a DICOM/i);
});
