// Preprocessing-speed benchmark: slices/s for one real patient (3Dircadb1.17, 119 slices) through
// (a) the Node core single-threaded, as the CLI runs it (Node zlib inflating), from the zips and from
// the unzipped files the Python reference reads; (b) the browser app in Chromium, driven like a user
// (folder input → "Preprocess and cache" → "Done"), from the zips to IndexedDB, split by the worker's
// own step times; (c) the Python reference (shared/tools/seed_pipeline.py) on the unzipped files.
// Ratios are medians measured in the same run. Prints a table, writes bench-results/preprocess.json.
//
// usage: npx tsx scripts/bench-preprocess.ts [--runs 5] [--patient 3Dircadb1.17] [--no-browser]
//          [--no-python] [--no-build]   (--no-build reuses .e2e-dist/bench)
import { CHROMIUM_ARGS } from './chromium';
import { startPreview } from './previewServer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { collectNodeSources } from '../src/node/nodeSources';
import { nodeCrc32, nodeInflateRaw } from '../src/node/nodeInflate';
import { loadClaheKernel } from '../src/pipeline/claheKernel';
import { setInflateRaw } from '../src/archive/inflate';
import type { SourceFile } from '../src/common/types';
import { DEFAULT_PIPELINE_PARAMS } from '../src/pipeline/params';
import { runPreprocessJob } from '../src/jobs/preprocess/wholePatient';
import type { StepTimes } from '../src/jobs/preprocess/types';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const sharedData = resolve(root, '../shared/data');
const seedPipeline = resolve(root, '../shared/tools/seed_pipeline.py');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const runs = Number(option('runs', '5'));
const patient = option('patient', '3Dircadb1.17');
const patientDir = join(sharedData, patient);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = CHROMIUM_ARGS;

interface Timed {
  wallMs: number;
  times?: StepTimes;
}

