// An edited label as files and back, on the real patient 3Dircadb1.1 dropped with its DICOM: a label
// drawn with real mouse strokes on two slices is saved, exported as DICOM SEG (referencing the CT
// slices, described as the edited label) and as NIfTI (positioned from the DICOM headers), each
// opened back with "Open a label file…" and saved as a new label that equals the saved one pixel for
// pixel. A NIfTI of another size and a file that is no segmentation are refused with a message
// naming the file and the problem, and leave the stored labels, models and cache as they were; a label with no
// corrected slice says it cannot be fine-tuned on yet. A label deleted or saved in one tab is listed so in another.
import { readNifti, writeNifti } from '../src/export/nifti';
import { readDicomSeg } from '../src/export/dicomSeg';
import { geometryFromSpacing } from '../src/export/geometry';
import { test, expect } from './fixtures';
import { downloads } from './viewerHelpers';
import { mouseOnImage, openRealPatient, storedLabels, storedModels } from './labelHelpers';
import { storedSummary } from './idb';

test('3Dircadb1.1: an edited label exported as DICOM SEG and NIfTI opens back as the same label; files that do not fit are refused, nothing stored changes', async ({ page }) => {
  test.setTimeout(240_000);
  const { patient, viewport, labels } = await openRealPatient(page, '3Dircadb1.1');
  const [W, H] = [patient.width, patient.height];
  const host = viewport.getByTestId('viewer-canvas-host');

  // A label drawn from empty: a brush stroke on the slice the viewer opens on, a click ten slices on.
  await labels.getByRole('button', { name: 'Draw from empty' }).click();
  await labels.getByLabel('Brush radius (mm)').fill('10');
  const { click, stroke } = mouseOnImage(page, viewport, W, H);
  const first = Number(await host.getAttribute('data-rendered-slice'));
  await stroke([160, 300], [330, 280]);
  await viewport.focus();
  await page.keyboard.press('PageDown');
  const second = Number(await host.getAttribute('data-rendered-slice'));
  expect(second).not.toBe(first);
  await click(220, 200);
  await labels.getByRole('button', { name: 'Save as new label' }).click();
  await expect(labels.getByTestId('label-message')).toContainText('saved as a new label');
  const [saved] = await storedLabels(page);
  expect(saved.edited).toEqual([first, second].sort((a, b) => a - b));

  // Exported: the SEG references the kept CT slices and names the label; the NIfTI is placed by the DICOM headers.
  const download = downloads(page);
  const segBytes = await download(() => labels.getByRole('button', { name: 'Export label as DICOM SEG' }).click(), '.seg.dcm');
  await expect(labels.getByTestId('label-message')).toContainText(`3Dircadb1.1_drawn-label.seg.dcm saved (references the ${patient.kept} slices from slice ${patient.keptFrom + 1}`);
  const seg = readDicomSeg(segBytes);
  expect(seg).toMatchObject({ frames: patient.kept, rows: H, columns: W, seriesDescription: 'LiverLab label: 3Dircadb1.1 · drawn', segmentLabels: ['Liver (edited label)'], segmentAlgorithmTypes: ['MANUAL'] });
  expect(new Set(seg.referencedSopInstanceUids).size).toBe(patient.kept);
  const niftiBytes = await download(() => labels.getByRole('button', { name: 'Export label as NIfTI' }).click(), '.nii.gz');
  await expect(labels.getByTestId('label-message')).toContainText('3Dircadb1.1_drawn-label.nii.gz saved');
  await expect(labels.getByTestId('label-message')).toContainText('positioned from the DICOM headers');
  const nifti = readNifti(niftiBytes);
  expect(nifti.dims).toEqual([W, H, patient.kept]);
  expect(nifti.affine[2][3]).not.toBe(0); // the first kept slice's height from its ImagePositionPatient, not the spacing-only origin
  await labels.getByRole('button', { name: 'Close' }).click();

  // Each file opened back as a label and saved: the same label, pixel for pixel, its origin the file.
  const files = [
    { name: 'exported-label.seg.dcm', mimeType: 'application/dicom', buffer: Buffer.from(segBytes), format: 'DICOM SEG' },
    { name: 'exported-label.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(niftiBytes), format: 'NIfTI' },
  ];
  for (const [k, { format, ...file }] of files.entries()) {
    await labels.getByLabel('Open a label file').setInputFiles(file);
    await expect(labels.getByTestId('label-message')).toContainText(`${file.name}: ${format} opened as a new label`);
    await expect(labels.getByTestId('label-name')).toContainText(`3Dircadb1.1 · from ${file.name} (not saved)`);
    await labels.getByRole('button', { name: 'Save as new label' }).click();
    await expect(labels.getByTestId('stored-labels').locator('li')).toHaveCount(k + 2);
    const reopened = (await storedLabels(page)).at(-1)!;
    expect(reopened).toMatchObject({ origin: 'file', file: file.name, edited: [] });
    expect(reopened.sliceRuns).toEqual(saved.sliceRuns);
    // Saved as it came, it holds no corrected slice: fine-tuning on it is refused, saying why.
    await expect(labels.getByTestId('finetune-needs-corrections')).toBeVisible();
    await expect(labels.getByRole('button', { name: 'Fine-tune on these corrections' })).toBeDisabled();
    await labels.getByRole('button', { name: 'Close' }).click();
  }

  // Files that do not fit: a NIfTI of another size, and one that is no segmentation. A message names each; nothing stored changes.
  const before = { labels: await storedLabels(page), models: await storedModels(page), cache: await storedSummary(page) };
  expect(before.models.length).toBeGreaterThan(0); // the starter model
  const otherSize = writeNifti(new Uint8Array(64 * 64 * 5).fill(1), geometryFromSpacing(64, 64, 5, [1, 1, 2]));
  await labels.getByLabel('Open a label file').setInputFiles({ name: 'other-size.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(otherSize) });
  await expect(labels.getByTestId('label-message')).toHaveText(`other-size.nii.gz: 64×64×5 voxels, but 3Dircadb1.1 is ${W}×${H}×${patient.kept} (width × height × slices); nothing was changed`);
  await labels.getByLabel('Open a label file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a label') });
  await expect(labels.getByTestId('label-message')).toHaveText('notes.txt: neither a DICOM SEG nor a NIfTI file; nothing was changed');
  await expect(labels.getByRole('button', { name: 'Draw from empty' })).toBeVisible(); // no label was opened for editing
  expect({ labels: await storedLabels(page), models: await storedModels(page), cache: await storedSummary(page) }).toEqual(before);
  await expect(labels.getByTestId('stored-labels').locator('li')).toHaveCount(3);

  // A second tab on the same patient lists the labels as this tab deletes and saves them.
  const other = await page.context().newPage();
  await other.goto('/');
  await other.getByRole('tab', { name: 'View' }).click();
  const otherViewer = other.getByRole('region', { name: 'Viewer' });
  await otherViewer.getByLabel('Patient').selectOption({ label: '3Dircadb1.1' });
  const otherList = otherViewer.getByTestId('label-panel').getByTestId('stored-labels').locator('li');
  await expect(otherList).toHaveCount(3);
  await labels.getByRole('button', { name: `Delete ${saved.name}` }).click();
  await expect(labels.getByTestId('label-message')).toHaveText(`deleted ${saved.name}`);
  await expect(otherList).toHaveCount(2);
  expect((await storedLabels(page)).map((l) => l.id)).not.toContain(saved.id);
  await labels.getByTestId('stored-labels').getByRole('button', { name: 'Open' }).first().click();
  await labels.getByRole('button', { name: 'Save as new label' }).click();
  await expect(otherList).toHaveCount(3);
  await other.close();
});
