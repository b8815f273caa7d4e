// Two LiverLab tabs on one cache (two pages of one browser context: same origin, same IndexedDB):
// - tab B deletes a dataset while tab A is caching another: B says it waits for A, deletes once A is
//   done, both tabs are told what the other changed and their lists converge; nothing is corrupt
//   (every stored slice of every cached patient readable and whole, counts right, no orphans);
// - a run trains in one tab at a time: the other tab shows it as training elsewhere and cannot
//   resume or delete it until it stops there, then continues it from the checkpoint; the history
//   runs on without a gap or repeat and the checkpoints stay one per kind, at the run's epoch;
// - a tab closed mid-run (it can announce nothing): the other tab sees the run's lock go, shows the
//   run interrupted and resumes it;
// - a model imported or deleted in one tab is listed as it is in the other at once.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { generatePhantomPatient } from '../src/phantom/phantom';
import { storedCheckpoints, storedSlices, storedSummary } from './idb';

const DEMO = 'Phantom.1 … Phantom.3 (3 patients)';

async function cacheDemo(page: Page) {
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
}

function phantomFolder(count: number, slices: number): string {
  const root = join(mkdtempSync(join(tmpdir(), 'liverlab-tabs-')), 'tabs');
  for (let i = 1; i <= count; i++) {
    for (const f of generatePhantomPatient({ name: `Tab.${i}`, size: 128, slices, seed: 900 + i }).files) {
      mkdirSync(join(root, dirname(f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.bytes);
    }
  }
  return root;
}

/** Every slice of every cached patient, read back: indices 0..kept-1 present once, image and mask whole. */
async function sliceProblems(page: Page): Promise<string[]> {
  const { patients } = await storedSummary(page);
  const slices = await storedSlices(page, null);
  const problems: string[] = [];
  for (const p of patients) {
    const mine = slices.filter((s) => s.patientKey === p.key).map((s) => s.index).sort((a, b) => a - b);
    if (mine.join() !== Array.from({ length: p.kept }, (_, i) => i).join()) problems.push(`${p.name}: slice indices ${mine.join()} for ${p.kept} kept`);
  }
  const known = new Map(patients.map((p) => [p.key, p]));
  for (const s of slices) {
    const p = known.get(s.patientKey);
    if (!p) problems.push(`slice ${s.index} of unknown patient ${s.patientKey.slice(0, 8)}`);
    else if (s.imageBytes !== p.width * p.height || s.maskBytes !== p.width * p.height) problems.push(`${p.name} slice ${s.index}: ${s.imageBytes}/${s.maskBytes} bytes`);
  }
  return problems;
}

test('a delete in tab B waits for tab A caching a dataset; both are told and their lists converge; nothing is corrupt', async ({ page }) => {
  test.setTimeout(900_000);
  const a = page;
  const b = await a.context().newPage();
  const root = phantomFolder(6, 64);
  await a.goto('/');
  await cacheDemo(a);
  await b.goto('/');
  await expect(b.getByTestId('dataset-row')).toHaveCount(1);
  await expect(b.getByTestId('dataset-row')).toHaveAttribute('data-dataset', DEMO);

  // Tab A caches six more phantoms; while it writes, tab B deletes the demo dataset.
  await a.bringToFront();
  await a.goto('/');
  await a.getByTestId('folder-input').setInputFiles(root, { timeout: 120_000 });
  await expect(a.getByTestId('patient-row')).toHaveCount(6, { timeout: 120_000 });
  await a.getByRole('button', { name: 'Preprocess and cache 6 patients' }).click();
  await expect.poll(() => b.evaluate(async () => (await navigator.locks.query()).held?.some((l) => l.name === 'liverlab-cache-write') ?? false)).toBe(true);
  b.once('dialog', (d) => void d.accept());
  await b.locator(`[data-testid=dataset-row][data-dataset="${DEMO}"]`).getByRole('button', { name: 'Delete' }).click();
  await expect(b.getByTestId('tab-sync-waiting')).toContainText('Another LiverLab tab is writing the cache; waiting…');
  // Until A is done, B's delete has not happened: the demo dataset is still stored.
  expect((await storedSummary(b)).datasets.map((d) => d.name)).toContain(DEMO);

  await expect(a.getByTestId('preprocess-status')).toContainText('Done', { timeout: 600_000 });
  await expect(b.getByTestId('tab-sync-waiting')).toHaveCount(0, { timeout: 120_000 });
  // Each tab is told what the other did, and both list the one dataset left.
  const folder = 'Tab.1 … Tab.6 (6 patients)';
  await expect(a.getByTestId('tab-sync-notice')).toContainText(`Dataset “${DEMO}” was deleted in another tab — list refreshed`);
  await expect(b.getByTestId('tab-sync-notice')).toContainText(`Dataset “${folder}” was cached in another tab — list refreshed`);
  for (const p of [a, b]) {
    await expect(p.getByTestId('dataset-row')).toHaveCount(1);
    await expect(p.getByTestId('dataset-row')).toHaveAttribute('data-dataset', folder);
  }

  const stored = await storedSummary(a);
  expect(stored.datasets.map((d) => d.name)).toEqual([folder]);
  expect(stored.patients.map((p) => p.name).sort()).toEqual(['Tab.1', 'Tab.2', 'Tab.3', 'Tab.4', 'Tab.5', 'Tab.6']);
  expect(stored.patients.map((p) => p.key).sort()).toEqual([...stored.datasets[0].patientKeys].sort());
  const kept = stored.patients.reduce((s, p) => s + p.kept, 0);
  expect(stored.sliceCount).toBe(kept);
  expect(stored.datasets[0].slices).toBe(kept);
  expect(await sliceProblems(a)).toEqual([]);
  await b.close();
});

test('a run trains in one tab at a time: the other tab sees it training there, and continues it once it stops', async ({ page }) => {
  test.setTimeout(900_000);
  const a = page;
  await a.goto('/');
  await cacheDemo(a);
  await a.getByRole('tab', { name: 'Train' }).click();
  await a.getByLabel('Base filters').fill('4');
  await a.getByLabel('Input size (px)').fill('64');
  // More epochs than the test lets run: each tab stops it part-way.
  await a.getByLabel('Epochs').fill('40');
  await a.getByLabel('Phantom.2 role').selectOption('skip');
  await a.getByRole('button', { name: 'Start training' }).click();
  await expect(a.getByTestId('epoch-progress')).not.toHaveText('epoch 0 / 40', { timeout: 300_000 });

  const b = await a.context().newPage();
  await b.goto('/');
  await b.getByRole('tab', { name: 'Train' }).click();
  const rowB = b.getByTestId('run-row');
  await expect(rowB).toContainText('training in another tab');
  await expect(rowB.getByRole('button', { name: 'Resume' })).toHaveCount(0);
  await expect(rowB.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  await a.getByRole('button', { name: 'Stop' }).click();
  await expect(a.getByTestId('run-status')).toHaveText('stopped', { timeout: 300_000 });
  // Tab B is told the run changed: it is free now, and B continues it.
  await expect(rowB).not.toContainText('training in another tab');
  await expect(rowB).toContainText('stopped');
  const stoppedAt = Number((await rowB.getByTestId('run-epochs').textContent())!.split(' / ')[0]);
  await rowB.getByRole('button', { name: 'Resume' }).click();
  await expect(b.getByTestId('run-message')).toContainText(`resumed from the checkpoint of epoch ${stoppedAt}`, { timeout: 120_000 });
  await expect(a.getByTestId('run-row')).toContainText('training in another tab');
  await expect(a.getByTestId('run-row').getByRole('button', { name: 'Resume' })).toHaveCount(0);
  // B trains at least two more epochs of the same run (epochs are quick: the readout may skip one
  // between polls), then stops it.
  const epochShown = async () => Number(/epoch (\d+) \/ 40/.exec((await b.getByTestId('epoch-progress').textContent()) ?? '')?.[1] ?? 0);
  await expect.poll(epochShown, { timeout: 300_000 }).toBeGreaterThanOrEqual(stoppedAt + 2);
  expect(await epochShown()).toBeLessThan(40);
  await b.getByRole('button', { name: 'Stop' }).click();
  await expect(b.getByTestId('run-status')).toHaveText('stopped', { timeout: 300_000 });

  const runs = await b.evaluate(
    () =>
      new Promise<{ id: string; state: { epoch: number; history: { epoch: number }[] } }[]>((resolve, reject) => {
        const o = indexedDB.open('liverlab');
        o.onsuccess = () => {
          const r = o.result.transaction('runs').objectStore('runs').getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        };
        o.onerror = () => reject(o.error);
      }),
  );
  expect(runs).toHaveLength(1);
  const epochs = runs[0].state.epoch;
  expect(epochs).toBeGreaterThanOrEqual(stoppedAt + 2);
  // One history, epoch after epoch, across both tabs; one 'last' checkpoint, at the run's epoch, whole.
  expect(runs[0].state.history.map((h) => h.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
  const checkpoints = await storedCheckpoints(b);
  expect(checkpoints.filter((c) => c.kind === 'last')).toHaveLength(1);
  expect(checkpoints.find((c) => c.kind === 'last')!.epoch).toBe(epochs);
  for (const c of checkpoints) expect(c.weightBytes).toBe(c.specBytes);
  await expect(a.getByTestId('run-row')).toContainText('stopped');
  await expect(a.getByTestId('run-row').getByRole('button', { name: 'Resume' })).toHaveCount(1);
  await b.close();
});

test('a tab closed mid-run frees its run: the other tab, told nothing, shows it interrupted and resumes it', async ({ page }) => {
  test.setTimeout(600_000);
  const a = page;
  await a.goto('/');
  await cacheDemo(a);
  const b = await a.context().newPage();
  await b.goto('/');
  await b.getByRole('tab', { name: 'Train' }).click();
  await a.getByRole('tab', { name: 'Train' }).click();
  await a.getByLabel('Base filters').fill('4');
  await a.getByLabel('Input size (px)').fill('64');
  await a.getByLabel('Epochs').fill('40');
  await a.getByLabel('Phantom.2 role').selectOption('skip');
  await a.getByRole('button', { name: 'Start training' }).click();
  const rowB = b.getByTestId('run-row');
  await expect(rowB).toContainText('training in another tab', { timeout: 300_000 });
  await expect(rowB.getByTestId('run-epochs')).not.toHaveText(/^0 \//, { timeout: 300_000 });
  await a.close();
  await expect(rowB).toContainText('interrupted');
  const at = Number((await rowB.getByTestId('run-epochs').textContent())!.split(' / ')[0]);
  await rowB.getByRole('button', { name: 'Resume' }).click();
  await expect(b.getByTestId('run-message')).toContainText(`resumed from the checkpoint of epoch ${at}`, { timeout: 120_000 });
  await b.getByRole('button', { name: 'Stop' }).click();
  await expect(b.getByTestId('run-status')).toHaveText('stopped', { timeout: 300_000 });
});

test('a model imported or deleted in one tab shows in the other tab\'s list at once', async ({ page }) => {
  const a = page;
  await a.goto('/');
  const b = await a.context().newPage();
  await b.goto('/');
  for (const p of [a, b]) await p.getByRole('tab', { name: 'Train' }).click();
  const starterRow = a.locator('[data-testid=model-row][data-source=starter]');
  await expect(starterRow).toHaveCount(1, { timeout: 60_000 });
  // The starter's files, exported from tab A, are the model A imports.
  const dir = mkdtempSync(join(tmpdir(), 'liverlab-tabs-model-'));
  const files: string[] = [];
  a.on('download', async (d) => {
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    files.push(path);
  });
  await starterRow.getByRole('button', { name: 'Export' }).click();
  await expect.poll(() => files.length).toBe(2);
  await a.getByTestId('model-import').setInputFiles(files);
  await expect(a.locator('[data-testid=model-row][data-source=import]')).toHaveCount(1);
  const importedInB = b.locator('[data-testid=model-row][data-source=import]');
  await expect(importedInB).toHaveCount(1);
  await a.locator('[data-testid=model-row][data-source=import]').getByRole('button', { name: 'Delete' }).click();
  await expect(importedInB).toHaveCount(0);
  await b.close();
});
