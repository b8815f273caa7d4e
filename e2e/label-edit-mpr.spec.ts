// Label editing beyond the brush and eraser, on the real patient 3Dircadb1.1 (cached images, grey
// levels): in the stack, the range brush paints only the pixels whose value is within the range, fill
// sets exactly the inside of a closed contour, grow sets exactly the 4-connected pixels within the range
// from the click; then in the MPR layout (the label carried over), a brush stroke in the axial pane and
// one in the coronal pane change exactly the voxels under the brush in that plane, fill in the coronal
// pane sets exactly the inside of a contour drawn there, undo / redo there, and back in the stack the
// label is as edited in MPR, unsaved edits included. Every stroke is real
// mouse input; every check reads the label stored in IndexedDB.
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { storedSlices } from './idb';
import { connectedRegion, mouse, mouseOnImage, openRealPatient, savedLabel, sliceOf, strokeCheck, toSegment, type StoredLabel } from './labelHelpers';

/** A stored label as one slices × H × W volume. */
function volumeOf(label: StoredLabel, px: number, slices: number): Uint8Array {
  const out = new Uint8Array(px * slices);
  for (let s = 0; s < slices; s++) out.set(sliceOf(label, s, px), s * px);
  return out;
}

/** How many voxels differ between two labels (only those where `where` holds, if given). */
function differences(a: Uint8Array, b: Uint8Array, where: (i: number) => boolean = () => true): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && where(i)) n++;
  return n;
}

/** Page point of voxel (u, v) on an MPR pane's two in-plane axes, from where the volume's corners land (data-corners). */
async function paneMap(page: Page, pane: Locator, size: [number, number]) {
  const [x0, y0, x1, y1] = (await pane.getAttribute('data-corners'))!.split(',').map(Number);
  const box = (await pane.boundingBox())!;
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  return (u: number, v: number) => ({ x: box.x + (x0 + ((u + 0.5) / size[0]) * (x1 - x0)) / dpr, y: box.y + (y0 + ((v + 0.5) / size[1]) * (y1 - y0)) / dpr });
}

