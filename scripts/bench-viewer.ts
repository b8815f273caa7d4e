// Viewer timings for the issue note (`npm run bench:viewer` → bench-results/viewer.json): in Debian's
// Chromium with the e2e flags, on the app's production build with the demo patients cached —
// time from choosing a patient to the first CT image (stack, then MPR), the frame time while
// scrolling (key → that slice rendered, in the page), and inference ms per slice of the reference
// UNet on each tfjs backend (WASM, WebGL, WebGPU on SwiftShader, CPU) in a bench page of its own.
// Measures only; asserts nothing. The machine's load (`uptime`) is recorded with the figures.
//
// usage: npx tsx scripts/bench-viewer.ts [--no-build] [--backends wasm,webgl,webgpu,cpu] [--cap-s 180]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import type { BackendName } from '../src/model/backends';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const backends = (arg('--backends') ?? 'wasm,webgl,webgpu,cpu').split(',') as BackendName[];
const capMs = Number(arg('--cap-s') ?? 180) * 1000;
const rebuild = !process.argv.includes('--no-build');
const log = (line: string) => console.log(`[bench:viewer] ${line}`);

async function serveApp(): Promise<PreviewServer> {
  const outDir = join(root, '.e2e-dist/bench-viewer-app');
  if (rebuild) await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, strictPort: false } });
}

async function serveInferBench(): Promise<PreviewServer> {
  const benchRoot = join(root, 'scripts/bench-viewer');
  const outDir = join(root, '.e2e-dist/bench-viewer-infer');
  const config = { configFile: false as const, root: benchRoot, base: './', logLevel: 'error' as const, worker: { format: 'es' as const } };
  if (rebuild) await build({ ...config, build: { target: 'es2022', outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000 } });
  return preview({ ...config, build: { outDir }, preview: { port: 0, strictPort: false } });
}

const urlOf = (server: PreviewServer) => server.resolvedUrls!.local[0];

/** Fraction of lit pixels of the first canvas under `selector`. */
const lit = (page: Page, selector: string) =>
  page.locator(selector).locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [canvas.width, canvas.height];
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 60) n++;
    return n / (d.length / 4);
  });

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function viewerTimings(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await page.getByTestId('preprocess-status').filter({ hasText: 'Done' }).waitFor({ timeout: 180_000 });
  await page.getByRole('tab', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'Viewer' });
  let t0 = Date.now();
  await viewer.getByLabel('Patient').selectOption({ label: 'Phantom.1' });
  await until(async () => (await page.locator('[data-testid=viewer-viewport] canvas').count()) > 0 && (await lit(page, '[data-testid=viewer-viewport]')) > 0.1);
  const firstImageMs = Date.now() - t0;
  const inPageMs = Number(await page.getByTestId('viewer-canvas-host').getAttribute('data-first-image-ms'));
  const frames = await page.getByTestId('viewer-viewport').evaluate(async (el: HTMLElement) => {
    const host = el.querySelector<HTMLElement>('[data-testid=viewer-canvas-host]')!;
    const slices = Number(/\/ (\d+)/.exec(document.querySelector('[data-testid=slice-readout]')!.textContent!)![1]);
    const rendered = (target: number) =>
      new Promise<void>((done) => {
        if (host.dataset.renderedSlice === String(target)) return done();
        const watch = new MutationObserver(() => {
          if (host.dataset.renderedSlice === String(target)) {
            watch.disconnect();
            done();
          }
        });
        watch.observe(host, { attributes: true, attributeFilter: ['data-rendered-slice'] });
      });
    const times: number[] = [];
    let current = Number(host.dataset.renderedSlice);
    let step = 1;
    for (let i = 0; i < 40; i++) {
      if (current + step < 0 || current + step > slices - 1) step = -step;
      const t = performance.now();
      el.dispatchEvent(new KeyboardEvent('keydown', { key: step > 0 ? 'ArrowDown' : 'ArrowUp', bubbles: true }));
      await rendered(current + step);
      times.push(performance.now() - t);
      current += step;
    }
    return times;
  });
  t0 = Date.now();
  await viewer.getByLabel('Layout').selectOption('mpr');
  for (const view of ['axial', 'coronal', 'sagittal']) await until(async () => (await page.getByTestId(`mpr-${view}`).getAttribute('data-corners')) !== null);
  const mprFirstImageMs = Date.now() - t0;
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    patient: 'Phantom.1 (demo, cached 128²)',
    firstImageMs,
    firstImageInPageMs: inPageMs,
    scrollFrameMs: { mean: frames.reduce((a, b) => a + b, 0) / frames.length, median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], samples: frames.length },
    mprFirstImageMs,
  };
}

async function main() {
  const loadBefore = execFileSync('uptime').toString().trim();
  log(`load: ${loadBefore}`);
  const [app, bench] = [await serveApp(), await serveInferBench()];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // tsx (esbuild, keepNames) wraps named functions in __name(); functions sent to the page need it too.
    const context = await browser.newContext();
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = await context.newPage();
    const viewer = await viewerTimings(page, urlOf(app));
    log(`first image ${viewer.firstImageMs} ms (in page ${viewer.firstImageInPageMs} ms), scroll frame mean ${viewer.scrollFrameMs.mean.toFixed(1)} ms, MPR first image ${viewer.mprFirstImageMs} ms`);
    const benchPage = await context.newPage();
    await benchPage.goto(urlOf(bench));
    await benchPage.locator('#status', { hasText: 'ready' }).waitFor();
    const config = { baseFilters: 16, size: 128, slice: 128, slices: 16 };
    const inference: Record<string, unknown> = {};
    for (const backend of backends) {
      const outcome = await benchPage.evaluate((req) => window.runInferBench(req), { ...config, backend, capMs });
      inference[backend] = outcome;
      log(`inference ${backend}: ${JSON.stringify(outcome)}`);
    }
    const result = { when: new Date().toISOString(), loadBefore, loadAfter: execFileSync('uptime').toString().trim(), cpus: (await import('node:os')).cpus().length, viewer, inference: { config, backends: inference } };
    mkdirSync(join(root, 'bench-results'), { recursive: true });
    writeFileSync(join(root, 'bench-results/viewer.json'), JSON.stringify(result, null, 2) + '\n');
    log('written bench-results/viewer.json');
  } finally {
    await browser.close();
    await Promise.all([app.close(), bench.close()]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
