// The viewer as a user meets it: a cached demo patient opens in a Cornerstone3D viewport, the CT
// is on the canvas, wheel and arrow keys move through slices, the ground-truth overlay is drawn
// exactly where the cached liver mask is (and gone when switched off), window/level drag, zoom and
// HU presets change the rendered grey levels, R resets them (predictions and the difference view:
// e2e/segment.spec.ts). Every check reads canvas pixels.
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';
import { storedSummary } from './idb';
import { cachedMasks, canvasPixels, imageToCanvas, litFraction, meanAbsDiff, meanGrey, morph, openDemoPatient, settledPixels } from './viewerHelpers';

const renderedSlice = (viewport: Locator) => viewport.getByTestId('viewer-canvas-host');

test('a cached patient: CT on the canvas, wheel and keys scroll, truth overlay on the cached mask, W/L drag, zoom, R resets', async ({ page }) => {
  const { viewer, viewport, firstImageMs } = await openDemoPatient(page, 'Phantom.1');
  const inApp = await renderedSlice(viewport).getAttribute('data-first-image-ms');
  console.log(`[measure] viewer: patient chosen → first CT image on the canvas: ${firstImageMs} ms (viewer creation in the page: ${inApp} ms, incl. loading Cornerstone)`);
  const stored = await storedSummary(page);
  const patient = stored.patients.find((p) => p.name === 'Phantom.1')!;
  const masks = await cachedMasks(page, patient.key);
  const [W, H] = [128, 128];
  expect(masks).toHaveLength(patient.kept);
  const readout = viewer.getByTestId('slice-readout');
  const middle = Math.floor(patient.kept / 2);
  await expect(readout).toHaveText(`Slice ${middle + 1} / ${patient.kept}`);
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 255 · L 128');
  // Cached images are windowed + CLAHE: presets are off and say why.
  await expect(viewer.getByRole('button', { name: 'Soft tissue' })).toBeDisabled();
  // The expert's mask is outlined from the start (the prediction, once made, is filled over it).
  await expect(viewer.getByLabel('Ground truth', { exact: true })).toBeChecked();
  await expect(viewer.getByLabel('Ground truth outline only')).toBeChecked();
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeDisabled();
  await expect(viewer).toContainText('cached images are windowed + CLAHE; drop the original files for HU presets');

  // Wheel scrolls the stack; the canvas shows another slice.
  const before = await settledPixels(viewport);
  await viewport.hover();
  await page.mouse.wheel(0, 120);
  await expect(readout).not.toHaveText(`Slice ${middle + 1} / ${patient.kept}`);
  const wheeled = Number((await readout.textContent())!.match(/Slice (\d+)/)![1]) - 1;
  await expect(renderedSlice(viewport)).toHaveAttribute('data-rendered-slice', String(wheeled));
  expect(meanAbsDiff(before, await settledPixels(viewport))).toBeGreaterThan(0.5);

  // Keys: Home/End, arrows, Page Down.
  await viewport.focus();
  await page.keyboard.press('Home');
  await expect(readout).toHaveText(`Slice 1 / ${patient.kept}`);
  await page.keyboard.press('End');
  await expect(readout).toHaveText(`Slice ${patient.kept} / ${patient.kept}`);
  await page.keyboard.press('Home');
  await page.keyboard.press('PageDown');
  await expect(readout).toHaveText(`Slice ${Math.min(11, patient.kept)} / ${patient.kept}`);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await expect(readout).toHaveText(`Slice 2 / ${patient.kept}`);
  await page.keyboard.press('ArrowUp');
  await expect(readout).toHaveText(`Slice 1 / ${patient.kept}`);
  await expect(renderedSlice(viewport)).toHaveAttribute('data-rendered-slice', '0');

  // Frame time: 20 slice changes by key, timed in the page from key event to that slice rendered.
  const frameMs = await viewport.evaluate(async (el: HTMLElement, slices: number) => {
    const host = el.querySelector<HTMLElement>('[data-testid=viewer-canvas-host]')!;
    const rendered = (target: number) =>
      new Promise<void>((resolve) => {
        if (host.dataset.renderedSlice === String(target)) return resolve();
        const watch = new MutationObserver(() => {
          if (host.dataset.renderedSlice !== String(target)) return;
          watch.disconnect();
          resolve();
        });
        watch.observe(host, { attributes: true, attributeFilter: ['data-rendered-slice'] });
      });
    const times: number[] = [];
    let current = Number(host.dataset.renderedSlice);
    let step = 1;
    for (let i = 0; i < 20; i++) {
      if (current + step < 0 || current + step > slices - 1) step = -step;
      const down = step > 0;
      const target = current + step;
      const t0 = performance.now();
      el.dispatchEvent(new KeyboardEvent('keydown', { key: down ? 'ArrowDown' : 'ArrowUp', bubbles: true }));
      await rendered(target);
      times.push(performance.now() - t0);
      current = target;
    }
    return times;
  }, patient.kept);
  expect(frameMs).toHaveLength(20);
  const meanFrame = frameMs.reduce((a, b) => a + b, 0) / frameMs.length;
  console.log(`[measure] viewer: frame time while scrolling (key → slice rendered), mean of 20: ${meanFrame.toFixed(1)} ms (max ${Math.max(...frameMs).toFixed(1)} ms)`);

  // Ground truth on the slice with the most liver: it colours exactly the cached mask.
  const areas = masks.map((m) => m.reduce((a, v) => a + v, 0));
  const best = areas.indexOf(Math.max(...areas));
  await page.keyboard.press('Home');
  for (let i = 0; i < best; i++) await page.keyboard.press('ArrowDown');
  await expect(renderedSlice(viewport)).toHaveAttribute('data-rendered-slice', String(best));
  await viewer.getByLabel('Ground truth', { exact: true }).uncheck();
  await viewer.getByLabel('Ground truth outline only').uncheck();
  const plain = await settledPixels(viewport);
  await viewer.getByLabel('Ground truth', { exact: true }).check();
  const overlaid = await settledPixels(viewport);
  const at = imageToCanvas(plain, W, H);
  const inside = morph(masks[best], W, H, 2);
  const near = morph(masks[best], W, H, -3);
  let insideN = 0;
  let insideGreen = 0;
  let outsideN = 0;
  let outsideSame = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = at(x, y);
      const greenShift = overlaid.data[i + 1] - overlaid.data[i] - (plain.data[i + 1] - plain.data[i]);
      if (inside[y * W + x]) {
        insideN++;
        if (greenShift > 30) insideGreen++;
      } else if (!near[y * W + x]) {
        outsideN++;
        const d = Math.abs(overlaid.data[i] - plain.data[i]) + Math.abs(overlaid.data[i + 1] - plain.data[i + 1]) + Math.abs(overlaid.data[i + 2] - plain.data[i + 2]);
        if (d <= 6) outsideSame++;
      }
    }
  console.log(`[measure] truth overlay on slice ${best + 1}: ${insideGreen}/${insideN} liver pixels turned green, ${outsideSame}/${outsideN} others unchanged`);
  expect(insideN).toBeGreaterThan(100);
  expect(insideGreen / insideN).toBeGreaterThan(0.95);
  expect(outsideSame / outsideN).toBeGreaterThan(0.99);
  // Outline only: the liver's interior is back to grey, its border still coloured.
  await viewer.getByLabel('Ground truth outline only').check();
  const outlined = await settledPixels(viewport);
  const core = morph(masks[best], W, H, 5);
  let coreN = 0;
  let coreSame = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!core[y * W + x]) continue;
      const i = at(x, y);
      coreN++;
      if (Math.abs(outlined.data[i + 1] - plain.data[i + 1]) <= 6) coreSame++;
    }
  const ring = morph(masks[best], W, H, -1);
  const ringInner = morph(masks[best], W, H, 1);
  let ringN = 0;
  let ringChanged = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!ring[y * W + x] || ringInner[y * W + x]) continue;
      const i = at(x, y);
      ringN++;
      if (Math.abs(outlined.data[i + 1] - plain.data[i + 1]) > 10) ringChanged++;
    }
  expect(coreSame / coreN).toBeGreaterThan(0.9);
  expect(ringChanged / ringN).toBeGreaterThan(0.1); // a 2-px line sampled at the centres of a 3-pixel band
  await viewer.getByLabel('Ground truth outline only').uncheck();
  // Off: gone.
  await viewer.getByLabel('Ground truth', { exact: true }).uncheck();
  expect(meanAbsDiff(plain, await settledPixels(viewport))).toBeLessThan(0.5);

  // Window/level drag (left button) changes the grey levels; zoom (right drag) changes the view; R resets both.
  const box = (await viewport.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 40, cy + 60, { steps: 8 });
  await page.mouse.up();
  await expect(viewer.getByTestId('window-readout')).not.toHaveText('W 255 · L 128');
  const leveled = await settledPixels(viewport);
  expect(Math.abs(meanGrey(leveled, W, H) - meanGrey(plain, W, H))).toBeGreaterThan(5);
  await page.mouse.move(cx, cy);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(cx, cy - 80, { steps: 8 });
  await page.mouse.up({ button: 'right' });
  const zoomed = await settledPixels(viewport);
  expect(meanAbsDiff(leveled, zoomed)).toBeGreaterThan(1);
  await viewport.focus();
  await page.keyboard.press('r');
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 255 · L 128');
  expect(meanAbsDiff(plain, await settledPixels(viewport))).toBeLessThan(0.5);
  // I inverts, R brings it back.
  await page.keyboard.press('i');
  const inverted = await settledPixels(viewport);
  expect(Math.abs(meanGrey(inverted, W, H) + meanGrey(plain, W, H) - 255)).toBeLessThan(10);
  await page.keyboard.press('r');
  expect(meanAbsDiff(plain, await settledPixels(viewport))).toBeLessThan(0.5);

  // ? toggles the shortcut list.
  await page.keyboard.press('?');
  await expect(viewer.getByTestId('viewer-help')).toContainText('Page Up / Page Down');
  await page.keyboard.press('?');
  await expect(viewer.getByTestId('viewer-help')).toHaveCount(0);
});

