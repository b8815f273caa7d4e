// The README's screenshots (`npm run screenshots` → public/screenshots/*.png), taken from the real
// app on the real patients: the production build served by `vite preview`, Debian's Chromium with the
// e2e flags, ../shared/data dropped in (3Dircadb1.1 and 3Dircadb1.17), preprocessed, a small UNet
// trained in the tab (1.1 trains, 1.17 validates), then 3Dircadb1.17 in the viewer with the model's
// prediction against the expert's mask. Each PNG is the page drawn at a device scale below 1, so it
// comes out about 1000 px wide without an image library. Asserts nothing; prints where it saved.
//
// usage: npx tsx scripts/screenshots.ts [--url http://localhost:5320/] [--out public/screenshots] [--epochs 6] [--theme dark|light]
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const outDir = resolve(root, arg('--out') ?? 'public/screenshots');
const epochs = Number(arg('--epochs') ?? 6);
const theme = (arg('--theme') ?? 'dark') as 'dark' | 'light';
const data = resolve(root, '../shared/data');
const log = (line: string) => console.log(`[screenshots] ${line}`);

/** CSS width of the page, and the device scale that makes its PNG ~1000 px wide. */
const WIDTH = 1360;
const HEIGHT = 860;
const SCALE = 1000 / WIDTH;

async function serveApp(): Promise<{ url: string; close(): Promise<void> }> {
  const given = arg('--url');
  if (given) return { url: given, close: async () => undefined };
  const out = join(root, '.e2e-dist/screenshots-app');
  await build({ root, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const server: PreviewServer = await preview({ root, logLevel: 'error', build: { outDir: out }, preview: { port: 0, strictPort: false } });
  return { url: server.resolvedUrls!.local[0], close: () => server.close() };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  log(`${path} (${Math.round(statSync(path).size / 1024)} KiB)`);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const app = await serveApp();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: SCALE, colorScheme: theme, serviceWorkers: 'block' });
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = await context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(app.url);
    await shot(page, '1-welcome');

    await page.getByTestId('folder-input').setInputFiles(data);
    await page.getByTestId('patient-row').nth(1).waitFor();
    await page.getByRole('button', { name: /Preprocess and cache 2 patients/ }).click();
    await page.getByTestId('preprocess-status').filter({ hasText: 'Done' }).waitFor();
    await shot(page, '2-data');

    await page.getByRole('tab', { name: 'Train' }).click();
    await page.getByLabel('Epochs').fill(String(epochs));
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor();
    await shot(page, '3-train');

    await page.getByRole('tab', { name: 'View' }).click();
    const viewer = page.getByRole('region', { name: 'Viewer' });
    await viewer.getByLabel('Patient').selectOption({ label: '3Dircadb1.17' });
    await viewer.getByRole('button', { name: 'Segment this patient' }).click();
    await viewer.getByTestId('patient-metrics').waitFor();
    await page.waitForTimeout(1500);
    await shot(page, '4-viewer');

    await viewer.getByLabel('Layout').selectOption('mpr');
    await page.getByTestId('mpr-sagittal').waitFor();
    await page.waitForTimeout(2000);
    await shot(page, '5-mpr');
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
