// Training when something breaks mid-run, in real Chromium:
// - the WebGPU device is lost (device.destroy() through the worker's test hook, which the browser
//   reports as device.lost with reason 'destroyed'): the UI says so and which backend the run moved
//   to, the run continues from its last checkpoint (epoch count and history kept) and finishes;
// - a reload mid-epoch: the checkpoint records in IndexedDB are whole and not duplicated, before
//   and after the run resumes (the resume itself is also covered by training.spec.ts);
// - reloads while the machine is kept busy (processes spinning on every core), mid-run and in the last
//   epoch: the run never stays "running" with no tab training it — it reads interrupted and resumes,
//   or, when the worker saved its last epoch while the page went away, finished.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { storedCheckpoints } from './idb';
import { cacheDemo as cachedDemo } from './viewerHelpers';

async function setUpRun(page: Page, s: { epochs: number; backend?: string; batch?: number }) {
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.getByTestId('run-setup')).toBeVisible();
  await page.getByLabel('Base filters').fill('4');
  await page.getByLabel('Input size (px)').fill('64');
  await page.getByLabel('Epochs').fill(String(s.epochs));
  if (s.batch) await page.getByLabel('Batch size').fill(String(s.batch));
  if (s.backend) await page.getByLabel('Backend').selectOption(s.backend);
  // One training patient keeps each epoch to a few steps.
  await page.getByLabel('Phantom.2 role').selectOption('skip');
}

interface StoredRun {
  id: string;
  status: string;
  backend: string | null;
  state: { epoch: number; history: { epoch: number; loss: number; valDice: number | null }[] };
}