test('the dropped originals in HU: presets change the grey levels; no prediction until a model segments the patient', async ({ page }) => {
  const { viewer, viewport } = await openDemoPatient(page, 'Phantom.1');
  await viewer.getByLabel('Images').selectOption('files');
  const readout = viewer.getByTestId('slice-readout');
  await expect(readout).toHaveText('Slice 21 / 40');
  await expect(viewer.getByTestId('viewer-body')).toHaveAttribute('data-kind', 'hu');
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 400 · L 40');
  await expect.poll(async () => litFraction(await canvasPixels(viewport))).toBeGreaterThan(0.1);
  const [W, H] = [128, 128];

  // Presets as OHIF names them; what the canvas shows changes with them.
  await viewer.getByLabel('Ground truth', { exact: true }).uncheck();
  await viewer.getByRole('button', { name: 'Soft tissue' }).click();
  const abdomen = await settledPixels(viewport);
  await viewer.getByRole('button', { name: 'Bone' }).click();
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 2500 · L 480');
  const bone = await settledPixels(viewport);
  expect(Math.abs(meanGrey(bone, W, H) - meanGrey(abdomen, W, H))).toBeGreaterThan(10);
  await viewer.getByRole('button', { name: 'Lung' }).click();
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 1500 · L -600');
  await viewport.focus();
  await page.keyboard.press('3');
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 150 · L 90');
  const liver = await settledPixels(viewport);
  expect(meanAbsDiff(liver, bone)).toBeGreaterThan(5);
  await page.keyboard.press('r');
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 400 · L 40');
  expect(meanAbsDiff(abdomen, await settledPixels(viewport))).toBeLessThan(0.5);

  // Without a model's prediction the strip shows the truth area and the prediction overlay is off
  // (predictions, their Dice per slice and the difference colours: e2e/segment.spec.ts).
  await expect(viewer.getByTestId('slice-strip')).toHaveAttribute('data-mode', 'area');
  await expect(viewer.getByLabel('Prediction', { exact: true })).toBeDisabled();
});
