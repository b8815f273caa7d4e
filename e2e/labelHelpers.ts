// Helpers shared by the label e2e tests (label-edit, label-files): a real patient dropped, cached and
// opened in the View tab; the labels IndexedDB holds, read in the page; one slice of a label as
// pixels; and real mouse clicks and strokes on image pixels of the stack viewer. Assertions stay in
// the specs.
import type { Locator, Page } from '@playwright/test';
import { expect, realPatient } from './fixtures';
import { storedSummary } from './idb';
import { canvasPixels, type Pixels } from './viewerHelpers';

export interface StoredLabel {
  id: string;
  name: string;
  origin: string;
  file?: string;
  parentLabelId: string | null;
  edited: number[];
  history: { slices: number[]; tools: string[] }[];
  /** Each slice's foreground runs, as plain arrays (null: empty). */
  sliceRuns: (number[] | null)[];
}

/** The labels IndexedDB holds, oldest first, read in the page. */
export async function storedLabels(page: Page): Promise<StoredLabel[]> {
  return page.evaluate(
    () =>
      new Promise<StoredLabel[]>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('labels').objectStore('labels').getAll();
          request.onsuccess = () => {
            const all = request.result as (Omit<StoredLabel, 'sliceRuns'> & { sliceRuns: (Uint32Array | null)[]; createdAt: number })[];
            resolve(all.sort((a, b) => a.createdAt - b.createdAt).map((l) => ({ ...l, sliceRuns: l.sliceRuns.map((r) => (r ? Array.from(r) : null)) })));
            open.result.close();
          };
        };
      }),
  );
}

/** One slice of a stored label as 0/1 pixels. */
export function sliceOf(label: StoredLabel, s: number, px: number): Uint8Array {
  const out = new Uint8Array(px);
  const runs = label.sliceRuns[s] ?? [];
  for (let r = 0; r < runs.length; r += 2) out.fill(1, runs[r], runs[r] + runs[r + 1]);
  return out;
}

/** The real patient `name` dropped as a folder, preprocessed into the cache and shown in the View tab (its cached slices). */
export async function openRealPatient(page: Page, name: string) {
  await page.goto('/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose a folder…' }).click();
  await (await chooser).setFiles(realPatient(name));
  await expect(page.locator(`[data-testid=patient-row][data-patient="${name}"]`)).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 1 patient/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 180_000 });
  const patient = (await storedSummary(page)).patients.find((p) => p.name === name)!;
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  const viewport = viewer.getByTestId('viewer-viewport');
  await viewer.getByLabel('Patient').selectOption({ label: name });
  await expect(viewport.locator('canvas').first()).toBeVisible();
  return { patient, viewer, viewport, labels: viewer.getByTestId('label-panel') };
}

/** Page coordinates (CSS px) of the centre of image pixel (x, y) of a W×H slice, fitted and centred as Cornerstone draws it. */
export async function pageMap(page: Page, viewport: Locator, p: Pixels, W: number, H: number) {
  const box = (await viewport.boundingBox())!;
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const scale = Math.min(p.width / W, p.height / H);
  const ox = (p.width - W * scale) / 2;
  const oy = (p.height - H * scale) / 2;
  return (x: number, y: number) => ({ x: box.x + (ox + (x + 0.5) * scale) / dpr, y: box.y + (oy + (y + 0.5) * scale) / dpr });
}

/** A click and a stroke with the real mouse at image pixels of the W×H slices in `viewport`. */
export function mouseOnImage(page: Page, viewport: Locator, W: number, H: number) {
  // The side panel is long: the viewport is scrolled into view before each stroke, and mapped where it is then.
  const shown = async () => {
    await viewport.scrollIntoViewIfNeeded();
    return pageMap(page, viewport, await canvasPixels(viewport), W, H);
  };
  return {
    async click(x: number, y: number) {
      const p = (await shown())(x, y);
      await page.mouse.move(p.x, p.y);
      // Held past Cornerstone's double-click wait (a quicker click is taken as the first of a double click, and draws nothing).
      await page.mouse.down();
      await page.waitForTimeout(600);
      await page.mouse.up();
      await page.waitForTimeout(300);
    },
    async stroke(a: [number, number], b: [number, number]) {
      const at = await shown();
      const p = at(...a);
      const q = at(...b);
      await page.mouse.move(p.x, p.y);
      await page.mouse.down();
      await page.waitForTimeout(600);
      await page.mouse.move(q.x, q.y, { steps: 24 });
      await page.mouse.up();
      await page.waitForTimeout(300);
    },
  };
}

/** The models IndexedDB holds (id, name, where they came from), sorted by id, read in the page. */
export async function storedModels(page: Page): Promise<{ id: string; name: string; source: string }[]> {
  return page.evaluate(
    () =>
      new Promise<{ id: string; name: string; source: string }[]>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('models').objectStore('models').getAll();
          request.onsuccess = () => {
            resolve((request.result as { id: string; name: string; source: string }[]).map(({ id, name, source }) => ({ id, name, source })).sort((a, b) => a.id.localeCompare(b.id)));
            open.result.close();
          };
        };
      }),
  );
}
