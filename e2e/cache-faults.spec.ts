// The cache under stress, as users cause it: a reload in the middle of preprocessing, a full
// disk (quota), renaming and exporting a dataset. Nothing already cached may be lost or half-written.
import { test, expect, realPatient } from './fixtures';
import { installStoredImageReader, storedSummary, storedSliceHashes } from './idb';
import { cacheDemo as cacheDemoDataset } from './viewerHelpers';
import h5wasm from 'h5wasm/node';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

async function cacheDemo(page: import('@playwright/test').Page) {
  await cacheDemoDataset(page);
  return storedSummary(page);
}

test('a reload during preprocessing leaves the earlier dataset intact and nothing half-written', async ({ page }) => {
  const before = await cacheDemo(page);
  await page.getByRole('button', { name: 'Clear list' }).click();
  // Both real patients (a run of a second or more on this machine; one alone can finish in 0.4 s, before a
  // paced progress line ever shows its stage), and the reload as soon as the run's progress bar is up.
  await page.getByTestId('folder-input').setInputFiles(dirname(realPatient('3Dircadb1.1')));
  await expect(page.getByTestId('patient-row')).toHaveCount(2, { timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 2 patients/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Preprocessing, all patients' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(async () => {
    const after = await storedSummary(page);
    expect(after.datasets).toEqual(before.datasets);
    expect(after.patients.map((p) => p.key).sort()).toEqual(before.patients.map((p) => p.key).sort());
    expect(after.sliceCount).toBe(before.sliceCount);
  }).toPass({ timeout: 20_000 });
});

