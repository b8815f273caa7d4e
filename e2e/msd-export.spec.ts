// The export for nnU-Net / MONAI as a user makes it: a real patient dropped, "Export for nnU-Net /
// MONAI" clicked, the zip written by the export worker as a stream — into the file the save picker
// gave (here a file of the origin-private file system standing in for the picker's dialog, which a
// headless browser cannot show: the same FileSystemFileHandle, the same streamed writable), or, in a
// browser without the picker, downloaded as a Blob of streamed parts. The zip is unpacked on disk
// and read back by nibabel and pydicom against the DICOM (src/test-support/msd_check.py); a cached
// patient whose originals are not loaded is refused with a message saying so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { test, expect, realPatient, repoRoot } from './fixtures';

function unpack(zip: Uint8Array, into: string): string[] {
  const files = unzipSync(zip);
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), bytes);
  }
  return Object.keys(files).sort();
}

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import nibabel, pydicom'], { encoding: 'utf8' }).status === 0) ?? null;

test('3Dircadb1.1 exported into the picked file, as a stream: nibabel reads the DICOM\'s HU and the expert mask back', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async ({ suggestedName }: { suggestedName: string }) =>
      (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });
  });
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.1'));
  await expect(page.getByTestId('patient-row')).toHaveCount(1, { timeout: 120_000 });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Export for nnU-Net / MONAI' }).click();
  await expect(page.getByTestId('msd-progress')).toContainText(/3Dircadb1\.1 \(1\/1\): slice \d+\/129/, { timeout: 60_000 });
  await expect(page.getByTestId('msd-message')).toContainText('Dataset501_liver.zip: 1 case (3Dircadb1_1)', { timeout: 180_000 });
  console.log(`[measure] 3Dircadb1.1 exported as an MSD zip in the browser (picked file): ${Date.now() - t0} ms; ${await page.getByTestId('msd-message').textContent()}`);

  const size = await page.evaluate(async () => (await (await (await navigator.storage.getDirectory()).getFileHandle('Dataset501_liver.zip')).getFile()).size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += 8 << 20) {
    const part = await page.evaluate(async ([from, to]) => {
      const file = await (await (await navigator.storage.getDirectory()).getFileHandle('Dataset501_liver.zip')).getFile();
      const bytes = new Uint8Array(await file.slice(from, to).arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    }, [at, Math.min(size, at + (8 << 20))]);
    chunks.push(Buffer.from(part, 'base64'));
  }
  const out = mkdtempSync(join(tmpdir(), 'liverlab-msd-e2e-'));
  expect(unpack(new Uint8Array(Buffer.concat(chunks)), out)).toEqual(['dataset.json', 'imagesTr/3Dircadb1_1_0000.nii.gz', 'labelsTr/3Dircadb1_1.nii.gz']);
  test.skip(!python, 'python3 cannot import nibabel and pydicom');
  const check = spawnSync(python!, [join(repoRoot, 'src/test-support/msd_check.py'), out, realPatient('3Dircadb1.1')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(check.stderr).toBe('');
  const read = JSON.parse(check.stdout);
  expect(read.labels).toEqual({ background: 0, liver: 1 });
  expect(read.channel_names).toEqual({ '0': 'CT' });
  const [c] = read.cases;
  expect({ shape: c.shape, dtype: c.dtype, huMismatch: c.huMismatch, labelMismatch: c.labelMismatch, organVoxels: c.organVoxels, slicesSeen: c.slicesSeen }).toEqual({
    shape: [512, 512, 129],
    dtype: 'int16',
    huMismatch: 0,
    labelMismatch: 0,
    organVoxels: 2865131,
    slicesSeen: 129,
  });
});

test('without a save picker the zip is downloaded; a cached patient whose originals are gone is refused, saying so', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker = undefined;
  });
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.1'));
  await expect(page.getByTestId('patient-row')).toHaveCount(1, { timeout: 120_000 });
  const downloading = page.waitForEvent('download', { timeout: 180_000 });
  await page.getByRole('button', { name: 'Export for nnU-Net / MONAI' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Dataset501_liver.zip');
  const out = mkdtempSync(join(tmpdir(), 'liverlab-msd-e2e-'));
  const path = join(out, 'download.zip');
  await download.saveAs(path);
  expect(unpack(readFileSync(path), join(out, 'unzipped'))).toEqual(['dataset.json', 'imagesTr/3Dircadb1_1_0000.nii.gz', 'labelsTr/3Dircadb1_1.nii.gz']);
  const dataset = JSON.parse(readFileSync(join(out, 'unzipped', 'dataset.json'), 'utf8'));
  expect({ numTraining: dataset.numTraining, file_ending: dataset.file_ending, labels: dataset.labels }).toEqual({ numTraining: 1, file_ending: '.nii.gz', labels: { background: 0, liver: 1 } });

  await page.getByRole('button', { name: /Preprocess and cache 1 patient/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 180_000 });
  await page.reload();
  const row = page.getByTestId('dataset-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('msd-needs-originals')).toContainText('originals not loaded: 3Dircadb1.1');
  await row.getByRole('button', { name: 'Export for nnU-Net / MONAI' }).click();
  await expect(row.getByTestId('msd-message')).toContainText('The original DICOM files of 3Dircadb1.1 are not loaded: drop them again');
});