interface Row {
  path: string;
  runs: number;
  slices: number;
  medianMs: number;
  slicesPerSecond: number;
  /** Medians of the per-step times (ms), where the path reports them. */
  steps?: Partial<Record<'hashMs' | 'readMs' | 'windowMs' | 'claheMs' | 'storeMs' | 'otherMs', number>>;
  allMs: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * `parallel`: the step times are summed over several workers running at once (the browser's split
 * patient), so they do not add up to the wall time and no "other" is derived from them.
 */
function row(path: string, slices: number, timed: Timed[], parallel = false): Row {
  const wall = timed.map((t) => t.wallMs);
  const m = median(wall);
  const r: Row = { path, runs: timed.length, slices, medianMs: round(m), slicesPerSecond: round((slices / m) * 1000), allMs: wall.map((x) => round(x)) };
  if (timed.every((t) => t.times)) {
    const step = (k: keyof StepTimes) => round(median(timed.map((t) => t.times![k])));
    r.steps = { hashMs: step('hashMs'), readMs: step('readMs'), windowMs: step('windowMs'), claheMs: step('claheMs'), storeMs: step('storeMs') };
    const accounted = timed.map((t) => t.wallMs - (t.times!.hashMs + t.times!.readMs + t.times!.windowMs + t.times!.claheMs + t.times!.storeMs));
    if (!parallel) r.steps.otherMs = round(median(accounted));
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Node: the CLI's core, one thread

async function nodeRun(dir: string): Promise<Timed & { slices: number }> {
  const drop = await collectNodeSources([dir]);
  const t0 = performance.now();
  const outcome = await runPreprocessJob(null, { patient, sources: drop.sources as SourceFile[], params: DEFAULT_PIPELINE_PARAMS, spacing: null });
  const wallMs = performance.now() - t0;
  if (!outcome.ok) throw new Error(`node preprocessing failed: ${outcome.problem.message}`);
  return { wallMs, times: outcome.times, slices: outcome.meta.sliceCount };
}

async function benchNode(dir: string, label: string): Promise<Row> {
  setInflateRaw(nodeInflateRaw, nodeCrc32); // as the CLI runs: Node's zlib (and its CRC-32) for whole entries
  await loadClaheKernel(); // and CLAHE in the WASM kernel
  await nodeRun(dir); // warm-up: JIT, page cache
  const timed: Timed[] = [];
  let slices = 0;
  for (let i = 0; i < runs; i++) {
    const r = await nodeRun(dir);
    slices = r.slices;
    timed.push(r);
  }
  return row(label, slices, timed);
}

// ---------------------------------------------------------------------------------------------
// Python reference

function pythonAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import cv2, pydicom'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function benchPython(dir: string): Row {
  const timed: Timed[] = [];
  let slices = 0;
  for (let i = 0; i < runs + 1; i++) {
    const out = execFileSync('/usr/bin/python3', [seedPipeline, dir], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { seconds: number; slices: number };
    slices = r.slices;
    if (i > 0) timed.push({ wallMs: r.seconds * 1000 }); // the first run warms the page cache
  }
  return row('python reference (unzipped, 1 thread, in-script timer)', slices, timed);
}

// ---------------------------------------------------------------------------------------------
// Browser: the built app, driven like a user

async function benchBrowser(): Promise<{ preprocess: Row; scan: Row; dropToCached: Row; indexedDbBytes: number | null }> {
  const outDir = '.e2e-dist/bench';
  if (!flag('no-build') || !existsSync(join(root, outDir, 'index.html'))) {
    console.error('… vite build --outDir .e2e-dist/bench');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  }
  const server = await startPreview(root, ['--outDir', outDir]);
  const url = server.url;
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const timed: Timed[] = [];
      const scans: Timed[] = [];
      const endToEnd: Timed[] = [];
      let slices = 0;
      let indexedDbBytes: number | null = null;
      for (let i = 0; i < runs + 1; i++) {
        // Fresh IndexedDB: nothing cached. Service workers blocked: in a fresh profile the app's service
        // worker would precache the whole app (~20 MB) during the timed scan — a first visit's cost, not ingest's.
        const context = await browser.newContext({ serviceWorkers: 'block' });
        const page = await context.newPage();
        page.on('pageerror', (err) => console.error(`[pageerror] ${err.message}`));
        await page.goto(url);
        await page.getByTestId('folder-input').waitFor({ state: 'attached' });
        const s0 = Date.now();
        await page.getByTestId('folder-input').setInputFiles(patientDir);
        await page.getByTestId('patient-row').first().waitFor({ timeout: 120_000 });
        const uploadAndScanMs = Date.now() - s0;
        // The app's own time from the drop to the patient list: Playwright's copying of the files into
        // the page (which a user's drop does not do) is not in it.
        const scanMs = Number(await page.getByTestId('scan-status').getAttribute('data-scan-ms'));
        const button = page.getByRole('button', { name: /Preprocess and cache 1 patient/ });
        await button.waitFor();
        const t0 = Date.now();
        await button.click();
        await page.getByTestId('preprocess-status').filter({ hasText: 'Done' }).waitFor({ timeout: 180_000 });
        const playwrightMs = Date.now() - t0;
        // The app's own time from the click to "Done" (the run's start and finish in the page):
        // Playwright notices the text 150-500 ms late (its polling), which is not the app's time.
        const wallMs = Number(await page.getByTestId('preprocess-run').getAttribute('data-run-ms'));
        const raw = await page.getByTestId('preprocess-patient').getAttribute('data-times');
        const times = JSON.parse(raw ?? 'null') as StepTimes | null;
        if (!times) throw new Error('the UI exposes no data-times on [data-testid=preprocess-patient]');
        slices = Number(await page.getByTestId('patient-row').first().getByTestId('slices').innerText());
        // What the cached patient costs on disk (this profile holds nothing else in IndexedDB).
        indexedDbBytes = await page.evaluate(async () => ((await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } }).usageDetails?.indexedDB ?? null);
        console.error(`  browser run ${i}: scan ${scanMs} ms (${uploadAndScanMs} ms with Playwright's upload), preprocess ${wallMs} ms (${playwrightMs} ms as Playwright saw it) ${raw}`);
        if (i > 0) {
          // The first run pays for compiling the app's code and starting the workers: a warm-up.
          timed.push({ wallMs, times });
          scans.push({ wallMs: scanMs });
          endToEnd.push({ wallMs: scanMs + wallMs });
        }
        await context.close();
      }
      return {
        preprocess: row('browser worker pool (zips → IndexedDB, end to end, in the app; steps summed over its workers)', slices, timed, true),
        scan: row('browser drop → patient list (scan, in the app)', slices, scans),
        dropToCached: row('browser drop → cached (scan + preprocess)', slices, endToEnd),
        indexedDbBytes,
      };
    } finally {
      await browser.close();
    }
  } finally {
    server.stop();
  }
}

