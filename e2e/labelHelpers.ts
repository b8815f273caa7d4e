// Helpers shared by the label e2e tests (label-edit, label-edit-mpr, label-files): a real patient
// dropped, cached and opened in the View tab; the labels IndexedDB holds, read in the page, and a saved
// label waited for; one slice of a label as pixels; real mouse clicks and strokes at page points or on
// image pixels of the stack viewer; and the checks' geometry (which pixels a stroke of a given radius
// may and must change, the 4-connected region a fill or grow must give). Assertions stay in the specs.
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
  updatedAt: number;
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

/** Clicks `button` (Save, or Save as new label) and gives the label stored by it once it is written. */
export async function savedLabel(page: Page, button: Locator): Promise<StoredLabel> {
  const stamp = (l: StoredLabel) => `${l.id}@${l.updatedAt}`;
  const known = new Set((await storedLabels(page)).map(stamp));
  await button.click();
  let saved: StoredLabel | undefined;
  await expect.poll(async () => (saved = (await storedLabels(page)).find((l) => !known.has(stamp(l)))) !== undefined).toBe(true);
  return saved!;
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

/** Real mouse input at page points: a click held past Cornerstone's double-click wait, and a stroke. */
export function mouse(page: Page) {
  return {
    async click(p: { x: number; y: number }) {
      await page.mouse.move(p.x, p.y);
      // Held past Cornerstone's double-click wait (a quicker click is taken as the first of a double click, and draws nothing).
      await page.mouse.down();
      await page.waitForTimeout(600);
      await page.mouse.up();
      await page.waitForTimeout(300);
    },
    /** Button down at the first point, moved through the others (`steps` mouse moves each), up at the last. */
    async stroke(points: { x: number; y: number }[], steps = 24) {
      const [p, ...through] = points;
      await page.mouse.move(p.x, p.y);
      await page.mouse.down();
      await page.waitForTimeout(600);
      for (const q of through) await page.mouse.move(q.x, q.y, { steps });
      await page.mouse.up();
      await page.waitForTimeout(300);
    },
  };
}

/** A click and a stroke (through any number of points) with the real mouse at image pixels of the W×H slices in `viewport`. */
export function mouseOnImage(page: Page, viewport: Locator, W: number, H: number) {
  // The side panel is long: the viewport is scrolled into view before each stroke, and mapped where it is then.
  const shown = async () => {
    await viewport.scrollIntoViewIfNeeded();
    return pageMap(page, viewport, await canvasPixels(viewport), W, H);
  };
  return {
    click: async (x: number, y: number) => mouse(page).click((await shown())(x, y)),
    async stroke(...points: [number, number][]) {
      const at = await shown();
      // A long stroke (a closed contour) moves in fewer, longer steps per side.
      await mouse(page).stroke(points.map((p) => at(...p)), points.length > 2 ? 8 : 24);
    },
  };
}

/** Distance from (x, y) to the segment a–b, each axis scaled by `scale` (pixels → mm on an anisotropic plane). */
export function toSegment(x: number, y: number, a: [number, number], b: [number, number], scale: [number, number] = [1, 1]): number {
  const [sx, sy] = scale;
  const [dx, dy] = [(b[0] - a[0]) * sx, (b[1] - a[1]) * sy];
  const [px, py] = [(x - a[0]) * sx, (y - a[1]) * sy];
  const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy);
}

/**
 * Pixels that differ between two planes W wide, split by distance to the stroke: all must lie within
 * `outer`, every pixel within `inner` must have changed (unless `eligible` says it may not be painted).
 */
export function strokeCheck(before: Uint8Array, after: Uint8Array, W: number, a: [number, number], b: [number, number], inner: number, outer: number, value: 0 | 1, options: { scale?: [number, number]; eligible?: (i: number) => boolean } = {}) {
  const eligible = options.eligible ?? (() => true);
  let changed = 0;
  let strayChanges = 0;
  let coreUnchanged = 0;
  for (let i = 0; i < before.length; i++) {
    const d = toSegment(i % W, Math.floor(i / W), a, b, options.scale);
    if (before[i] !== after[i]) {
      changed++;
      if (d > outer || after[i] !== value || !eligible(i)) strayChanges++;
    } else if (d <= inner && after[i] !== value && eligible(i)) coreUnchanged++;
  }
  return { changed, strayChanges, coreUnchanged };
}

/** The test's own 4-connected flood from (x, y) over the pixels where `inside` holds, and whether it reached the edge. */
export function connectedRegion(W: number, H: number, x: number, y: number, inside: (i: number) => boolean): { pixels: Set<number>; touchesEdge: boolean } {
  const pixels = new Set<number>();
  let touchesEdge = false;
  const queue = inside(y * W + x) ? [y * W + x] : [];
  for (const i of queue) pixels.add(i);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    const [cx, cy] = [i % W, Math.floor(i / W)];
    if (cx === 0 || cy === 0 || cx === W - 1 || cy === H - 1) touchesEdge = true;
    for (const [nx, ny] of [[cx - 1, cy], [cx + 1, cy], [cx, cy - 1], [cx, cy + 1]]) {
      const j = ny * W + nx;
      if (nx >= 0 && ny >= 0 && nx < W && ny < H && !pixels.has(j) && inside(j)) {
        pixels.add(j);
        queue.push(j);
      }
    }
  }
  return { pixels, touchesEdge };
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
