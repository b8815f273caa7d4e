// The README's screenshots (`npm run screenshots` → scripts/readme-screenshots/*.png), taken from the
// real app on the real patients: the production build served by `vite preview`, Debian's Chromium
// with the e2e flags, ../shared/data dropped in (3Dircadb1.1 and 3Dircadb1.17), preprocessed, a
// small UNet trained in the tab (1.1 trains, 1.17 validates), then 3Dircadb1.1 in the viewer over its
// HU images, segmented whole by the starter model the app ships (trained on 1.17 only): the prediction
// against the expert's mask, the difference view, MPR, and measurements. Each PNG is the page drawn at a device scale below 1, so it comes out
// 1000 px wide without an image library. Not served by the app (public/ would put them in the
// offline cache). Asserts nothing; prints where it saved and how large.
//
// usage: npx tsx scripts/screenshots.ts [--url http://localhost:5320/] [--out scripts/readme-screenshots] [--epochs 8]
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const outDir = resolve(root, arg('--out') ?? 'scripts/readme-screenshots');
const epochs = Number(arg('--epochs') ?? 8);
const data = resolve(root, '../shared/data');
const log = (line: string) => console.log(`[screenshots] ${line}`);

/** CSS size of the page, and the device scale that makes its PNG 1000 px wide. */
const WIDTH = 1360;
const HEIGHT = 860;
const SCALE = 1000 / WIDTH;

async function serveApp(): Promise<{ url: string; close(): Promise<void> }> {
  const given = arg('--url');
  if (given) return { url: given, close: async () => undefined };
  const out = join(root, '.e2e-dist/screenshots-app');
  await build({ root, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir: out }, preview: { port: 0, strictPort: false } });
  return { url: server.resolvedUrls!.local[0], close: () => server.close() };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(600); // the last frame and the throttled measurement labels
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path });
  log(`${path} (${Math.round(statSync(path).size / 1024)} KiB)`);
}

/** A mouse drag between two points given as fractions of the element's box. */
async function drag(page: Page, on: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await on.boundingBox())!;
  await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 12 });
  await page.mouse.up();
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const app = await serveApp();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: SCALE, colorScheme: 'light', serviceWorkers: 'block' });
    const page = await context.newPage();
    page.setDefaultTimeout(900_000);
    await page.goto(app.url);
    await shot(page, '1-welcome');

    // Data: both real patients dropped (the dataset root), preprocessed through the step bar.
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByTestId('folder-input').setInputFiles(data);
    await page.getByTestId('patient-row').nth(1).waitFor();
    await page.getByTestId('next-action').click();
    await page.getByTestId('preprocess-status').filter({ hasText: 'Done' }).waitFor();
    await shot(page, '2-data');

    // Train: the laptop preset, a few epochs; 3Dircadb1.1 trains, 3Dircadb1.17 validates.
    await page.getByRole('tab', { name: 'Train' }).click();
    await page.getByLabel('Epochs').fill(String(epochs));
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor();
    await page.getByTestId('live-run').scrollIntoViewIfNeeded();
    await shot(page, '3-train');

    // View: 3Dircadb1.1 (held out from the starter model's training) segmented whole by the starter model over its
    // HU images, liver window; the truth outlined, the prediction filled; a length; the cursor on the liver.
    await page.getByRole('tab', { name: 'View' }).click();
    const viewer = page.getByRole('region', { name: 'Viewer' });
    const viewport = viewer.getByTestId('viewer-viewport');
    await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: '3Dircadb1.1' });
    await viewer.getByLabel('Images').selectOption('files');
    await viewer.getByTestId('viewer-body').and(page.locator('[data-kind=hu]')).waitFor();
    const starter = await viewer.locator('select[aria-label=Model] option[data-source=starter]').getAttribute('value');
    await viewer.getByLabel('Model').selectOption(starter!);
    await viewer.getByRole('button', { name: 'Segment this patient' }).click();
    await viewer.getByTestId('patient-metrics').waitFor();
    await viewport.focus();
    await page.keyboard.press('3');
    await page.keyboard.press('l');
    await drag(page, viewport, [0.22, 0.42], [0.47, 0.42]);
    const box = (await viewport.boundingBox())!;
    await page.mouse.move(box.x + 0.33 * box.width, box.y + 0.55 * box.height);
    await shot(page, '4-viewer');

    await viewport.focus();
    await page.keyboard.press('d');
    await shot(page, '5-difference');
    await page.keyboard.press('d');

    await viewer.getByLabel('Layout').selectOption('mpr');
    await page.getByTestId('mpr-sagittal').waitFor();
    await page.waitForTimeout(2000);
    await shot(page, '6-mpr');

    // The ellipse ROI in the liver: mean ± SD in HU.
    await viewer.getByLabel('Layout').selectOption('stack');
    await viewport.focus();
    await page.keyboard.press('e');
    // Cornerstone's ellipse is drawn from its centre outwards: a small one inside the liver.
    await drag(page, viewport, [0.37, 0.38], [0.42, 0.43]);
    await page.mouse.move(box.x + 0.33 * box.width, box.y + 0.55 * box.height);
    await shot(page, '7-hu-reading');
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
