// An ONNX model trained elsewhere, brought back into the app as a user does it: the CLI exports the
// two real patients for the cluster (MSD), scripts/onnx_round_trip.py trains the reference UNet in
// PyTorch on 3Dircadb1.17 (64², base 8, ten epochs, in this test's own run) and writes model.onnx +
// model.liverlab.json, and PyTorch says its Dice on 3Dircadb1.1. In the app: 3Dircadb1.1 dropped
// and cached; the .onnx imported alone, so the app asks for its settings (the form starts from the
// model's shapes and LiverLab's preprocessing, which is what the sidecar says); a sidecar that does
// not fit the model is refused, naming the file, and nothing is stored; then "Segment this patient"
// runs it with onnxruntime-web (WASM: the software WebGPU is skipped) and shows PyTorch's Dice on the
// same slices (the cached, kept ones) within 0.01; its NIfTI export has that Dice against the expert
// mask of those slices, as for a model trained here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, realPatient, repoRoot } from './fixtures';
import { storedSummary } from './idb';
import { downloads } from './viewerHelpers';
import { readNifti } from '../src/export/nifti';
import { diceCoefficient } from '../src/metrics/diceCoefficient';

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch, nibabel, cv2, pydicom'], { encoding: 'utf8' }).status === 0) ?? null;

test('an ONNX model trained in PyTorch segments 3Dircadb1.1 in the app with PyTorch\'s Dice', async ({ page }) => {
  test.skip(!python, 'python3 cannot import torch, nibabel, cv2 and pydicom');
  test.setTimeout(600_000);
  const work = mkdtempSync(join(tmpdir(), 'liverlab-onnx-e2e-'));
  const msd = join(work, 'msd');
  const exported = spawnSync(process.execPath, [join(repoRoot, 'scripts/cli.mjs'), 'export-msd', realPatient('3Dircadb1.17'), realPatient('3Dircadb1.1'), '--out', msd, '--fast'], { cwd: repoRoot, encoding: 'utf8' });
  expect(exported.status, exported.stderr).toBe(0);
  const trained = spawnSync(python!, [join(repoRoot, 'scripts/onnx_round_trip.py'), msd, join(work, 'rt'), '--size', '64', '--base', '8', '--epochs', '10', '--lr', '0.002'], { encoding: 'utf8' });
  expect(trained.status, trained.stderr).toBe(0);
  const torch = JSON.parse(trained.stdout.trim().split('\n').pop()!) as { diceKept: number; keptFrom: number; keptTo: number; onnx: string; sidecar: string };

  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.1'));
  await expect(page.getByTestId('patient-row')).toHaveCount(1, { timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 1 patient/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 180_000 });
  const cached = (await storedSummary(page)).patients[0];
  expect([cached.keptFrom, cached.keptTo]).toEqual([torch.keptFrom, torch.keptTo]);

  await page.getByRole('tab', { name: 'Train' }).click();
  // A sidecar that does not fit the model: refused, naming it; nothing stored.
  const badSidecar = join(work, 'model.liverlab.json');
  writeFileSync(badSidecar, JSON.stringify({ ...JSON.parse(readFileSync(torch.sidecar, 'utf8')), inputSize: 96 }));
  await page.getByTestId('model-import').setInputFiles([torch.onnx, badSidecar]);
  await expect(page.getByTestId('models-message')).toContainText("import failed: model.liverlab.json: inputSize 96 does not fit the model's input [batch, 1, 64, 64] (NCHW)");
  await expect(page.locator('[data-testid=model-row][data-model=model]')).toHaveCount(0); // only the starter model is listed
  // The .onnx alone: the app asks what it expects, starting from the model's shapes.
  await page.getByTestId('model-import').setInputFiles([torch.onnx]);
  const form = page.getByRole('form', { name: 'ONNX model settings' });
  await expect(form).toContainText('model.onnx came without model.liverlab.json');
  await expect(form.getByLabel('Input size')).toHaveValue('64');
  await expect(form.getByLabel('Layout')).toHaveValue('NCHW');
  await form.getByRole('button', { name: 'Import with these settings' }).click();
  await expect(page.getByTestId('models-message')).toHaveText('model imported');
  await expect(page.locator('[data-testid=model-row][data-model=model]')).toContainText('imported ONNX');

  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: '3Dircadb1.1' });
  await expect(viewer.getByLabel('Model')).toContainText('model (64², imported ONNX)');
  await viewer.getByLabel('Model').selectOption({ label: 'model (64², imported ONNX)' });
  // The cached slices (the kept slab), which PyTorch's diceKept is measured on; the whole scan: own-scans.spec.
  await viewer.getByLabel('Slices to segment').selectOption('slab');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('patient-metrics')).toBeVisible({ timeout: 180_000 });
  const timing = await viewer.getByTestId('inference-timing').textContent();
  expect(timing).toContain('ONNX-WASM');
  const dice = Number(await viewer.getByTestId('metric-dice').textContent());
  console.log(`[measure] ONNX model in the app (3Dircadb1.1, ${cached.kept} cached slices): Dice ${dice}, PyTorch ${torch.diceKept}; ${timing}`);
  expect(Math.abs(dice - torch.diceKept)).toBeLessThan(0.01);

  const save = downloads(page);
  const nifti = readNifti(await save(() => viewer.getByRole('button', { name: 'Export NIfTI' }).click(), '.nii.gz'));
  expect(nifti.dims).toEqual([512, 512, cached.kept]);
  // The expert mask of the same kept slices, from the MSD export's label volume (512² × 129).
  const px = 512 * 512;
  const truth = readNifti(readFileSync(join(msd, 'labelsTr/3Dircadb1_1.nii.gz'))).data.subarray(cached.keptFrom * px, (cached.keptTo + 1) * px);
  expect(diceCoefficient(nifti.data, truth)).toBeCloseTo(dice, 3);
});
