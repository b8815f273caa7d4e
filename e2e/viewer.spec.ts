// The viewer as a user meets it: a cached demo patient opens in a Cornerstone3D viewport, the CT
// is on the canvas, wheel and arrow keys move through slices, the ground-truth overlay is drawn
// exactly where the cached liver mask is (and gone when switched off), window/level drag, zoom and
// HU presets change the rendered grey levels, R resets them (predictions and the difference view:
// e2e/segment.spec.ts). Every check reads canvas pixels.
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { storedSummary } from './idb';

interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** RGBA pixels of the viewport canvas, copied through a 2D canvas (works for WebGL and 2D sources). */
async function canvasPixels(viewport: Locator): Promise<Pixels> {
  const { width, height, base64 } = await viewport.locator('canvas').first().evaluate(async (canvas: HTMLCanvasElement) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const bytes = new Uint8Array(ctx.getImageData(0, 0, copy.width, copy.height).data.buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { width: copy.width, height: copy.height, base64: btoa(binary) };
  });
  return { width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** Pixels once two reads 150 ms apart agree (Cornerstone renders on animation frames). */
async function settledPixels(viewport: Locator): Promise<Pixels> {
  let previous = await canvasPixels(viewport);
  for (let i = 0; i < 20; i++) {
    await viewport.page().waitForTimeout(150);
    const next = await canvasPixels(viewport);
    if (meanAbsDiff(previous, next) === 0) return next;
    previous = next;
  }
  return previous;
}

function meanAbsDiff(a: Pixels, b: Pixels): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / ((a.data.length / 4) * 3);
}

function litFraction(p: Pixels): number {
  let lit = 0;
  for (let i = 0; i < p.data.length; i += 4) if (p.data[i] + p.data[i + 1] + p.data[i + 2] > 60) lit++;
  return lit / (p.data.length / 4);
}

/** Where image pixel (x, y) of a W×H slice lands on the canvas: fitted and centred (square pixels). */
function imageToCanvas(p: Pixels, w: number, h: number) {
  const scale = Math.min(p.width / w, p.height / h);
  const ox = (p.width - w * scale) / 2;
  const oy = (p.height - h * scale) / 2;
  return (x: number, y: number): number => {
    const cx = Math.floor(ox + (x + 0.5) * scale);
    const cy = Math.floor(oy + (y + 0.5) * scale);
    return (cy * p.width + cx) * 4;
  };
}

/** Mean grey of the canvas over the image area. */
function meanGrey(p: Pixels, w: number, h: number): number {
  const at = imageToCanvas(p, w, h);
  let sum = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sum += p.data[at(x, y)];
  return sum / (w * h);
}

/** Erodes (r > 0) or dilates (r < 0) a 0/1 mask by |r| pixels (square neighbourhood). */
function morph(mask: ArrayLike<number>, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const k = Math.abs(r);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let all = true;
      let any = false;
      for (let dy = -k; dy <= k; dy++)
        for (let dx = -k; dx <= k; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          const v = xx >= 0 && yy >= 0 && xx < w && yy < h ? mask[yy * w + xx] : 0;
          if (v) any = true;
          else all = false;
        }
      out[y * w + x] = (r > 0 ? all : any) ? 1 : 0;
    }
  return out;
}

/** The cached masks of one patient, read from IndexedDB in the page (what the viewer should overlay). */
function cachedMasks(page: Page, patientKey: string): Promise<number[][]> {
  return page.evaluate(async (key) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const o = indexedDB.open('liverlab');
      o.onsuccess = () => resolve(o.result);
      o.onerror = () => reject(o.error);
    });
    const rows = await new Promise<{ index: number; mask: Uint8Array }[]>((resolve, reject) => {
      const r = db.transaction('slices').objectStore('slices').getAll(IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return rows.sort((a, b) => a.index - b.index).map((r) => Array.from(r.mask));
  }, patientKey);
}

async function openDemoPatient(page: Page, name: string): Promise<{ viewer: Locator; viewport: Locator; firstImageMs: number }> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  const viewport = viewer.getByTestId('viewer-viewport');
  const t0 = Date.now();
  await viewer.getByLabel('Patient').selectOption({ label: name });
  await expect(viewport.locator('canvas').first()).toBeVisible();
  await expect.poll(async () => litFraction(await canvasPixels(viewport)), { timeout: 30_000 }).toBeGreaterThan(0.1);
  return { viewer, viewport, firstImageMs: Date.now() - t0 };
}

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
  await expect(viewer.getByRole('button', { name: 'Abdomen' })).toBeDisabled();
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

  await viewer.getByRole('button', { name: 'Abdomen' }).click();
  const abdomen = await settledPixels(viewport);
  await viewer.getByRole('button', { name: 'Bone' }).click();
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 1500 · L 300');
  const bone = await settledPixels(viewport);
  expect(Math.abs(meanGrey(bone, W, H) - meanGrey(abdomen, W, H))).toBeGreaterThan(10);
  await viewport.focus();
  await page.keyboard.press('2');
  await expect(viewer.getByTestId('window-readout')).toHaveText('W 150 · L 30');
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
