// A new user's own scans, in Chromium on the real patients: two patients' official zips picked as files
// (the browser loses their folder names) are two patients, each with its own masks; a CT alone is
// cached without ground truth and segmented whole, over its HU images, by the starter model the app
// ships; with its masks, the whole-scan Dice shown is the Dice of the exported NIfTI against the mask
// files; a NIfTI CT + label pair written from a real patient opens, trains and segments like its DICOM.
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, realPatient } from './fixtures';
import { storedSlices, storedSummary } from './idb';
import { downloads, imageToCanvas, meanAbsDiff, morph, settledPixels } from './viewerHelpers';
import { readNifti } from '../src/export/nifti';
import { readDicomSeg } from '../src/export/dicomSeg';
import { diceCoefficient } from '../src/metrics/diceCoefficient';
import { collectNodeSources } from '../src/node/nodeSources';
import { loadPatientSeries } from '../src/discovery/loadPatientSeries';
import { AS_DICOM, huOf, niftiFromSeries, writeTestNifti } from '../src/test-support/niftiFiles';

const downloadsFolder = mkdtempSync(join(tmpdir(), 'liverlab-downloads-'));

/** A real patient's zip under the name a browser gives a second download (a link in a temp folder). */
function zipAs(patient: string, zip: 'PATIENT_DICOM' | 'MASKS_DICOM', name: string): string {
  const at = join(downloadsFolder, name);
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

/** Preprocesses what was dropped, then opens `patient` in the View tab. */
async function cacheAndView(page: Page, patients: number, patient: string): Promise<{ viewer: Locator; viewport: Locator }> {
  await page.getByRole('button', { name: `Preprocess and cache ${patients} ${patients === 1 ? 'patient' : 'patients'}` }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 240_000 });
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  const picker = viewer.getByLabel('Patient', { exact: true });
  const value = await picker.locator('option', { hasText: patient }).first().getAttribute('value');
  await picker.selectOption(value!);
  const viewport = viewer.getByTestId('viewer-viewport');
  await expect(viewport.locator('canvas').first()).toBeVisible();
  return { viewer, viewport };
}

/** "Segment this patient" with the starter model; the timing line it shows. */
async function segmentWithStarter(viewer: Locator): Promise<string> {
  await viewer.getByLabel('Model').selectOption('starter');
  await expect(viewer.getByTestId('starter-note')).toContainText('not for clinical use');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('patient-metrics')).toBeVisible({ timeout: 300_000 });
  return (await viewer.getByTestId('inference-timing').textContent())!;
}

