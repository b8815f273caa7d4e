// Reading images as in a PACS viewer, on a demo patient: the value under the cursor (HU on the
// original files, checked against the DICOM the demo was made of, decoded here in Node), the voxel's
// position in mm, orientation letters at the edges, the slice scrollbar, and Cornerstone3D's
// measurements drawn with real mouse drags — a length between two points a known number of pixels
// apart (its mm must be pixels × the pixel spacing) and an ellipse ROI with its mean ± SD.
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { storedSummary } from './idb';
import { canvasPixels, openDemoPatient, type Pixels } from './viewerHelpers';
import { generatePhantomDataset } from '../src/phantom/phantom';
import { readSlice } from '../src/dicom/parse';

const [W, H] = [128, 128];

/** The demo's patient as the app generated it (ingestStore.loadDemo's options): HU per slice, in series order. */
function demoHounsfield(name: string): { hu: Int16Array[]; spacing: [number, number, number] } {
  const patient = generatePhantomDataset({ count: 3, size: 128, slices: 40, seed: 2026 }).find((p) => p.name === name)!;
  const slices = patient.files
    .filter((f) => f.path.includes('/PATIENT_DICOM/'))
    .map((f) => {
      const read = readSlice(f.bytes, f.path);
      if (!read.ok) throw new Error(read.problem.message);
      return read.value;
    })
    .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  const hu = slices.map((s) => Int16Array.from(s.pixels, (v) => Math.round(v * s.rescaleSlope + s.rescaleIntercept)));
  const [row, col] = slices[0].pixelSpacing!;
  return { hu, spacing: [row, col, slices[1].imagePositionPatient![2] - slices[0].imagePositionPatient![2]] };
}

/** Where the centre of image pixel (x, y) of a W×H slice is on the page (CSS px): fitted and centred, as Cornerstone draws it. */
async function pagePoint(page: Page, viewport: Locator, p: Pixels) {
  const box = (await viewport.boundingBox())!;
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const scale = Math.min(p.width / W, p.height / H);
  const ox = (p.width - W * scale) / 2;
  const oy = (p.height - H * scale) / 2;
  return { scale: scale / dpr, at: (x: number, y: number) => ({ x: box.x + (ox + (x + 0.5) * scale) / dpr, y: box.y + (oy + (y + 0.5) * scale) / dpr }) };
}