function storedRuns(page: Page): Promise<StoredRun[]> {
  return page.evaluate(
    () =>
      new Promise<StoredRun[]>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onsuccess = () => {
          const r = open.result.transaction('runs').objectStore('runs').getAll();
          r.onsuccess = () => {
            open.result.close();
            resolve(r.result);
          };
          r.onerror = () => reject(r.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}

/** The run's checkpoints are one 'last' at the run's epoch (and at most one 'best'), each whole. */
async function expectWholeCheckpoints(page: Page, run: StoredRun) {
  const all = await storedCheckpoints(page);
  expect(all.every((c) => c.runId === run.id)).toBe(true);
  expect(all.map((c) => c.kind).sort()).toEqual(all.length === 2 ? ['best', 'last'] : ['last']);
  const last = all.find((c) => c.kind === 'last')!;
  expect(last.epoch).toBe(run.state.epoch);
  for (const c of all) {
    expect(c.weightBytes).toBeGreaterThan(0);
    expect(c.weightBytes).toBe(c.specBytes);
    expect(c.optimizerTensors).toBeGreaterThan(0);
  }
}

test('a lost WebGPU device mid-run: the UI says so, the run continues on the next backend from its last checkpoint and finishes', async ({ page }) => {
  // WebGPU here is SwiftShader: its first steps compile every shader on the CPU (minutes on a busy machine).
  test.setTimeout(1_800_000);
  // Few slices, each batch of one: a margin of 9 keeps 5 training slices (Phantom.1) and 6 validation
  // slices (Phantom.3), so WebGPU compiles its kernels for one batch shape only, and its epochs
  // after the first take several seconds (about a second per step on SwiftShader): the window in
  // which the device is destroyed below.
  await cachedDemo(page, 9);
  await setUpRun(page, { epochs: 3, backend: 'webgpu', batch: 1 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('backend')).toHaveText('Training on WebGPU', { timeout: 120_000 });
  // Epoch 1 is shown only after its checkpoint is in IndexedDB: the device goes during epoch 2.
  // Looked for every 50 ms (an expect polls once a second after a while), so epoch 2 has barely begun.
  await page.waitForFunction(() => document.querySelector('[data-testid="epoch-progress"]')?.textContent === 'epoch 1 / 3', null, {
    polling: 50,
    timeout: 1_500_000,
  });
  await expect(page.getByTestId('epoch-progress')).toHaveText('epoch 1 / 3');
  const [before] = await storedRuns(page);
  expect(before.state.epoch).toBe(1);
  expect(before.backend).toBe('webgpu');

  const worker = page.workers().find((w) => w.url().includes('train.worker'));
  expect(worker, 'the training worker').toBeDefined();
  await worker!.evaluate(() => self.dispatchEvent(new MessageEvent('message', { data: { liverlabTestHook: 'destroy-webgpu-device' } })));

  const fallbacks = page.getByTestId('backend-fallbacks');
  await expect(fallbacks).toContainText('WebGPU failed mid-run (the WebGPU device was lost: destroyed', { timeout: 120_000 });
  // The next backend is chosen as the automatic choice would: WebGL here is SwiftShader (skipped, saying why), so WASM.
  await expect(page.getByTestId('backend')).toHaveText('Training on WASM', { timeout: 120_000 });
  await expect(fallbacks).toContainText('continued on WASM from the checkpoint of epoch 1');
  await expect(page.getByTestId('skipped-backends')).toContainText('WebGL skipped');
  await expect(page.getByTestId('skipped-backends')).not.toContainText('WebGPU');
  await expect(page.getByTestId('run-message')).toContainText('resumed from the checkpoint of epoch 1');
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveText('epoch 3 / 3');

  const [after] = await storedRuns(page);
  expect(after.status).toBe('finished');
  expect(after.backend).toBe('wasm');
  expect(after.state.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  // Nothing trained before the loss is lost: epoch 1's record is the one WebGPU saved.
  expect(after.state.history[0]).toEqual(before.state.history[0]);
  for (const h of after.state.history) {
    expect(Number.isFinite(h.loss)).toBe(true);
    expect(h.valDice).not.toBeNull();
  }
  await expectWholeCheckpoints(page, after);
});

test('a reload mid-epoch leaves whole, unduplicated checkpoints; the resumed run finishes with its full history', async ({ page }) => {
  await cachedDemo(page);
  // Epochs to spare: on a busy machine the worker trains on while the page reloads (an epoch here is
  // well under a second), and a run whose every epoch got saved reads finished, with nothing to resume.
  await setUpRun(page, { epochs: 6 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('epoch-progress')).toHaveText(/epoch [12] \/ 6/, { timeout: 300_000 });
  await page.reload();
  const [interrupted] = await storedRuns(page);
  expect(interrupted.state.epoch).toBeGreaterThanOrEqual(1);
  expect(interrupted.state.history.map((h) => h.epoch)).toEqual(Array.from({ length: interrupted.state.epoch }, (_, i) => i + 1));
  await expectWholeCheckpoints(page, interrupted);

  await page.getByRole('tab', { name: 'Train' }).click();
  const row = page.getByTestId('run-row');
  await expect(row).toContainText('interrupted');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-message')).toContainText(`resumed from the checkpoint of epoch ${interrupted.state.epoch}`, { timeout: 120_000 });
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 300_000 });
  const [done] = await storedRuns(page);
  expect(done.state.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(done.state.history.slice(0, interrupted.state.epoch)).toEqual(interrupted.state.history);
  await expectWholeCheckpoints(page, done);
});

/** Spins one process per core until the returned function is called: a laptop busy with something else. */
function keepMachineBusy(): () => void {
  const spinners = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => spinners.forEach((p) => p.kill());
}

/** Waits for the live run's readout (completed epochs) to match, looking every 50 ms: epochs here are short. */
async function epochShown(page: Page, readout: RegExp): Promise<void> {
  await page.waitForFunction(
    ({ source }) => new RegExp(source).test(document.querySelector('[data-testid="epoch-progress"]')?.textContent ?? ''),
    { source: readout.source },
    { polling: 50, timeout: 300_000 },
  );
}

/** Reloads with every core busy, and reads the run's row once the list is back. */
async function reloadWhileBusy(page: Page): Promise<string> {
  const stopSpinning = keepMachineBusy();
  try {
    await page.reload();
    await page.getByRole('tab', { name: 'Train' }).click();
    const row = page.getByTestId('run-row');
    await expect(row).toHaveCount(1);
    // Never "running" / "training" with no tab training it: wait for the list to settle on what the run is.
    await expect(row.getByTestId('run-standing')).toHaveText(/^(interrupted|finished)/);
    return (await row.getByTestId('run-standing').textContent())!;
  } finally {
    stopSpinning();
  }
}

test('reloads on a busy machine never strand a run: mid-run it reads interrupted and resumes; in its last epoch, interrupted or finished', async ({ page }) => {
  test.setTimeout(900_000);
  await cachedDemo(page);
  await setUpRun(page, { epochs: 8 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await epochShown(page, /^epoch [1-3] \/ 8$/);
  expect(await reloadWhileBusy(page)).toMatch(/^interrupted/);
  const [first] = await storedRuns(page);
  expect(first.status).toBe('running');
  expect(first.state.epoch).toBeGreaterThanOrEqual(1);
  expect(first.state.epoch).toBeLessThan(8);
  await expectWholeCheckpoints(page, first);
  const row = page.getByTestId('run-row');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-message')).toContainText(`resumed from the checkpoint of epoch ${first.state.epoch}`, { timeout: 120_000 });

  // The last epoch: the worker may save it while the page goes away; then the run must read finished.
  await epochShown(page, /^epoch 7 \/ 8$/);
  const second = await reloadWhileBusy(page);
  const [atReload] = await storedRuns(page);
  expect(atReload.status).toBe(atReload.state.epoch === 8 ? 'finished' : 'running');
  expect(second).toMatch(atReload.state.epoch === 8 ? /^finished/ : /^interrupted/);
  await expectWholeCheckpoints(page, atReload);
  if (atReload.state.epoch < 8) {
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('run-message')).toContainText(`resumed from the checkpoint of epoch ${atReload.state.epoch}`, { timeout: 120_000 });
    await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 300_000 });
  }
  console.log(`[measure] busy reloads: first at epoch ${first.state.epoch}, second at epoch ${atReload.state.epoch} (${second})`);
  const [done] = await storedRuns(page);
  expect(done.status).toBe('finished');
  expect(done.state.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(done.state.history.slice(0, first.state.epoch)).toEqual(first.state.history);
  await expectWholeCheckpoints(page, done);
  await expect(row).toContainText('finished');
  await expect(row.getByTestId('run-epochs')).toHaveText('8 / 8');
});
