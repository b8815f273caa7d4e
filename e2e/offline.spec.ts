// Offline and installable, as a hospital without internet needs it: one visit online installs the
// service worker (scripts/offline.vite.ts), then with the network off a reload still opens the app
// from the worker's cache and the whole demo journey works: phantoms generated, preprocessed and
// cached, a tiny UNet trained on WASM (its .wasm served offline), a patient segmented, an HDF5
// export (h5wasm's WASM). And the manifest makes the app installable (Chromium's own check).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium';
import { test, expect } from './fixtures';

// This spec is about the service worker (offline cache, requests it makes): let it register.
test.use({ serviceWorkers: 'allow' });

/** Waits until the page is controlled by an activated service worker and its precache is filled. */
async function waitForOfflineCache(page: Page): Promise<{ scope: string; cached: number }> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null), { timeout: 120_000 }).toBe('activated');
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    let cached = 0;
    for (const name of await caches.keys()) cached += (await (await caches.open(name)).keys()).length;
    return { scope: reg!.scope, cached };
  });
}

/** The URLs precached by sw.js (its Workbox manifest), fetched from the live server. */
async function precacheList(context: BrowserContext, baseURL: string): Promise<string[]> {
  const sw = await (await context.request.get(`${baseURL}/sw.js`)).text();
  return [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]);
}

test('after one visit online the app loads and works offline: demo, preprocess, train on WASM, segment, export', async ({ page, context, baseURL }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  // A fresh browser context: the first page comes from the server (the build under test), never from a
  // service worker left behind by another test or an earlier build on this port.
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  await expect(page.getByRole('heading', { name: /segment the liver/i })).toBeVisible();
  const { scope, cached } = await waitForOfflineCache(page);
  expect(scope).toBe(`${baseURL}/`);
  const list = await precacheList(context, baseURL!);
  console.log(`[measure] service worker active; ${cached} responses precached (${list.length} in its manifest)`);
  expect(cached).toBe(list.length);
  // Everything the app loads at run time is in the precache: HTML, the entry bundle, every worker, every tfjs .wasm and ONNX Runtime's.
  expect(list).toContain('index.html');
  for (const w of ['scan', 'preprocess', 'train', 'augment', 'infer', 'export']) expect(list.some((u) => new RegExp(`^assets/${w}\\.worker-.*\\.js$`).test(u)), `${w} worker precached`).toBe(true);
  for (const wasm of ['tfjs-backend-wasm', 'tfjs-backend-wasm-simd', 'tfjs-backend-wasm-threaded-simd', 'ort-wasm-simd-threaded.asyncify']) expect(list.some((u) => new RegExp(`^assets/${wasm}-[\\w-]+\\.wasm$`).test(u)), `${wasm}.wasm precached`).toBe(true);
  // The starter model the app ships, so a first visit segments offline too.
  for (const f of ['starter.json', 'model.json', 'model.weights.bin']) expect(list, `models/starter/${f} precached`).toContain(`models/starter/${f}`);

  await context.setOffline(true);
  // Really offline: a same-origin URL that is not in the precache cannot be fetched.
  expect(await page.evaluate(() => fetch(`/not-precached-${Date.now()}.txt`).then(() => 'fetched', () => 'failed'))).toBe('failed');

  const fromNetwork: string[] = [];
  const track = (r: Response) => {
    if (!r.fromServiceWorker() && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) fromNetwork.push(r.url());
  };
  page.on('response', track);
  await page.reload();
  await expect(page.getByRole('heading', { name: /segment the liver/i })).toBeVisible();

  // The demo journey, offline.
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);

  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByLabel('Base filters').fill('4');
  await page.getByLabel('Input size (px)').fill('64');
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Phantom.2 role').selectOption('skip');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('backend')).toHaveText('Training on WASM', { timeout: 120_000 });
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 300_000 });

  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: 'Phantom.3' });
  await expect(viewer.getByTestId('viewer-viewport').locator('canvas').first()).toBeVisible();
  await expect(viewer.getByLabel('Model')).not.toHaveValue('');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('patient-metrics')).toBeVisible({ timeout: 120_000 });
  const timing = await viewer.getByTestId('inference-timing').textContent();
  console.log(`[measure] offline: segmented Phantom.3, ${timing}`);
  expect(timing).toMatch(/ms per slice on (WASM|CPU|WEBGL|WEBGPU)/);

  // HDF5 export runs h5wasm in the export worker: its WASM too must come from the cache.
  await page.getByRole('tab', { name: 'Data' }).click();
  const download = page.waitForEvent('download');
  await page.getByTestId('dataset-row').first().getByRole('button', { name: 'Export HDF5' }).click();
  const h5 = await (await download).createReadStream();
  const head = await new Promise<Buffer>((ok, fail) => {
    h5.once('data', (c) => ok(Buffer.from(c as Buffer)));
    h5.once('error', fail);
  });
  h5.destroy();
  expect(head.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));

  // Nothing of the app came from the network while offline (it could not have), everything from the worker.
  expect(fromNetwork).toEqual([]);
  // The service worker keeps its files in Cache Storage only: IndexedDB holds the app's own database alone.
  expect((await page.evaluate(() => indexedDB.databases())).map((d) => d.name)).toEqual(['liverlab']);
  await context.setOffline(false);
});

test('installable: the manifest is served and valid, its icons are real PNGs of the stated sizes, Chromium finds no installability error', async ({ page, context, baseURL }) => {
  await page.goto('/');
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const res = await context.request.get(`${baseURL}${href}`);
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest).toMatchObject({ name: expect.stringContaining('LiverLab'), short_name: 'LiverLab', start_url: '/', scope: '/', display: 'standalone' });
  const icons = manifest.icons as { src: string; sizes: string; type: string; purpose?: string }[];
  expect(icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of icons) {
    const png = await (await context.request.get(new URL(icon.src, `${baseURL}${href}`).href)).body();
    expect(png.subarray(1, 4).toString(), icon.src).toBe('PNG');
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    expect(icon.type).toBe('image/png');
  }
  // Chromium's own installability checks (manifest fields, icons, service worker with a fetch handler). Playwright's
  // contexts are incognito, where nothing is installable, so this part runs in a real (persistent) profile.
  const profile = await mkdtemp(join(tmpdir(), 'liverlab-pwa-'));
  const real = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, baseURL });
  try {
    const foreign: string[] = [];
    real.on('request', (r) => {
      if (/^https?:/.test(r.url()) && new URL(r.url()).origin !== baseURL) foreign.push(r.url());
    });
    const p = real.pages()[0] ?? (await real.newPage());
    await p.goto('/');
    await waitForOfflineCache(p);
    const cdp = await real.newCDPSession(p);
    const parsed = (await cdp.send('Page.getAppManifest')) as { url: string; errors: { message: string }[] };
    expect(parsed.url).toBe(`${baseURL}/manifest.webmanifest`);
    expect(parsed.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    expect(foreign).toEqual([]);
  } finally {
    await real.close();
    await rm(profile, { recursive: true, force: true });
  }
});