test('the value under the cursor (HU from the DICOM), mm position, orientation letters, slice scrollbar; a length whose mm is pixels × spacing; an ellipse ROI', async ({ page }) => {
  const { viewer, viewport } = await openDemoPatient(page, 'Phantom.1');
  const stored = await storedSummary(page);
  const patient = stored.patients.find((p) => p.name === 'Phantom.1')! as { kept: number; spacing: [number, number, number] } & (typeof stored.patients)[number];
  const readout = viewer.getByTestId('slice-readout');

  // Orientation letters of an axial slice: patient right on the screen's left, anterior up.
  const marker = (edge: string) => viewport.locator(`.orientation-marker[data-edge=${edge}]`);
  await expect(marker('left')).toHaveText('R');
  await expect(marker('right')).toHaveText('L');
  await expect(marker('top')).toHaveText('A');
  await expect(marker('bottom')).toHaveText('P');

  // The slice scrollbar moves the stack and follows it.
  const scrollbar = viewer.getByRole('slider', { name: 'Slice' });
  await expect(scrollbar).toHaveValue(String(Math.floor(patient.kept / 2) + 1));
  await scrollbar.fill('3');
  await expect(readout).toHaveText(`Slice 3 / ${patient.kept}`);
  await expect(viewport.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', '2');
  await viewport.focus();
  await page.keyboard.press('End');
  await expect(scrollbar).toHaveValue(String(patient.kept));

  // A length drawn with the mouse (L, then a drag) between two pixel centres 70 pixels apart along a row.
  await scrollbar.fill(String(Math.floor(patient.kept / 2) + 1));
  await viewer.getByLabel('Ground truth', { exact: true }).uncheck(); // the canvas below is the CT alone
  await viewport.focus();
  await page.keyboard.press('l');
  await expect(viewer.getByRole('button', { name: 'Length' })).toHaveAttribute('aria-pressed', 'true');
  const shown = await canvasPixels(viewport);
  const map = await pagePoint(page, viewport, shown);
  const [a, b] = [map.at(25, 60), map.at(95, 60)];
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
  const length = viewer.getByTestId('measurement').filter({ has: page.getByText('Length 1') });
  await expect(length).toHaveCount(1);
  const pixels = (b.x - a.x) / map.scale; // what the mouse travelled, in image pixels
  expect(Math.abs(pixels - 70)).toBeLessThan(0.5);
  const expected = pixels * patient.spacing[1];
  // Cornerstone computes the length on the render after the drag (throttled): the value settles there.
  await expect.poll(async () => Math.abs(Number(await length.getAttribute('data-length-mm')) - expected) / expected).toBeLessThan(0.005);
  const mm = Number(await length.getAttribute('data-length-mm'));
  console.log(`[measure] length drawn over ${pixels.toFixed(2)} px of ${patient.spacing[1]} mm: ${mm.toFixed(3)} mm (pixels × spacing ${expected.toFixed(3)} mm)`);
  await expect(length).toContainText(`${mm.toFixed(1)} mm`);
  // Cornerstone draws it, with its label, on the viewport's SVG layer.
  await expect(viewport.locator('svg text').filter({ hasText: 'mm' }).first()).toBeVisible();

  // An ellipse ROI over the liver: mean ± SD of the cached grey levels it covers, no HU unit on them.
  await page.keyboard.press('e');
  const [c, d] = [map.at(40, 50), map.at(60, 70)];
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  await page.mouse.move(d.x, d.y, { steps: 10 });
  await page.mouse.up();
  const roi = viewer.getByTestId('measurement').filter({ has: page.getByText('ROI 2') });
  await expect(roi).toHaveAttribute('data-mean', /\d/);
  const grey = shown; // the slice as drawn (W/L 255/128 on 0..255 values: grey level = stored value)
  const inBox: number[] = [];
  const fit = Math.min(grey.width / W, grey.height / H);
  for (let y = 50; y <= 70; y++)
    for (let x = 40; x <= 60; x++) {
      const i = (Math.floor((grey.height - H * fit) / 2 + (y + 0.5) * fit) * grey.width + Math.floor((grey.width - W * fit) / 2 + (x + 0.5) * fit)) * 4;
      inBox.push(grey.data[i]);
    }
  const mean = Number(await roi.getAttribute('data-mean'));
  console.log(`[measure] ellipse ROI: ${await roi.locator('.measurement-value').textContent()}; grey levels in its box ${Math.min(...inBox)}–${Math.max(...inBox)}`);
  expect(mean).toBeGreaterThanOrEqual(Math.min(...inBox) - 1);
  expect(mean).toBeLessThanOrEqual(Math.max(...inBox) + 1);
  await expect(roi.locator('.measurement-value')).not.toContainText('HU');
  await viewer.getByRole('button', { name: 'Clear all' }).click();
  await expect(viewer.getByTestId('measurement')).toHaveCount(0);

  // The originals in HU: the value under the cursor is the HU of that voxel in the DICOM file.
  await page.keyboard.press('w');
  await viewer.getByLabel('Images').selectOption('files');
  await expect(viewer.getByTestId('viewer-body')).toHaveAttribute('data-kind', 'hu');
  await expect(viewport.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', /\d+/);
  const slice = Number(await viewport.getByTestId('viewer-canvas-host').getAttribute('data-rendered-slice'));
  const { hu, spacing } = demoHounsfield('Phantom.1');
  const huView = await pagePoint(page, viewport, await canvasPixels(viewport));
  const probe = viewer.getByTestId('probe-readout');
  const values = new Set<number>();
  for (const [x, y] of [[64, 40], [40, 64], [64, 100], [5, 5], [90, 70]]) {
    const p = huView.at(x, y);
    await page.mouse.move(p.x, p.y);
    const want = hu[slice][y * W + x];
    await expect(probe).toHaveAttribute('data-voxel', `${x},${y},${slice}`);
    await expect(probe).toHaveAttribute('data-value', String(want));
    await expect(probe).toContainText(`${want} HU`);
    await expect(probe).toHaveAttribute('data-position', [x * spacing[1], y * spacing[0], slice * spacing[2]].map((v) => v.toFixed(2)).join(','));
    values.add(want);
  }
  console.log(`[measure] HU probe on Phantom.1 slice ${slice + 1}: ${[...values].join(', ')} HU, as in the DICOM`);
  expect(values.size).toBeGreaterThan(2); // air, tissue, bone: not one value everywhere
  await page.mouse.move(5, 5);
  await expect(probe).toHaveCount(0);
});