// A really full disk, as Chromium enforces it: the quota of an on-disk profile is 60% of the size of
// the volume that holds it, so a profile on a 12 MiB tmpfs gets about 7.2 MiB. The demo (~1.4 MB in
// IndexedDB) fits; the real patient does not (102 kept 512×512 slices: ~12 MB of packed images and
// mask runs). estimate() does not show that quota
// (since Chrome 138 it reports usage + min(10 GiB, disk rounded up to 1 GiB), whatever is enforced);
// CDP Storage.getUsageAndQuota does. The CDP quota override is no substitute: in Playwright's incognito
// context this Chromium reports it (getUsageAndQuota) but let 20 MiB through an 8 MiB override.
const DISK_MIB = 12;
const fullDisk = test.extend<{ smallDisk: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from the destructuring
  smallDisk: async ({}, provide, testInfo) => {
    const dir = mkdtempSync(join(tmpdir(), 'liverlab-quota-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MIB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
      testInfo.skip(true, `needs a ${DISK_MIB} MiB tmpfs for the browser profile (root, CAP_SYS_ADMIN): mount failed: ${why}`);
      return;
    }
    try {
      await provide(dir);
    } finally {
      for (let i = 0; ; i++) {
        try {
          execFileSync('umount', [dir], { stdio: 'pipe' });
          break;
        } catch {
          if (i >= 10) {
            execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
            break;
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
  context: async ({ playwright, launchOptions, baseURL, smallDisk }, provide) => {
    // The HTTP cache (the ~21 MB app) goes elsewhere, so the small disk holds only the profile's storage.
    const httpCache = mkdtempSync(join(tmpdir(), 'liverlab-quota-http-'));
    const context = await playwright.chromium.launchPersistentContext(join(smallDisk, 'profile'), {
      ...launchOptions,
      args: [...(launchOptions.args ?? []), `--disk-cache-dir=${httpCache}`],
      baseURL,
      serviceWorkers: 'block',
    });
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(60_000);
    try {
      await provide(context);
    } finally {
      await context.close();
      rmSync(httpCache, { recursive: true, force: true });
    }
  },
});

fullDisk('a full quota gives a clear message with the size needed; the cached dataset survives', async ({ page, context }) => {
  const before = await cacheDemo(page);
  const hashes = await Promise.all(before.patients.map((p) => storedSliceHashes(page, p.key)));
  const cdp = await context.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const real = await cdp.send('Storage.getUsageAndQuota', { origin });
  const shown = await page.evaluate(async () => (await navigator.storage.estimate()).quota ?? null);
  console.log(`quota on the ${DISK_MIB} MiB disk: ${real.quota} bytes enforced (CDP), ${shown} bytes in storage.estimate(); usage ${real.usage}`);
  expect(real.overrideActive).toBe(false);
  expect(real.quota).toBeLessThanOrEqual(DISK_MIB * 1048576 * 0.6 + 1);
  expect(real.usage).toBeGreaterThan(0);
  expect(real.usage).toBeLessThan(real.quota);

  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  await expect(page.getByTestId('patient-row')).toHaveCount(4, { timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 4 patients/ }).click();
  const failed = page.locator('[data-testid=preprocess-patient][data-patient="3Dircadb1.17"]');
  await expect(failed).toHaveAttribute('data-stage', /^(failed|done)$/, { timeout: 120_000 });
  const stage = await failed.getAttribute('data-stage');
  expect(stage, `3Dircadb1.17 fit in the quota of the ${DISK_MIB} MiB disk (${real.quota} bytes): make DISK_MIB smaller`).toBe('failed');
  await expect(failed).toContainText(/Not enough browser storage for caching 3Dircadb1\.17: it needs about \d+(\.\d)? MiB more/);
  await expect(failed).toContainText('Delete cached datasets');
  console.log(`the app showed: ${await failed.innerText()}`);

  // No orphans: every stored slice belongs to a cached patient (the failed shares were discarded).
  const orphans = async () => {
    const s = await storedSummary(page);
    return s.sliceCount - s.patients.reduce((a, p) => a + p.kept, 0);
  };
  await expect.poll(orphans, { timeout: 20_000 }).toBe(0);

  await page.reload();
  for (const d of before.datasets) await expect(page.locator(`[data-testid=dataset-row][data-dataset="${d.name}"]`)).toBeVisible();
  const after = await storedSummary(page);
  for (const d of before.datasets) expect(after.datasets).toContainEqual(d);
  expect(after.datasets.every((d) => !d.patientNames.includes('3Dircadb1.17'))).toBe(true);
  expect(after.patients.some((p) => p.name === '3Dircadb1.17')).toBe(false);
  expect(await orphans()).toBe(0);
  for (const [i, p] of before.patients.entries()) expect(await storedSliceHashes(page, p.key)).toEqual(hashes[i]);
});

test('rename and export: the dataset keeps its new name after a reload and exports as the reference HDF5', async ({ page }) => {
  const stored = await cacheDemo(page);
  const row = page.getByTestId('dataset-row').first();
  await row.getByRole('button', { name: 'Rename' }).click();
  await row.getByLabel('Dataset name').fill('Phantoms for class');
  await row.getByRole('button', { name: 'Save' }).click();
  const renamed = page.locator('[data-testid=dataset-row][data-dataset="Phantoms for class"]');
  // The list shows the new name once it is stored; a reload before that may lose the edit, as it would for a person.
  await expect(renamed).toBeVisible();
  await page.reload();
  await expect(renamed).toBeVisible();

  const download = page.waitForEvent('download');
  await renamed.getByRole('button', { name: 'Export HDF5' }).click();
  const file = join(mkdtempSync(join(tmpdir(), 'liverlab-export-')), 'export.h5');
  await (await download).saveAs(file);
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  const images = f.get('images') as InstanceType<typeof h5wasm.Dataset>;
  const masks = f.get('masks') as InstanceType<typeof h5wasm.Dataset>;
  const kept = stored.patients.reduce((a, p) => a + p.kept, 0);
  expect(images.shape).toEqual([kept, 128, 128, 1]);
  expect(masks.shape).toEqual([kept, 128, 128, 1]);
  const px = images.value as Float32Array;
  const mk = masks.value as Float32Array;
  f.close();
  expect(Math.max(...px.subarray(0, 128 * 128))).toBeLessThanOrEqual(1);
  expect(new Set(mk)).toEqual(new Set([0, 1]));
});

/** The dataset's HDF5 export, as the arrays it holds. */
async function exportedArrays(page: import('@playwright/test').Page): Promise<{ images: Float32Array; masks: Float32Array }> {
  const download = page.waitForEvent('download');
  await page.getByTestId('dataset-row').first().getByRole('button', { name: 'Export HDF5' }).click();
  const dir = mkdtempSync(join(tmpdir(), 'liverlab-export-'));
  try {
    const file = join(dir, 'export.h5');
    await (await download).saveAs(file);
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'r');
    const images = (f.get('images') as InstanceType<typeof h5wasm.Dataset>).value as Float32Array;
    const masks = (f.get('masks') as InstanceType<typeof h5wasm.Dataset>).value as Float32Array;
    f.close();
    return { images, masks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a cache written by earlier versions (a record per slice; runs with mask bytes; raw image bytes) reads the same as today\'s', async ({ page }) => {
  const stored = await cacheDemo(page);
  const today = await exportedArrays(page);
  expect(today.masks.some((v) => v === 1)).toBe(true);
  // Rewrite the stored slices as earlier versions wrote them: Phantom.1 a record per slice (typed
  // arrays), the others one run each with raw image bytes and the masks as a Blob of bytes.
  const firstKey = stored.patients.find((p) => p.name === 'Phantom.1')!.key;
  await installStoredImageReader(page);
  const rewritten = await page.evaluate(async (perSliceKey: string) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const o = indexedDB.open('liverlab');
      o.onsuccess = () => resolve(o.result);
      o.onerror = () => reject(o.error);
    });
    const all = <T,>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    type Run = { patientKey: string; index: number; count: number; image: Blob; pixels: number; packedEnds: Uint32Array; maskRuns: Uint32Array };
    const imagesOf = (globalThis as unknown as { __storedRunImages: (run: Run) => Promise<Uint8Array> }).__storedRunImages;
    const runs = (await all(db.transaction('slices').objectStore('slices').getAll())) as Run[];
    const records: object[] = [];
    for (const run of runs) {
      const image = await imagesOf(run);
      const mask = new Uint8Array(image.length);
      for (let r = 0; r < run.maskRuns.length; r += 2) mask.fill(1, run.maskRuns[r], run.maskRuns[r] + run.maskRuns[r + 1]);
      if (run.patientKey === perSliceKey) {
        const px = image.length / run.count;
        for (let i = 0; i < run.count; i++) {
          records.push({ patientKey: run.patientKey, index: run.index + i, image: image.slice(i * px, (i + 1) * px), mask: mask.slice(i * px, (i + 1) * px) });
        }
      } else records.push({ patientKey: run.patientKey, index: run.index, count: run.count, image: new Blob([image as Uint8Array<ArrayBuffer>]), mask: new Blob([mask]) });
    }
    const tx = db.transaction('slices', 'readwrite');
    tx.objectStore('slices').clear();
    for (const r of records) tx.objectStore('slices').put(r);
    await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error))));
    db.close();
    return { records: records.length, runs: runs.length, packed: runs.filter((r) => r.packedEnds).length };
  }, firstKey);
  expect(rewritten.packed, "today's runs are packed").toBe(rewritten.runs);
  expect(rewritten.records).toBeGreaterThan(stored.patients.length);

  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  const earlier = await exportedArrays(page);
  expect(earlier.images.length).toBe(today.images.length);
  expect(Buffer.from(earlier.images.buffer).equals(Buffer.from(today.images.buffer))).toBe(true);
  expect(Buffer.from(earlier.masks.buffer).equals(Buffer.from(today.masks.buffer))).toBe(true);
});