test('3Dircadb1.1’s PATIENT_DICOM.zip alone: cached without ground truth, segmented whole by the starter model over its HU images, volume shown, NIfTI and SEG exported', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(join(realPatient('3Dircadb1.1'), 'PATIENT_DICOM.zip'));
  const row = page.locator('[data-testid=patient-row][data-patient="3Dircadb1.1"]');
  await expect(row.getByTestId('slices')).toHaveText('129', { timeout: 120_000 });
  await expect(row.getByTestId('liver-range')).toHaveText('no ground truth');
  await expect(page.getByRole('note')).toContainText('cached whole');
  const { viewer, viewport } = await cacheAndView(page, 1, '3Dircadb1.1');
  await expect(viewer.getByLabel('Patient', { exact: true }).locator('option:checked')).toHaveText('3Dircadb1.1 (no ground truth)');
  await expect(viewer.getByTestId('starter-note')).toContainText('trained on 3Dircadb1.17');

  const t0 = Date.now();
  const timing = await segmentWithStarter(viewer);
  console.log(`[measure] browser: 3Dircadb1.1 whole scan with the starter model, click → metrics ${Date.now() - t0} ms; ${timing}`);
  await expect(viewer.getByTestId('segment-scope')).toHaveText('Whole scan: all 129 slices segmented.');
  await expect(viewer.getByTestId('metric-scope')).toHaveText('Whole scan (129 slices)');
  await expect(viewer.getByTestId('metric-dice')).toHaveText('—');
  await expect(viewer.getByTestId('metrics-reason')).toHaveText('no ground truth for this patient');
  // Drawn over the HU images of every slice, with the window presets.
  await expect(viewer.getByTestId('viewer-body')).toHaveAttribute('data-kind', 'hu');
  await expect(viewer.getByTestId('volume-summary')).toContainText('129 slices of 512×512');
  await viewer.getByRole('button', { name: 'Liver' }).click();
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 150 · L 90');

  const save = downloads(page);
  const nifti = readNifti(await save(() => viewer.getByRole('button', { name: 'Export NIfTI' }).click(), '.nii.gz'));
  expect(nifti.dims).toEqual([512, 512, 129]);
  const voxels = nifti.data.reduce((a, v) => a + v, 0);
  const ml = (voxels * nifti.pixdim[0] * nifti.pixdim[1] * nifti.pixdim[2]) / 1000;
  console.log(`[measure] 3Dircadb1.1 alone: predicted liver ${ml.toFixed(1)} mL (the mask, not given here, holds 1489.4 mL)`);
  await expect(viewer.getByTestId('metric-predicted-ml')).toHaveText(ml.toFixed(1));
  expect(ml).toBeGreaterThan(1000);
  const seg = readDicomSeg(await save(() => viewer.getByRole('button', { name: 'Export DICOM SEG' }).click(), '.seg.dcm'));
  expect([seg.frames, new Set(seg.referencedSopInstanceUids).size]).toEqual([129, 129]);
  expect(Buffer.compare(seg.labels, nifti.data)).toBe(0);

  // The prediction is on the slice shown: its pixels turn orange, the rest of the image does not change.
  const shownSlice = Number(await viewport.getByTestId('viewer-canvas-host').getAttribute('data-rendered-slice'));
  const mask = nifti.data.subarray(shownSlice * 512 * 512, (shownSlice + 1) * 512 * 512);
  expect(mask.reduce((a, v) => a + v, 0)).toBeGreaterThan(1000);
  await viewer.getByLabel('Prediction', { exact: true }).uncheck();
  const plain = await settledPixels(viewport);
  await viewer.getByLabel('Prediction', { exact: true }).check();
  const overlaid = await settledPixels(viewport);
  expect(meanAbsDiff(plain, overlaid)).toBeGreaterThan(0.5);
  const at = imageToCanvas(plain, 512, 512);
  const inside = morph(mask, 512, 512, 3);
  let n = 0;
  let orange = 0;
  for (let y = 0; y < 512; y += 2)
    for (let x = 0; x < 512; x += 2) {
      if (!inside[y * 512 + x]) continue;
      const i = at(x, y);
      n++;
      if (overlaid.data[i] - overlaid.data[i + 2] - (plain.data[i] - plain.data[i + 2]) > 30) orange++;
    }
  expect(orange / n).toBeGreaterThan(0.9);
});

test('3Dircadb1.1 with its masks: the whole-scan Dice shown is the Dice of the exported NIfTI against the mask files; the kept slab’s figures beside', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.1'));
  await expect(page.locator('[data-testid=patient-row][data-patient="3Dircadb1.1"]').getByTestId('liver-range')).toHaveText('27–124', { timeout: 120_000 });
  const { viewer } = await cacheAndView(page, 1, '3Dircadb1.1');
  const timing = await segmentWithStarter(viewer);
  console.log(`[measure] browser: 3Dircadb1.1 whole scan with its mask: ${timing}`);
  await expect(viewer.getByTestId('metric-scope')).toHaveText('Whole scan (129 slices)');
  await expect(viewer.getByTestId('slab-metric-scope')).toHaveText('Kept slab (slices 33–119, as trained)');
  await expect(viewer.getByTestId('metric-true-ml')).toHaveText('1489.4');
  await expect(viewer.getByTestId('slab-metric-true-ml')).toHaveText('1456.9');

  const save = downloads(page);
  const nifti = readNifti(await save(() => viewer.getByRole('button', { name: 'Export NIfTI' }).click(), '.nii.gz'));
  const drop = await collectNodeSources([realPatient('3Dircadb1.1')]);
  const series = await loadPatientSeries(drop.sources, '3Dircadb1.1', 'liver');
  if (!series.ok) throw new Error(series.problem.message);
  const truth = new Uint8Array(129 * 512 * 512);
  series.value.masks.forEach((m, s) => m.pixels.forEach((v, i) => (truth[s * 512 * 512 + i] = v > 0 ? 1 : 0)));
  const dice = diceCoefficient(nifti.data, truth)!;
  const shown = (await viewer.getByTestId('metric-dice').textContent())!;
  const slab = (await viewer.getByTestId('slab-metric-dice').textContent())!;
  console.log(`[measure] browser: 3Dircadb1.1 whole-scan Dice shown ${shown}, from the exported NIfTI vs the mask files ${dice.toFixed(5)}; kept slab ${slab}`);
  expect(shown).toBe(dice.toFixed(3));
  expect(dice).toBeGreaterThan(0.85);
});

