// The viewer beyond one axial stack: MPR (axial, coronal, sagittal reformats of the cached volume
// with its real spacing, linked by crosshairs, overlays in all three), two models side by side
// (same slice, each its own prediction and Dice), and a segmentation file opened back (a matching
// SEG gives the identical voxels; a NIfTI or SEG of another size or series is refused by name).
// Every view check reads canvas pixels.
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';
import { storedSummary } from './idb';
import { writeNifti } from '../src/export/nifti';
import { writeDicomSeg } from '../src/export/dicomSeg';
import { geometryFromSpacing } from '../src/export/geometry';
import { cachedTruth, canvasPixels, litFraction, meanAbsDiff, openDemoPatient, settledPixels, type Pixels } from './viewerHelpers';

const [W, H] = [128, 128];

/** Canvas-pixel mapping of a view from its data-corners: voxel (u, v) on the view's two in-plane axes → RGBA offset. */
async function viewMapping(view: Locator, axes: [number, number], dims: number[]) {
  const corners = (await view.getAttribute('data-corners'))!.split(',').map(Number);
  const [x0, y0, x1, y1] = corners;
  return (p: Pixels) => (u: number, v: number): number => {
    const cx = Math.floor(x0 + ((u + 0.5) / dims[axes[0]]) * (x1 - x0));
    const cy = Math.floor(y0 + ((v + 0.5) / dims[axes[1]]) * (y1 - y0));
    return (cy * p.width + cx) * 4;
  };
}

/** Fraction of lit pixels inside the rectangle the volume's corners span on the canvas. */
function litInside(p: Pixels, corners: string | null): number {
  const [x0, y0, x1, y1] = corners!.split(',').map(Number);
  let lit = 0;
  let n = 0;
  for (let y = Math.ceil(Math.min(y0, y1)); y < Math.floor(Math.max(y0, y1)); y++)
    for (let x = Math.ceil(Math.min(x0, x1)); x < Math.floor(Math.max(x0, x1)); x++) {
      const i = (y * p.width + x) * 4;
      n++;
      if (p.data[i] + p.data[i + 1] + p.data[i + 2] > 60) lit++;
    }
  return n > 0 ? lit / n : 0;
}

const focus = async (view: Locator) => (await view.getAttribute('data-focus'))!.split(',').map(Number);

