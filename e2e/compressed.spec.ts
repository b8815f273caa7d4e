// Compressed DICOM in the browser, as a user drops it: a few real 3Dircadb1.17 slices written to disk
// uncompressed, as JPEG-LS (CT) + RLE (masks) and as JPEG 2000 (CT) + JPEG lossless (masks) by
// dcmtk/gdcm, and a JPEG-LS patient with one truncated file. All are ingested by the scan workers,
// preprocessed by the preprocess workers (codec WASM fetched from the app itself: the fixture fails the
// test on any other origin) and cached with pixels identical to the uncompressed patient's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { encoding, hasTool, type Encoding } from '../scripts/dicomEncoders';
import { test, expect, realPatient } from './fixtures';
import { storedSliceHashes, storedSummary } from './idb';

const SLICES = Array.from({ length: 12 }, (_, i) => 50 + i);
const BROKEN_SLICE = 55;
const tools = hasTool('dcmcjpls') && hasTool('dcmcrle') && hasTool('dcmcjpeg') && hasTool('gdcmconv');

/** Patient folder name → how its CT and liver masks are encoded (null: as exported). */
const PATIENTS: Record<string, { ct: Encoding | null; masks: Encoding | null }> = tools
  ? {
      'Plain.17': { ct: null, masks: null },
      'JpegLs.17': { ct: encoding('jpeg-ls-lossless'), masks: encoding('rle') },
      'J2k.17': { ct: encoding('jpeg-2000-lossless'), masks: encoding('jpeg-lossless-sv1') },
      'Broken.17': { ct: encoding('jpeg-ls-lossless'), masks: null },
    }
  : {};

function writeDataset(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'liverlab-e2e-compressed-')), 'dataset');
  const raw = join(root, '..', 'raw');
  const source = realPatient('3Dircadb1.17');
  const names = new Set(SLICES.flatMap((n) => [`PATIENT_DICOM/image_${n}`, `MASKS_DICOM/liver/image_${n}`]));
  const files = {
    ...unzipSync(readFileSync(join(source, 'PATIENT_DICOM.zip')), { filter: (f) => names.has(f.name) }),
    ...unzipSync(readFileSync(join(source, 'MASKS_DICOM.zip')), { filter: (f) => names.has(f.name) }),
  };
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(raw, name)), { recursive: true });
    writeFileSync(join(raw, name), bytes);
  }
  for (const [patient, { ct, masks }] of Object.entries(PATIENTS)) {
    for (const name of Object.keys(files)) {
      const out = join(root, patient, name);
      mkdirSync(dirname(out), { recursive: true });
      const enc = name.startsWith('PATIENT_DICOM/') ? ct : masks;
      if (enc) execFileSync(enc.tool, enc.args(join(raw, name), out));
      else writeFileSync(out, files[name]);
    }
  }
  // One JPEG-LS file cut short, as an interrupted copy leaves it.
  const broken = join(root, 'Broken.17', `PATIENT_DICOM/image_${BROKEN_SLICE}`);
  const bytes = readFileSync(broken);
  writeFileSync(broken, bytes.subarray(0, bytes.length - 4000));
  return root;
}

test.skip(!tools, 'dcmtk / gdcm encoders not installed (apt-get install dcmtk libgdcm-tools; .ci/run does it)');

test('JPEG-LS, JPEG 2000, RLE and JPEG lossless patients are ingested, preprocessed and cached like the uncompressed one', async ({ page }) => {
  test.setTimeout(300_000);
  const root = writeDataset();
  const wasm: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.wasm')) wasm.push(new URL(request.url()).pathname);
  });
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(root);
  const rows = page.getByTestId('patient-row');
  await expect(rows).toHaveCount(4, { timeout: 120_000 });
  const row = (name: string) => page.locator(`[data-testid=patient-row][data-patient="${name}"]`);

  for (const name of ['Plain.17', 'JpegLs.17', 'J2k.17']) {
    await expect(row(name).getByTestId('slices')).toHaveText(String(SLICES.length));
    await expect(row(name).getByTestId('size')).toHaveText('512×512');
    await expect(row(name).getByTestId('liver-range')).toHaveText(`0–${SLICES.length - 1}`);
    await expect(row(name).locator('.ok')).toHaveText('none');
  }
  // The truncated file is named with what is wrong; the rest of that patient still loads.
  const broken = row('Broken.17');
  await expect(broken.getByTestId('slices')).toHaveText(String(SLICES.length - 1));
  await expect(broken.getByTestId('problems')).toContainText(
    new RegExp(`Broken\\.17/PATIENT_DICOM/image_${BROKEN_SLICE}: fragment 1 claims \\d+ bytes but only \\d+ are left \\(truncated file\\?\\) \\(JPEG-LS Lossless Image Compression \\(1\\.2\\.840\\.10008\\.1\\.2\\.4\\.80\\)\\)`),
  );

  await page.getByRole('button', { name: /Preprocess and cache 4 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 240_000 });
  const stored = await storedSummary(page);
  const keyOf = (name: string) => stored.patients.find((p) => p.name === name)!.key;
  const plain = await storedSliceHashes(page, keyOf('Plain.17'));
  expect(plain.images.length).toBeGreaterThan(0);
  for (const name of ['JpegLs.17', 'J2k.17']) {
    expect(await storedSliceHashes(page, keyOf(name)), name).toEqual(plain);
  }
  // Both WASM codecs came from the app's own origin (the fixture fails the test on any other).
  expect(wasm.some((path) => /charlswasm_decode.*\.wasm$/.test(path))).toBe(true);
  expect(wasm.some((path) => /openjpegwasm_decode.*\.wasm$/.test(path))).toBe(true);
});