// ---------------------------------------------------------------------------------------------

function unzipTo(dir: string): string {
  const target = join(mkdtempSync(join(tmpdir(), 'liverlab-bench-')), patient);
  mkdirSync(target, { recursive: true });
  for (const zip of readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.zip'))) {
    execFileSync('unzip', ['-q', '-o', join(dir, zip), '-d', target]);
  }
  return target;
}

async function main() {
  const load = loadavg().map((x) => round(x, 2));
  console.error(`load average before: ${load.join(', ')} (${patient}, ${runs} timed runs per path)`);
  const unzipped = unzipTo(patientDir);
  const rows: Row[] = [];
  let reference: Row | null = null;
  let browserScan: Row | null = null;
  let indexedDbMiB: number | null = null;
  try {
    console.error('… node from the zips');
    const nodeZips = await benchNode(patientDir, 'node core, 1 thread (zips, Node zlib)');
    rows.push(nodeZips);
    console.error('… node from unzipped files');
    rows.push(await benchNode(unzipped, 'node core, 1 thread (unzipped files)'));
    if (!flag('no-python') && pythonAvailable()) {
      console.error('… python reference');
      reference = benchPython(unzipped);
      rows.push(reference);
    } else if (!flag('no-python')) console.error('/usr/bin/python3 cannot import cv2, pydicom: no reference figures');
    if (!flag('no-browser')) {
      console.error('… browser');
      const b = await benchBrowser();
      rows.push(b.preprocess);
      browserScan = b.scan;
      rows.push(b.scan);
      rows.push(b.dropToCached);
      if (b.indexedDbBytes !== null) indexedDbMiB = round(b.indexedDbBytes / 2 ** 20, 1);
    }
  } finally {
    rmSync(dirname(unzipped), { recursive: true, force: true });
  }
  const loadAfter = loadavg().map((x) => round(x, 2));

  console.table(
    rows.map((r) => ({
      path: r.path,
      'median ms': r.medianMs,
      'slices/s': r.slicesPerSecond,
      hash: r.steps?.hashMs ?? '–',
      'read+unzip': r.steps?.readMs ?? '–',
      'HU/window': r.steps?.windowMs ?? '–',
      CLAHE: r.steps?.claheMs ?? '–',
      store: r.steps?.storeMs ?? '–',
      other: r.steps?.otherMs ?? '–',
      'vs reference': reference ? `${round(r.slicesPerSecond / reference.slicesPerSecond, 2)}×` : '–',
    })),
  );
  const ratios: Record<string, number> = {};
  if (reference) {
    const browser = rows.find((r) => r.path.startsWith('browser worker pool'));
    if (browser) ratios.browserOverReference = round(browser.slicesPerSecond / reference.slicesPerSecond, 2);
    const dropToCached = rows.find((r) => r.path.startsWith('browser drop → cached'));
    if (dropToCached) ratios.browserDropToCachedOverReference = round(dropToCached.slicesPerSecond / reference.slicesPerSecond, 2);
    ratios.nodeZipsOverReference = round(rows[0].slicesPerSecond / reference.slicesPerSecond, 2);
    ratios.nodeUnzippedOverReference = round(rows[1].slicesPerSecond / reference.slicesPerSecond, 2);
    if (browser) console.log(`browser pool / reference: ${ratios.browserOverReference}× (target ≥ 2×)`);
    if (dropToCached) console.log(`browser drop → cached / reference: ${ratios.browserDropToCachedOverReference}×`);
    console.log(`node CLI core (zips) / reference: ${ratios.nodeZipsOverReference}× (target ≥ 1×)`);
    console.log(`node CLI core (unzipped) / reference: ${ratios.nodeUnzippedOverReference}×`);
  }
  if (browserScan) console.log(`browser drop → patient list: ${browserScan.medianMs} ms (median)`);
  if (indexedDbMiB !== null) console.log(`IndexedDB after caching ${patient}: ${indexedDbMiB} MiB`);
  console.log(`load average before: ${load.join(', ')}; after: ${loadAfter.join(', ')}`);

  const outFile = resolve(root, 'bench-results/preprocess.json');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({ patient, runs, loadAverage: { before: load, after: loadAfter }, rows, ratios, indexedDbMiB, at: new Date().toISOString() }, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
}

await main();
