// Preprocessing into the IndexedDB cache, as a user sees it: progress, a dataset that survives a
// reload without re-ingest, re-drops served from the cache, cancel leaving nothing behind, delete
// freeing the space; and the browser's worker output equal, byte for byte, to the reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, realPatient, sharedData } from './fixtures';
import { storedSummary, storedSliceHashes } from './idb';

test('demo → preprocess → cached; reload keeps it; delete removes it and its slices', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  await expect(page.locator('[data-testid=preprocess-patient][data-stage=done]')).toHaveCount(3);
  // The run over, its workers are ended (their memory goes to training, which usually comes next).
  await expect.poll(() => page.workers().filter((w) => w.url().includes('preprocess.worker')).length).toBe(0);
  const rows = page.getByTestId('dataset-row');
  await expect(rows).toHaveCount(1);
  const stored = await storedSummary(page);
  expect(stored.datasets).toHaveLength(1);
  expect(stored.patients.map((p) => p.name).sort()).toEqual(['Phantom.1', 'Phantom.2', 'Phantom.3']);
  const kept = stored.patients.reduce((a, p) => a + p.kept, 0);
  expect(kept).toBeGreaterThan(0);
  expect(stored.sliceCount).toBe(kept);
  for (const p of stored.patients) expect(p.bytes, `${p.name}'s recorded size`).toBe(stored.storedBytes[p.key]);
  await expect(rows.first().getByTestId('dataset-slices')).toHaveText(String(kept));

  await page.reload();
  await expect(page.getByRole('button', { name: 'Try the demo dataset' })).toBeVisible();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('dataset-row').first().getByTestId('dataset-slices')).toHaveText(String(kept));

  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('dataset-row').first().getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
  const after = await storedSummary(page);
  expect(after).toEqual({ datasets: [], patients: [], sliceCount: 0, storedBytes: {} });
});

test('3Dircadb1.17 from its zips: the cached slices equal the reference pipeline byte for byte; a re-drop is served from the cache', async ({ page }) => {
  const ref = JSON.parse(readFileSync(join(sharedData, '../reference/pipeline/3Dircadb1.17.json'), 'utf8'));
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  await expect(page.getByTestId('patient-row')).toHaveCount(1, { timeout: 120_000 });
  const t0 = Date.now();
  await page.getByRole('button', { name: /Preprocess and cache 1 patient/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 180_000 });
  console.log(`[measure] 3Dircadb1.17 preprocessed and cached in the browser: ${Date.now() - t0} ms; worker steps (ms): ${await page.getByTestId('preprocess-patient').getAttribute('data-times')}`);
  const stored = await storedSummary(page);
  expect(stored.patients).toHaveLength(1);
  const p = stored.patients[0];
  expect({ start: p.start, end: p.end, keptFrom: p.keptFrom, keptTo: p.keptTo, kept: p.kept }).toEqual({
    start: ref.start,
    end: ref.end,
    keptFrom: ref.keptFrom,
    keptTo: ref.keptTo,
    kept: ref.kept,
  });
  // The size the app records (and lists) is what the slices take: the PackBits-packed images (air
  // and table around the body pack away: ~46 % of a byte a pixel) plus the masks' runs, a few KB a
  // slice — far under the ¼ of the reference HDF5 (float32 images and masks: 8 bytes a pixel).
  expect(p.bytes).toBe(stored.storedBytes[p.key]);
  expect(p.bytes).toBeGreaterThan(p.kept * 512 * 512 * 0.3);
  expect(p.bytes).toBeLessThan(p.kept * 512 * 512 * 0.6);
  const hashes = await storedSliceHashes(page, p.key);
  expect(hashes.images).toEqual(ref.sliceSha256Images);
  expect(hashes.masks).toEqual(ref.sliceSha256Masks);

  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  await expect(page.getByTestId('patient-row')).toHaveCount(1, { timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 1 patient/ }).click();
  await expect(page.locator('[data-testid=preprocess-patient]')).toContainText('already cached');
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
});

test('cancel mid-way leaves no dataset and no half-written patient', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.1'));
  await expect(page.getByTestId('patient-row')).toHaveCount(4, { timeout: 120_000 });
  await page.getByRole('button', { name: /Preprocess and cache 4 patients/ }).click();
  await expect(page.locator('[data-testid=preprocess-patient][data-stage=done]').first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Cancelled');
  await expect(async () => {
    const s = await storedSummary(page);
    expect(s.datasets).toEqual([]);
    expect(s.patients).toEqual([]);
    expect(s.sliceCount).toBe(0);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
});
