// Training as a student does it: cached phantom patients, a CI-sized run on the default backend
// (WebGPU on SwiftShader here), live progress, a reload mid-run and resume, export → import.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

async function cachedDemo(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
}

async function setUpRun(page: Page, s: { base: number; size: number; epochs: number; lr?: number }) {
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.getByTestId('run-setup')).toBeVisible();
  await page.getByLabel('Base filters').fill(String(s.base));
  await page.getByLabel('Input size (px)').fill(String(s.size));
  await page.getByLabel('Epochs').fill(String(s.epochs));
  if (s.lr) await page.getByLabel('Learning rate').fill(String(s.lr));
}

test('trains on the default backend, shows it, and reports validation Dice per patient', async ({ page }) => {
  await cachedDemo(page);
  await setUpRun(page, { base: 4, size: 64, epochs: 3 });
  if (process.env.E2E_BACKEND) await page.getByLabel('Backend').selectOption(process.env.E2E_BACKEND);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('backend')).toContainText(/Training on (WebGPU|WebGL|WASM|CPU)/, { timeout: 120_000 });
  console.log(`[measure] backend: ${await page.getByTestId('backend').textContent()}; skipped: ${await page.getByTestId('skipped-backends').textContent().catch(() => 'none')}`);
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
  console.log(`[measure] 3 epochs: ${Date.now() - t0} ms`);
  await expect(page.getByTestId('val-dice-table')).toContainText('Phantom.3');
});