test('MPR: three views drawn, crosshair click moves the others, ground truth coloured in the coronal view where the mask is', async ({ page }) => {
  const { viewer } = await openDemoPatient(page, 'Phantom.1');
  const stored = await storedSummary(page);
  const patient = stored.patients.find((p) => p.name === 'Phantom.1')!;
  const truth = await cachedTruth(page, patient.key);
  const D = patient.kept;
  const dims = [W, H, D];
  await viewer.getByLabel('Layout').selectOption('mpr');
  const views = { axial: viewer.getByTestId('mpr-axial'), coronal: viewer.getByTestId('mpr-coronal'), sagittal: viewer.getByTestId('mpr-sagittal') };
  // Each view draws the CT inside the volume's outline (the phantom's body covers most of it).
  for (const view of Object.values(views)) {
    await expect(view).toHaveAttribute('data-corners', /\d/);
    await expect.poll(async () => litInside(await canvasPixels(view), await view.getAttribute('data-corners')), { timeout: 30_000 }).toBeGreaterThan(0.3);
  }
  // The coronal reformat keeps the spacing: its drawn height / width is D·Δz / W·Δx.
  const [cx0, cy0, cx1, cy1] = (await views.coronal.getAttribute('data-corners'))!.split(',').map(Number);
  const [rowMm, colMm, sliceMm] = (patient as typeof patient & { spacing: [number, number, number] }).spacing; // the stored record has it
  expect(Math.abs(cy1 - cy0) / Math.abs(cx1 - cx0)).toBeCloseTo((D * sliceMm) / (W * colMm), 1);
  console.log(`[measure] MPR coronal: ${W}×${D} voxels of ${colMm}×${sliceMm} mm drawn ${Math.abs(cx1 - cx0).toFixed(0)}×${Math.abs(cy1 - cy0).toFixed(0)} px (row spacing ${rowMm})`);
  // The views share the area by the volume's proportions: this short stack (D slices) puts the axial view
  // beside coronal over sagittal, half the viewer wide (three equal columns gave it a third).
  await expect(viewer.getByTestId('viewer-viewport')).toHaveAttribute('data-mpr-arrangement', 'side');
  const [ax0a, , ax1a] = (await views.axial.getAttribute('data-corners'))!.split(',').map(Number);
  const area = (await viewer.getByTestId('viewer-viewport').boundingBox())!;
  const dprA = await page.evaluate(() => window.devicePixelRatio);
  console.log(`[measure] MPR axial view drawn ${(Math.abs(ax1a - ax0a) / dprA).toFixed(0)} px wide of a ${area.width.toFixed(0)} px viewer`);
  expect(Math.abs(ax1a - ax0a) / dprA).toBeGreaterThan(0.45 * area.width);

  // Click in the axial view on the voxel of the liver's centre: coronal moves to its row, sagittal to its column.
  let best = 0;
  let bestArea = -1;
  for (let k = 0; k < D; k++) {
    let a = 0;
    for (let i = k * W * H; i < (k + 1) * W * H; i++) a += truth[i];
    if (a > bestArea) [best, bestArea] = [k, a];
  }
  await viewer.getByTestId('viewer-viewport').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < best; i++) await page.keyboard.press('ArrowDown');
  await expect(viewer.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', String(best));
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (truth[best * W * H + y * W + x]) [sx, sy] = [sx + x, sy + y];
  const [tx, ty] = [Math.round(sx / bestArea), Math.round(sy / bestArea)];
  const before = { coronal: await settledPixels(views.coronal), sagittal: await settledPixels(views.sagittal) };
  const [ax0, ay0, ax1, ay1] = (await views.axial.getAttribute('data-corners'))!.split(',').map(Number);
  const box = (await views.axial.boundingBox())!;
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const clickVoxel = (x: number, y: number) => page.mouse.click(box.x + (ax0 + ((x + 0.5) / W) * (ax1 - ax0)) / dpr, box.y + (ay0 + ((y + 0.5) / H) * (ay1 - ay0)) / dpr);
  // First away from the liver (a click near a crosshair line grabs the line instead of jumping), then on it.
  await clickVoxel(10, 12);
  await expect.poll(async () => (await focus(views.coronal))[1]).toBe(12);
  await clickVoxel(tx, ty);
  await expect.poll(async () => (await focus(views.coronal))[1]).toBe(ty);
  await expect.poll(async () => (await focus(views.sagittal))[0]).toBe(tx);
  expect((await focus(views.axial))[2]).toBe(best);
  expect(meanAbsDiff(before.coronal, await settledPixels(views.coronal))).toBeGreaterThan(0.2);
  expect(meanAbsDiff(before.sagittal, await settledPixels(views.sagittal))).toBeGreaterThan(0.2);

  // Ground truth on (filled): in the coronal view (row ty) the liver voxels of that row turn green, the rest does not change.
  await viewer.getByLabel('Ground truth', { exact: true }).uncheck();
  await viewer.getByLabel('Ground truth outline only').uncheck();
  const plain = await settledPixels(views.coronal);
  await viewer.getByLabel('Ground truth', { exact: true }).check();
  const overlaid = await settledPixels(views.coronal);
  const at = (await viewMapping(views.coronal, [0, 2], dims))(plain);
  const inCoronal = (x: number, k: number) => truth[k * W * H + ty * W + x];
  let insideN = 0;
  let insideGreen = 0;
  let outsideN = 0;
  let outsideSame = 0;
  for (let k = 1; k < D - 1; k++)
    for (let x = 2; x < W - 2; x++) {
      const i = at(x, k);
      const core = inCoronal(x, k) && inCoronal(x - 2, k) && inCoronal(x + 2, k) && inCoronal(x, k - 1) && inCoronal(x, k + 1);
      let near = false;
      for (let dk = -1; dk <= 1; dk++) for (let dx = -3; dx <= 3; dx++) if (inCoronal(x + dx, k + dk)) near = true;
      if (core) {
        insideN++;
        if (overlaid.data[i + 1] - overlaid.data[i] - (plain.data[i + 1] - plain.data[i]) > 30) insideGreen++;
      } else if (!near) {
        outsideN++;
        const d = Math.abs(overlaid.data[i] - plain.data[i]) + Math.abs(overlaid.data[i + 1] - plain.data[i + 1]) + Math.abs(overlaid.data[i + 2] - plain.data[i + 2]);
        if (d <= 6) outsideSame++;
      }
    }
  console.log(`[measure] coronal truth overlay (row ${ty}): ${insideGreen}/${insideN} liver voxels green, ${outsideSame}/${outsideN} others unchanged`);
  expect(insideN).toBeGreaterThan(50);
  expect(insideGreen / insideN).toBeGreaterThan(0.9);
  expect(outsideSame / outsideN).toBeGreaterThan(0.97);

  // Back to the stack layout: one viewport, the same slice.
  await viewer.getByLabel('Layout').selectOption('stack');
  await expect(viewer.getByTestId('mpr-axial')).toHaveCount(0);
  await expect(viewer.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', String(best));
});

test('opening a segmentation back: a NIfTI of the truth loads with Dice 1; a NIfTI of other slices and a SEG of another series are refused by name, nothing lost', async ({ page }) => {
  const { viewer } = await openDemoPatient(page, 'Phantom.1');
  const stored = await storedSummary(page);
  const patient = stored.patients.find((p) => p.name === 'Phantom.1')!;
  const spacing = (patient as typeof patient & { spacing: [number, number, number] }).spacing;
  const truth = await cachedTruth(page, patient.key);
  const D = patient.kept;
  const input = viewer.getByLabel('Open segmentation');
  const message = viewer.getByTestId('opened-segmentation');

  // The cached truth as a NIfTI written by the export code: shown as the prediction, identical voxels → Dice 1.
  const good = writeNifti(truth, geometryFromSpacing(W, H, D, spacing));
  await input.setInputFiles({ name: 'truth.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(good) });
  await expect(message).toContainText('truth.nii.gz: NIfTI shown as the prediction');
  await expect(viewer.getByTestId('volume-dice')).toHaveText('; Dice 1.000');
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeChecked();
  const shown = await settledPixels(viewer.getByTestId('viewer-viewport'));

  // Two slices fewer: refused, naming the file and both counts; the prediction shown stays.
  const short = writeNifti(truth.subarray(0, W * H * (D - 2)), geometryFromSpacing(W, H, D - 2, spacing));
  await input.setInputFiles({ name: 'short.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(short) });
  await expect(message).toHaveText(`short.nii.gz: ${D - 2} slices, but Phantom.1 shows ${D} (width × height × slices); nothing was changed`);
  await expect(message).toHaveAttribute('role', 'alert');
  await expect(viewer.getByTestId('volume-dice')).toHaveText('; Dice 1.000');
  expect(meanAbsDiff(shown, await settledPixels(viewer.getByTestId('viewer-viewport')))).toBeLessThan(0.5);

  // A SEG of the right shape that references another CT series (the demo's originals are loaded, so the series is checked).
  const seg = writeDicomSeg(truth, {
    patientName: 'Phantom.1',
    studyInstanceUid: '1.2.826.0.1.9',
    seriesInstanceUid: '1.2.826.0.1.9.7',
    frameOfReferenceUid: null,
    sopInstanceUids: Array.from({ length: D }, (_, k) => `1.2.826.0.1.9.7.${k + 1}`),
    geometry: geometryFromSpacing(W, H, D, spacing),
  });
  await input.setInputFiles({ name: 'other-series.seg.dcm', mimeType: 'application/dicom', buffer: Buffer.from(seg) });
  await expect(message).toContainText("other-series.seg.dcm: it references CT series 1.2.826.0.1.9.7, but Phantom.1's CT is series");
  await expect(message).toContainText('nothing was changed');
  await expect(viewer.getByTestId('volume-dice')).toHaveText('; Dice 1.000');
});

test('two models side by side: each viewport its own prediction and Dice, slices linked', async ({ page }) => {
  const { viewer } = await openDemoPatient(page, 'Phantom.3');
  // Two tiny models trained here (different lengths, so their predictions differ).
  for (const epochs of ['2', '6']) {
    await page.getByRole('tab', { name: 'Train' }).click();
    await page.getByLabel('Base filters').fill('4');
    await page.getByLabel('Input size (px)').fill('64');
    await page.getByLabel('Epochs').fill(epochs);
    await page.getByLabel('Learning rate').fill('0.003');
    await page.getByRole('button', { name: 'Start training' }).click();
    // The first run's "finished" is still shown when the second one starts: wait for the new run.
    await expect(page.getByTestId('run-status')).not.toHaveText('finished');
    await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
  }
  await page.getByRole('tab', { name: 'View' }).click();
  const models = viewer.getByLabel('Model');
  await expect
    .poll(async () => {
      await models.blur();
      await models.focus(); // focusing refreshes the model list
      return models.locator('option[data-source=run]').count();
    })
    .toBe(2);
  const [first, second] = await viewer.getByLabel('Model').locator('option[data-source=run]').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  await viewer.getByLabel('Model').selectOption(first);
  // The cached slices (the kept slab), as this test checks them against the cached truth; the whole scan: own-scans.spec.
  await viewer.getByLabel('Slices to segment').selectOption('slab');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('metric-dice')).not.toHaveText('—', { timeout: 120_000 });
  const diceA = await viewer.getByTestId('metric-dice').textContent();

  await viewer.getByLabel('Layout').selectOption('compare');
  await viewer.getByLabel('Second model').selectOption(second);
  await viewer.getByRole('button', { name: 'Segment with B' }).click();
  await expect(viewer.getByTestId('compare-dice-b')).toHaveText(/^\d\.\d{3}$/, { timeout: 120_000 });
  await expect(viewer.getByTestId('compare-dice-a')).toHaveText(diceA!);
  const diceB = await viewer.getByTestId('compare-dice-b').textContent();
  console.log(`[measure] compare on Phantom.3 at threshold 0.50: model A Dice ${diceA}, model B Dice ${diceB}`);

  // Both viewports draw the CT; their prediction overlays are the two models' own masks (they differ).
  const [a, b] = [viewer.getByTestId('compare-viewport-a'), viewer.getByTestId('compare-viewport-b')];
  for (const v of [a, b]) await expect.poll(async () => litFraction(await canvasPixels(v)), { timeout: 30_000 }).toBeGreaterThan(0.1);
  const hostA = a.locator('.viewer-canvas-host');
  const hostB = b.locator('.viewer-canvas-host');
  // Scrolling the left one moves the right one to the same slice.
  const start = await hostA.getAttribute('data-rendered-slice');
  await a.hover();
  await page.mouse.wheel(0, 120);
  await expect(hostA).not.toHaveAttribute('data-rendered-slice', start!);
  const moved = (await hostA.getAttribute('data-rendered-slice'))!;
  await expect(hostB).toHaveAttribute('data-rendered-slice', moved);
  // The threshold moves both Dice (the same settings apply to A and B).
  await viewer.getByLabel('Threshold').fill('0.70');
  await expect(viewer.getByTestId('compare-dice-b')).not.toHaveText(diceB!, { timeout: 30_000 });
});
