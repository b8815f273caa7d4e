// Segmentation as a student does it after training: the demo phantoms cached, a tiny UNet trained
// through the UI (base 4, 64², a few epochs: its Dice need not be high), then the View tab: pick
// Phantom.3, "Segment this patient", and the prediction overlay is drawn exactly where the mask
// is; the threshold slider changes the overlay; the difference view colours TP/FP/FN; NIfTI and
// DICOM SEG downloads read back (in Node, with LiverLab's readers) to the same mask, and the Dice
// of that NIfTI against the cached truth (read from IndexedDB) is the Dice the UI shows.
import { test, expect } from './fixtures';
import { storedSummary } from './idb';
import { readNifti } from '../src/export/nifti';
import { readDicomSeg } from '../src/export/dicomSeg';
import { diceCoefficient } from '../src/metrics/diceCoefficient';
import { cachedTruth, cacheDemo, downloads, imageToCanvas, meanAbsDiff, morph, settledPixels } from './viewerHelpers';
import { expectAccessible } from './axe';

/** What the page's beforeunload handlers say: true when leaving now would ask first. */
const leavingAsks = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });

test('segments Phantom.3 with a model trained here: overlay on the mask, live threshold, difference colours, NIfTI/SEG exports whose Dice is the one shown', async ({ page }) => {
  const measures: string[] = [];
  page.on('console', (m) => {
    if (m.text().startsWith('[measure]')) measures.push(m.text());
  });
  await cacheDemo(page);
  const save = downloads(page);

  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByLabel('Base filters').fill('4');
  await page.getByLabel('Input size (px)').fill('64');
  await page.getByLabel('Epochs').fill('12');
  await page.getByLabel('Learning rate').fill('0.003');
  await page.getByRole('button', { name: 'Start training' }).click();
  // While it trains: the step bar says where it is, the epoch and the run have progress bars, leaving asks first.
  await expect(page.getByTestId('step-train')).toHaveAttribute('data-state', 'working');
  await expect(page.getByTestId('step-train-status')).toHaveText(/^training epoch \d+ \/ 12$/);
  await expect(page.getByRole('progressbar', { name: /^Epoch \d+ of 12$/ })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Training run progress' })).toBeVisible();
  expect(await leavingAsks(page)).toBe(true);
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
  expect(await leavingAsks(page)).toBe(false);
  await expect(page.getByTestId('step-train-status')).toHaveText('1 model · 1 run'); // this run's (the starter model the app ships is not counted)
  await expect(page.getByTestId('next-action')).toHaveText('Next: Open a patient in the viewer');
  // The finished run's curves reopen from the runs table, with its history as CSV; the Train tab passes axe.
  await page.getByRole('button', { name: /^Curves of / }).click();
  await expect(page.getByTestId('run-charts')).toHaveCount(2);
  await expect(page.getByRole('img', { name: /^Dice per epoch/ }).last()).toHaveAccessibleDescription(/validation: 0\.\d{3} at epoch 12/);
  const history = new TextDecoder().decode(await save(() => page.getByRole('button', { name: 'Download history (CSV)' }).last().click(), '.csv'));
  expect(history.trim().split('\n')).toHaveLength(13);
  expect(history.split('\n')[0]).toBe('epoch,loss,train_dice,val_loss,val_dice,val_dice Phantom.3,seconds,tensors');
  await expectAccessible(page, 'Train (finished run, curves, models), light');

  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  const viewport = viewer.getByTestId('viewer-viewport');
  await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: 'Phantom.3' });
  await expect(viewport.locator('canvas').first()).toBeVisible();
  await expect(viewer.getByLabel('Model')).not.toHaveValue('');
  await expect(viewer.getByText('No prediction yet')).toBeVisible();
  // Before: the expert's mask outlined, no prediction. The next action is to segment this patient: the step bar does it.
  await expect(viewer.getByLabel('Ground truth', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Ground truth outline only')).toBeChecked();
  await expect(page.getByTestId('next-action')).toHaveText('Next: Segment Phantom.3');
  const t0 = Date.now();
  // The cached slices (the kept slab), as this test checks them against the cached truth; the whole scan: own-scans.spec.
  await viewer.getByLabel('Slices to segment').selectOption('slab');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('patient-metrics')).toBeVisible({ timeout: 120_000 });
  console.log(`[measure] segment Phantom.3 (click → metrics shown): ${Date.now() - t0} ms; ${await viewer.getByTestId('inference-timing').textContent()}`);
  await expect(viewer.getByTestId('resize-note')).toHaveText('model takes 64², slices are 128²: resized');
  // After: prediction against the expert at a glance — truth outlined, prediction filled, difference one key away.
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Prediction outline only')).not.toBeChecked();
  await expect(viewer.getByLabel('Ground truth', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Ground truth outline only')).toBeChecked();
  await expect(viewer.getByLabel('Difference', { exact: true })).not.toBeChecked();
  await expect(page.getByTestId('step-view-status')).toHaveText(`Phantom.3 · Dice ${await viewer.getByTestId('metric-dice').textContent()}`);
  await viewport.focus();
  await page.keyboard.press('d');
  await expect(viewer.getByLabel('Difference', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Prediction', { exact: true })).not.toBeChecked();
  await expect(viewer.getByLabel('Ground truth', { exact: true })).not.toBeChecked();
  await page.keyboard.press('?');
  await expect(viewer.getByTestId('viewer-help')).toContainText('difference view on / off');
  await page.keyboard.press('?');
  await page.keyboard.press('d');
  await expect(viewer.getByLabel('Difference', { exact: true })).not.toBeChecked();
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Ground truth', { exact: true })).toBeChecked();
  await expectAccessible(page, 'View (segmented), light');
  await page.getByLabel('Theme').selectOption('dark');
  await expectAccessible(page, 'View (segmented), dark');
  await page.getByLabel('Theme').selectOption('system');

  const stored = await storedSummary(page);
  const patient = stored.patients.find((p) => p.name === 'Phantom.3')!;
  const truth = await cachedTruth(page, patient.key);
  const [W, H] = [128, 128];
  const exportNifti = async () => readNifti(await save(() => viewer.getByRole('button', { name: 'Export NIfTI' }).click(), '.nii.gz'));

  // Lower the threshold until the model predicts a visible amount of liver (a tiny model is unsure).
  let nifti = await exportNifti();
  for (const t of ['0.40', '0.30', '0.20', '0.10']) {
    if (nifti.data.reduce((a, v) => a + v, 0) > 400) break;
    await viewer.getByLabel('Threshold').fill(t);
    await expect(viewer.getByTestId('threshold-value')).toHaveText(t);
    nifti = await exportNifti();
  }
  expect(nifti.dims).toEqual([W, H, patient.kept]);
  const mask = nifti.data;
  const areas = Array.from({ length: patient.kept }, (_, s) => mask.subarray(s * W * H, (s + 1) * W * H).reduce((a, v) => a + v, 0));
  const best = areas.indexOf(Math.max(...areas));
  expect(areas[best]).toBeGreaterThan(50);

  // Go to the slice with the most predicted liver: the orange overlay covers exactly the mask.
  await viewport.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < best; i++) await page.keyboard.press('ArrowDown');
  await expect(viewport.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', String(best));
  await viewer.getByLabel('Prediction', { exact: true }).uncheck();
  const plain = await settledPixels(viewport);
  await viewer.getByLabel('Prediction', { exact: true }).check();
  const overlaid = await settledPixels(viewport);
  const at = imageToCanvas(plain, W, H);
  const slice = mask.subarray(best * W * H, (best + 1) * W * H);
  const inside = morph(slice, W, H, 1);
  const near = morph(slice, W, H, -3);
  let insideN = 0;
  let insideOrange = 0;
  let outsideN = 0;
  let outsideSame = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = at(x, y);
      const redShift = overlaid.data[i] - overlaid.data[i + 2] - (plain.data[i] - plain.data[i + 2]);
      if (inside[y * W + x]) {
        insideN++;
        if (redShift > 30) insideOrange++;
      } else if (!near[y * W + x]) {
        outsideN++;
        if (Math.abs(overlaid.data[i] - plain.data[i]) + Math.abs(overlaid.data[i + 1] - plain.data[i + 1]) + Math.abs(overlaid.data[i + 2] - plain.data[i + 2]) <= 6) outsideSame++;
      }
    }
  console.log(`[measure] prediction overlay on slice ${best + 1}: ${insideOrange}/${insideN} predicted pixels turned orange, ${outsideSame}/${outsideN} others unchanged`);
  expect(insideN).toBeGreaterThan(20);
  expect(insideOrange / insideN).toBeGreaterThan(0.9);
  expect(outsideSame / outsideN).toBeGreaterThan(0.99);

  // Moving the threshold changes the overlay (live, no new inference).
  const threshold = await viewer.getByTestId('threshold-value').textContent();
  await viewer.getByLabel('Threshold').fill(threshold === '0.10' ? '0.60' : '0.05');
  await expect.poll(async () => meanAbsDiff(overlaid, await settledPixels(viewport)), { timeout: 30_000 }).toBeGreaterThan(0.05);

  // The difference view: TP yellow, FP red, FN blue where the exported mask and the cached truth say.
  nifti = await exportNifti();
  const now = nifti.data.subarray(best * W * H, (best + 1) * W * H);
  const truthSlice = truth.subarray(best * W * H, (best + 1) * W * H);
  await viewer.getByLabel('Prediction', { exact: true }).uncheck();
  await viewer.getByLabel('Difference', { exact: true }).check();
  const diff = await settledPixels(viewport);
  const sums = { tp: [0, 0, 0, 0], fp: [0, 0, 0, 0], fn: [0, 0, 0, 0] };
  const core = (m: Uint8Array) => morph(m, W, H, 1);
  const [tpCore, fpCore, fnCore] = [
    core(Uint8Array.from(now, (p, i) => p & truthSlice[i])),
    core(Uint8Array.from(now, (p, i) => p & (1 - truthSlice[i]))),
    core(Uint8Array.from(now, (p, i) => (1 - p) & truthSlice[i])),
  ];
  for (let k = 0; k < W * H; k++) {
    const cls = tpCore[k] ? sums.tp : fpCore[k] ? sums.fp : fnCore[k] ? sums.fn : null;
    if (!cls) continue;
    const i = at(k % W, Math.floor(k / W));
    for (let c = 0; c < 3; c++) cls[c] += diff.data[i + c] - plain.data[i + c];
    cls[3]++;
  }
  const avg = (m: number[]) => m.slice(0, 3).map((v) => Math.round(v / Math.max(1, m[3])));
  console.log(`[measure] difference view on slice ${best + 1}: TP ${sums.tp[3]} px ΔRGB ${avg(sums.tp)}, FP ${sums.fp[3]} px ${avg(sums.fp)}, FN ${sums.fn[3]} px ${avg(sums.fn)}`);
  if (sums.tp[3] > 10) expect(avg(sums.tp)[0] > 20 && avg(sums.tp)[1] > 20 && avg(sums.tp)[2] < 0).toBe(true);
  if (sums.fp[3] > 10) expect(avg(sums.fp)[0] - avg(sums.fp)[2]).toBeGreaterThan(40);
  if (sums.fn[3] > 10) expect(avg(sums.fn)[2] - avg(sums.fn)[0]).toBeGreaterThan(40);
  expect(sums.tp[3] + sums.fp[3] + sums.fn[3]).toBeGreaterThan(20);

  // The Dice shown is the Dice of the exported NIfTI against the cached truth, to the shown precision.
  const shown = (await viewer.getByTestId('metric-dice').textContent())!;
  const dice = diceCoefficient(nifti.data, truth)!;
  console.log(`[measure] Phantom.3 Dice: UI ${shown}, NIfTI vs cached truth ${dice.toFixed(5)}`);
  expect(shown).toBe(dice.toFixed(3));
  await expect(viewer.getByTestId('volume-dice')).toHaveText(`; Dice ${dice.toFixed(3)}`);

  // DICOM SEG: references the CT slices (the demo's originals are loaded), same voxels as the NIfTI.
  const segBytes = await save(() => viewer.getByRole('button', { name: 'Export DICOM SEG' }).click(), '.seg.dcm');
  const seg = readDicomSeg(segBytes);
  expect([seg.rows, seg.columns, seg.frames]).toEqual([H, W, patient.kept]);
  expect(new Set(seg.referencedSopInstanceUids).size).toBe(patient.kept);
  expect(seg.segmentLabels).toEqual(['Liver']);
  expect(Buffer.compare(seg.labels, nifti.data)).toBe(0);
  await expect(viewer.getByTestId('export-message')).toContainText('references the CT slices');

  // The SEG opened back into the app: frames placed by the CT slices they reference, the same voxels —
  // the difference view on this slice is pixel for pixel what it was, and the Dice is the same.
  await viewer.getByLabel('Open segmentation').setInputFiles({ name: 'back.seg.dcm', mimeType: 'application/dicom', buffer: Buffer.from(segBytes) });
  await expect(viewer.getByTestId('opened-segmentation')).toContainText('back.seg.dcm: DICOM SEG shown as the prediction');
  await expect(viewer.getByTestId('opened-segmentation')).toContainText('placed by their referenced CT slices');
  // An opened file is shown as a fresh prediction is: filled over the outlined truth; back to the difference view.
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeChecked();
  await viewer.getByLabel('Prediction', { exact: true }).uncheck();
  await viewer.getByLabel('Difference', { exact: true }).check();
  expect(meanAbsDiff(diff, await settledPixels(viewport))).toBeLessThan(0.05);
  await expect(viewer.getByTestId('volume-dice')).toHaveText(`; Dice ${dice.toFixed(3)}`);
  const png = await save(() => viewer.getByRole('button', { name: 'Export PNG montage' }).click(), '.png');
  expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');

  // Segment all: one row per patient, Phantom.3's Dice as above; sortable; CSV.
  await viewer.getByRole('button', { name: 'Segment all' }).click();
  await expect(viewer.getByTestId('result-row')).toHaveCount(3, { timeout: 120_000 });
  await expect(viewer.getByTestId('result-row').filter({ hasText: 'Phantom.3' })).toContainText(dice.toFixed(3));
  // The mean row: each column's mean over the patients (Dice is the table's third column).
  const rowDice = await viewer.getByTestId('result-row').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[2].textContent)));
  const meanDice = Number(await viewer.getByTestId('result-mean').locator('td').nth(1).textContent());
  expect(Math.abs(meanDice - rowDice.reduce((a, v) => a + v, 0) / rowDice.length)).toBeLessThan(0.0015);
  await viewer.getByRole('button', { name: /^Dice/ }).click();
  const csv = new TextDecoder().decode(await save(() => viewer.getByRole('button', { name: 'Export CSV' }).click(), '.csv'));
  expect(csv.split('\n')[0]).toBe('patient,slices,dice,iou,hausdorff95_mm,predicted_ml,true_ml');
  expect(csv.trim().split('\n')).toHaveLength(4);
  for (const m of measures) console.log(m);
});
