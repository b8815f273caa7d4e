// Helpers shared by the viewer e2e tests (viewer, viewer-mpr, segment): canvas pixels read back
// from the page, image → canvas mapping, mask morphology, the cached masks from IndexedDB, the demo
// patient opened in the View tab, and downloads saved to disk. Assertions stay in the specs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';
import { storedSlices } from './idb';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** RGBA pixels of the first canvas inside `viewport`, copied through a 2D canvas (works for WebGL and 2D sources). */
export async function canvasPixels(viewport: Locator): Promise<Pixels> {
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
export async function settledPixels(viewport: Locator): Promise<Pixels> {
  let previous = await canvasPixels(viewport);
  for (let i = 0; i < 20; i++) {
    await viewport.page().waitForTimeout(150);
    const next = await canvasPixels(viewport);
    if (meanAbsDiff(previous, next) === 0) return next;
    previous = next;
  }
  return previous;
}

export function meanAbsDiff(a: Pixels, b: Pixels): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / ((a.data.length / 4) * 3);
}

export function litFraction(p: Pixels): number {
  let lit = 0;
  for (let i = 0; i < p.data.length; i += 4) if (p.data[i] + p.data[i + 1] + p.data[i + 2] > 60) lit++;
  return lit / (p.data.length / 4);
}

/** Where image pixel (x, y) of a W×H slice lands on the canvas: fitted and centred (square pixels). */
export function imageToCanvas(p: Pixels, w: number, h: number) {
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
export function meanGrey(p: Pixels, w: number, h: number): number {
  const at = imageToCanvas(p, w, h);
  let sum = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sum += p.data[at(x, y)];
  return sum / (w * h);
}

/** Erodes (r > 0) or dilates (r < 0) a 0/1 mask by |r| pixels (square neighbourhood). */
export function morph(mask: ArrayLike<number>, w: number, h: number, r: number): Uint8Array {
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

/** The cached masks of one patient, slice by slice, read from IndexedDB in the page. */
export async function cachedMasks(page: Page, patientKey: string): Promise<Uint8Array[]> {
  const slices = await storedSlices(page, patientKey, { masks: true });
  return slices.sort((a, b) => a.index - b.index).map((s) => s.mask!);
}

/** The same, as one kept × H × W volume. */
export async function cachedTruth(page: Page, patientKey: string): Promise<Uint8Array> {
  const masks = await cachedMasks(page, patientKey);
  const px = masks[0]?.length ?? 0;
  const volume = new Uint8Array(masks.length * px);
  masks.forEach((mask, k) => volume.set(mask, k * px));
  return volume;
}

/** The demo dataset cached (3 phantoms), then the View tab. */
/** The demo dataset (3 phantoms of 40 slices) cached; `margin` (slices dropped at each end of the liver) keeps fewer slices. */
export async function cacheDemo(page: Page, margin?: number): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  if (margin !== undefined) await page.getByLabel('Margin (slices)').fill(String(margin));
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
}

export async function openDemoPatient(page: Page, name: string): Promise<{ viewer: Locator; viewport: Locator; firstImageMs: number }> {
  await cacheDemo(page);
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  const viewport = viewer.getByTestId('viewer-viewport');
  const t0 = Date.now();
  await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: name });
  await expect(viewport.locator('canvas').first()).toBeVisible();
  await expect.poll(async () => litFraction(await canvasPixels(viewport)), { timeout: 30_000 }).toBeGreaterThan(0.1);
  return { viewer, viewport, firstImageMs: Date.now() - t0 };
}

/** Saves every download of the page; the returned function clicks and gives the bytes of the file ending in `suffix`. */
export function downloads(page: Page) {
  const dir = mkdtempSync(join(tmpdir(), 'liverlab-dl-'));
  const saved: string[] = [];
  page.on('download', async (d) => {
    const path = join(dir, `${saved.length}-${d.suggestedFilename()}`);
    await d.saveAs(path);
    saved.push(path);
  });
  return async (click: () => Promise<void>, suffix: string): Promise<Uint8Array> => {
    const before = saved.length;
    await click();
    await expect.poll(() => saved.slice(before).some((p) => p.endsWith(suffix))).toBe(true);
    return new Uint8Array(readFileSync(saved.slice(before).find((p) => p.endsWith(suffix))!));
  };
}