test('3Dircadb1.1: range brush, fill and grow in the stack; brush strokes in the MPR axial and coronal panes, fill in the coronal one, undo/redo there; the stack gets the edits back', async ({ page }) => {
  test.setTimeout(300_000);
  const t0 = Date.now();
  const { patient, viewer, viewport, labels } = await openRealPatient(page, '3Dircadb1.1');
  console.log(`[measure] patient cached and shown in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const [W, H, D, px] = [patient.width, patient.height, patient.kept, patient.width * patient.height];
  const [rowMm, colMm, sliceMm] = (patient as typeof patient & { spacing: [number, number, number] }).spacing;
  const slice = Number(await viewport.getByTestId('viewer-canvas-host').getAttribute('data-rendered-slice'));
  const stored = (await storedSlices(page, patient.key)).sort((a, b) => a.index - b.index);
  const [shown] = await storedSlices(page, patient.key, { images: true, masks: true, only: [stored[slice].index] });
  const [grey, truth] = [Uint8Array.from(shown.image!), Uint8Array.from(shown.mask!)];
  // The liver's centre on this slice: the strokes and clicks are placed from it.
  let [lx, ly, ln] = [0, 0, 0];
  truth.forEach((v, i) => v && ((lx += i % W), (ly += Math.floor(i / W)), ln++));
  const [cx, cy] = [Math.round(lx / ln), Math.round(ly / ln)];
  const save = () => savedLabel(page, labels.getByRole('button', { name: 'Save', exact: true }));
  const onImage = mouseOnImage(page, viewport, W, H);
  const tool = async (name: string) => {
    await labels.getByRole('button', { name, exact: true }).click();
    await expect(labels.getByRole('button', { name, exact: true })).toHaveAttribute('aria-pressed', 'true');
  };
  const range = async (low: number, high: number) => {
    await labels.getByLabel('Range from (grey level)').fill(String(low));
    await labels.getByLabel('Range to (grey level)').fill(String(high));
  };

  await labels.getByRole('button', { name: 'Draw from empty' }).click();
  await expect(labels.getByTestId('label-name')).toContainText('(not saved)');
  let label = await savedLabel(page, labels.getByRole('button', { name: 'Save as new label' }));
  const empty = sliceOf(label, slice, px);

  // Range brush across the liver, the range the middle third of the grey levels under the brush: only those pixels are painted.
  const radius = 6 / rowMm;
  await labels.getByLabel('Brush radius (mm)').fill('6');
  const [a, b]: [number, number][] = [[cx - 30, cy], [cx + 30, cy]];
  const near = (r: number) => [...grey.keys()].filter((i) => toSegment(i % W, Math.floor(i / W), a, b) <= r);
  const under = near(radius).map((i) => grey[i]).sort((u, v) => u - v);
  const [low, high] = [under[Math.floor(under.length / 3)], under[Math.floor((2 * under.length) / 3)]];
  await tool('Range brush');
  await range(low, high);
  await onImage.stroke(a, b);
  label = await save();
  const ranged = sliceOf(label, slice, px);
  const inRange = (i: number) => grey[i] >= low && grey[i] <= high;
  const check = strokeCheck(empty, ranged, W, a, b, radius - 1.5, radius + 1.5, 1, { eligible: inRange });
  const leftOut = near(radius - 1.5).filter((i) => !inRange(i)).length;
  console.log(`[measure] range brush [${low}, ${high}]: ${check.changed} pixels painted, ${leftOut} out-of-range pixels near the stroke left`);
  expect(check.changed).toBeGreaterThan(200);
  expect(leftOut).toBeGreaterThan(100);
  expect(check).toMatchObject({ strayChanges: 0, coreUnchanged: 0 });

  // Fill: a closed square ring drawn with the brush above the liver's centre, then a click inside it sets exactly the enclosed pixels.
  await labels.getByLabel('Brush radius (mm)').fill('2');
  await tool('Brush');
  const [x0, y0, x1, y1] = [cx - 25, cy - 75, cx + 25, cy - 25];
  await onImage.stroke([x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]);
  label = await save();
  const ringed = sliceOf(label, slice, px);
  await tool('Fill');
  await onImage.click((x0 + x1) / 2, (y0 + y1) / 2);
  label = await save();
  const filled = sliceOf(label, slice, px);
  const inside = connectedRegion(W, H, (x0 + x1) / 2, (y0 + y1) / 2, (i) => ringed[i] === 0);
  expect(inside.touchesEdge).toBe(false);
  expect(inside.pixels.size).toBeGreaterThan(500);
  expect(differences(filled, ringed.map((v, i) => v || (inside.pixels.has(i) ? 1 : 0)))).toBe(0);

  // Grow within the liver's middle half of grey levels, from the liver pixel (on an 8-pixel grid) with the largest region: exactly that 4-connected region is set.
  const liverGreys = [...truth.keys()].filter((i) => truth[i]).map((i) => grey[i]).sort((u, v) => u - v);
  const [gLow, gHigh] = [liverGreys[Math.floor(liverGreys.length / 4)], liverGreys[Math.floor((3 * liverGreys.length) / 4)]];
  const within = (i: number) => grey[i] >= gLow && grey[i] <= gHigh;
  const seeds = [...truth.keys()].filter((i) => truth[i] && within(i) && (i % W) % 8 === 0 && Math.floor(i / W) % 8 === 0);
  const sizes = seeds.map((i) => connectedRegion(W, H, i % W, Math.floor(i / W), within).pixels.size);
  const seed = seeds[sizes.indexOf(Math.max(...sizes))];
  const [gx, gy] = [seed % W, Math.floor(seed / W)];
  await range(gLow, gHigh);
  await tool('Grow');
  await onImage.click(gx, gy);
  label = await save();
  const grown = sliceOf(label, slice, px);
  const region = connectedRegion(W, H, gx, gy, within);
  console.log(`[measure] grow from (${gx}, ${gy}), grey levels [${gLow}, ${gHigh}]: ${region.pixels.size} pixels`);
  expect(region.pixels.size).toBeGreaterThan(200);
  expect(differences(grown, filled.map((v, i) => v || (region.pixels.has(i) ? 1 : 0)))).toBe(0);
  const stackVolume = volumeOf(label, px, D);

  console.log(`[measure] stack part done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  // MPR: the label comes along; a brush stroke in the axial pane paints a band on the slice it shows, nothing else.
  await viewer.getByLabel('Layout').selectOption('mpr');
  await expect(labels.getByTestId('label-message')).toContainText('MPR: the label as edited so far (undo starts again here)');
  const panes = { axial: viewer.getByTestId('mpr-axial'), coronal: viewer.getByTestId('mpr-coronal') };
  await expect(panes.axial).toHaveAttribute('data-corners', /\d/);
  await expect(panes.axial).toHaveAttribute('data-focus', new RegExp(`,${slice}$`));
  await labels.getByLabel('Brush radius (mm)').fill('8');
  await tool('Brush');
  const mm8 = 8 / rowMm;
  const [p, q]: [number, number][] = [[cx - 60, cy + 80], [cx + 60, cy + 80]];
  await panes.axial.scrollIntoViewIfNeeded();
  const axial = await paneMap(page, panes.axial, [W, H]);
  await mouse(page).stroke([axial(...p), axial(...q)]);
  label = await save();
  const afterAxial = volumeOf(label, px, D);
  const axialCheck = strokeCheck(stackVolume.subarray(slice * px, (slice + 1) * px), afterAxial.subarray(slice * px, (slice + 1) * px), W, p, q, mm8 - 1.5, mm8 + 1.5, 1);
  expect(axialCheck.changed).toBeGreaterThan(1000);
  expect(axialCheck).toMatchObject({ strayChanges: 0, coreUnchanged: 0 });
  expect(differences(afterAxial, stackVolume, (i) => Math.floor(i / px) !== slice)).toBe(0);

  // A stroke in the coronal pane: voxels of the row it shows, columns × slices within the brush (in mm), and no other row.
  const row = Number((await panes.coronal.getAttribute('data-focus'))!.split(',')[1]);
  const [c0, c1]: [number, number][] = [[cx + 40, slice - 10], [cx + 120, slice - 10]];
  await panes.coronal.scrollIntoViewIfNeeded();
  const coronal = await paneMap(page, panes.coronal, [W, D]);
  await mouse(page).stroke([coronal(...c0), coronal(...c1)]);
  label = await save();
  const afterCoronal = volumeOf(label, px, D);
  const plane = (v: Uint8Array) => Uint8Array.from({ length: W * D }, (_, k) => v[(Math.floor(k / W) * H + row) * W + (k % W)]);
  const coronalCheck = strokeCheck(plane(afterAxial), plane(afterCoronal), W, c0, c1, 8 - 1.2, 8 + 1.2, 1, { scale: [colMm, sliceMm] });
  expect(coronalCheck.changed).toBeGreaterThan(300);
  expect(coronalCheck).toMatchObject({ strayChanges: 0, coreUnchanged: 0 });
  expect(differences(afterCoronal, afterAxial, (i) => Math.floor(i / W) % H !== row)).toBe(0);

  // Fill in the coronal pane: a closed ring drawn there with the brush, a click inside it sets exactly the enclosed voxels of that plane.
  await labels.getByLabel('Brush radius (mm)').fill('2');
  const [u0, v0, u1, v1] = [cx + 150, slice + 5, cx + 230, slice + 25];
  await panes.coronal.scrollIntoViewIfNeeded();
  const ringAt = await paneMap(page, panes.coronal, [W, D]);
  await mouse(page).stroke([ringAt(u0, v0), ringAt(u1, v0), ringAt(u1, v1), ringAt(u0, v1), ringAt(u0, v0)]);
  const ringedPlane = plane(volumeOf(await save(), px, D));
  await tool('Fill');
  await panes.coronal.scrollIntoViewIfNeeded();
  await mouse(page).click((await paneMap(page, panes.coronal, [W, D]))((u0 + u1) / 2, (v0 + v1) / 2));
  const afterFill = volumeOf(await save(), px, D);
  const enclosed = connectedRegion(W, D, (u0 + u1) / 2, (v0 + v1) / 2, (k) => ringedPlane[k] === 0);
  expect(enclosed.touchesEdge).toBe(false);
  expect(enclosed.pixels.size).toBeGreaterThan(300);
  expect(differences(plane(afterFill), ringedPlane.map((v, k) => v || (enclosed.pixels.has(k) ? 1 : 0)))).toBe(0);
  expect(differences(afterFill, afterCoronal, (i) => Math.floor(i / W) % H !== row)).toBe(0);

  // Undo twice takes back the fill (our memo) and the ring (the brush's, on the labelmap volume); redo puts both again; unsaved, they go back to the stack with the layout.
  await viewport.focus();
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  expect(differences(volumeOf(await save(), px, D), afterCoronal)).toBe(0);
  await viewport.focus();
  await page.keyboard.press('Control+y');
  await page.keyboard.press('Control+y');
  await expect(labels.getByRole('button', { name: 'Redo' })).toBeDisabled();
  await viewer.getByLabel('Layout').selectOption('stack');
  await expect(labels.getByTestId('label-message')).toContainText('stack: the label as edited so far');
  expect(differences(volumeOf(await save(), px, D), afterFill)).toBe(0);
});