test('a NIfTI CT + label pair written from 3Dircadb1.17 opens, trains and segments like its DICOM', async ({ page }) => {
  // The test writes 3Dircadb1.17 as LiTS writes its volumes: volume-17.nii.gz (int16 HU) and segmentation-17.nii.gz.
  const drop = await collectNodeSources([realPatient('3Dircadb1.17')]);
  const series = await loadPatientSeries(drop.sources, '3Dircadb1.17', 'liver');
  if (!series.ok) throw new Error(series.problem.message);
  const { ct, masks } = series.value;
  const px = 512 * 512;
  const hu = new Int16Array(ct.length * px);
  const liver = new Uint8Array(ct.length * px);
  ct.forEach((slice, s) => huOf(slice, hu.subarray(s * px, (s + 1) * px)));
  masks.forEach((m, s) => m.pixels.forEach((v, i) => (liver[s * px + i] = v > 0 ? 1 : 0)));
  const root = join(mkdtempSync(join(tmpdir(), 'liverlab-nifti-e2e-')), 'scans');
  mkdirSync(join(root, 'lits'), { recursive: true });
  mkdirSync(join(root, '3Dircadb1.17'), { recursive: true });
  writeFileSync(join(root, 'lits/volume-17.nii.gz'), writeTestNifti(niftiFromSeries(ct, hu, AS_DICOM, (n) => new Int16Array(n))));
  writeFileSync(join(root, 'lits/segmentation-17.nii.gz'), writeTestNifti(niftiFromSeries(ct, liver, AS_DICOM, (n) => new Uint8Array(n))));
  // Copies, not links: a folder picker does not follow links.
  for (const zip of ['PATIENT_DICOM.zip', 'MASKS_DICOM.zip']) copyFileSync(join(realPatient('3Dircadb1.17'), zip), join(root, '3Dircadb1.17', zip));

  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(root);
  for (const name of ['3Dircadb1.17', 'volume-17']) {
    const row = page.locator(`[data-testid=patient-row][data-patient="${name}"]`);
    await expect(row.getByTestId('slices')).toHaveText('119', { timeout: 120_000 });
    await expect(row.getByTestId('liver-range')).toHaveText('1–113');
    await expect(row).toContainText('0.743 × 0.743 × 1.6 mm');
  }
  const { viewer } = await cacheAndView(page, 2, 'volume-17');
  // Opens like its DICOM: the cached slices (window, CLAHE, kept slab) and masks are the same bytes.
  const stored = await storedSummary(page);
  const keyOf = (name: string) => stored.patients.find((p) => p.name === name)!.key;
  const hashes = async (name: string) => (await storedSlices(page, keyOf(name), { hashes: true })).map((s) => [s.index, s.imageHash, s.maskHash]);
  const fromNifti = await hashes('volume-17');
  expect(fromNifti).toHaveLength(102);
  expect(fromNifti).toEqual(await hashes('3Dircadb1.17'));

  // Segments like its DICOM: the starter model over the whole scan gives the same Dice on both.
  await segmentWithStarter(viewer);
  await expect(viewer.getByTestId('metric-scope')).toHaveText('Whole scan (119 slices)');
  const diceNifti = await viewer.getByTestId('metric-dice').textContent();
  await viewer.getByLabel('Patient', { exact: true }).selectOption(keyOf('3Dircadb1.17'));
  await segmentWithStarter(viewer);
  await expect(viewer.getByTestId('metric-dice')).toHaveText(diceNifti!);
  console.log(`[measure] browser: 3Dircadb1.17 whole-scan Dice with the starter model (its training patient): NIfTI ${diceNifti}, DICOM ${await viewer.getByTestId('metric-dice').textContent()}`);

  // Trains like its DICOM: a short run with the NIfTI patient training and the DICOM one validating.
  await page.getByRole('tab', { name: 'Train' }).click();
  const datasetSelect = page.getByTestId('run-setup').locator('label', { hasText: /^Dataset/ }).locator('select');
  await datasetSelect.selectOption({ index: 0 });
  await page.getByLabel('Base filters').fill('4');
  await page.getByLabel('Input size (px)').fill('64');
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('volume-17 role').selectOption('train');
  await page.getByLabel('3Dircadb1.17 role').selectOption('val');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
});
