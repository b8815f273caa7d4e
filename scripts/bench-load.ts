// Load benchmark (issue 7 §5): a synthetic dataset the size of the reference's — 20 patients at 512²,
// ~140 slices each (≈ 2 800 slices) — written as real DICOM files in the 3D-IRCADb-01 layout (the
// deterministic phantom, src/phantom), then driven in the built app like a user: drop the folder root,
// "Preprocess and cache" all patients, train one epoch (Laptop preset: 128², base 8). Reports, per
// phase: wall time, peak JS heap of the page (CDP Performance.getMetrics, sampled) and of its workers
// (where Chromium exposes `performance.memory` to them), peak memory of the whole browser (PSS of every
// Chromium process, from /proc), IndexedDB size (navigator.storage.estimate), and the longest
// main-thread task (a 'longtask' PerformanceObserver installed before the app loads) — at the drop split
// into the task that delivers the picked folder (Chromium making thousands of File objects before the
// input's change event, then the app's handler) and the longest of the others (the app's). Running it at
// two patient counts shows whether memory grows with the dataset (it should not: streaming, no
// whole-dataset copies). A benchmark: it prints figures and asserts nothing about time.
// Writes bench-results/load.json and prints a table.
//
// usage: npx tsx scripts/bench-load.ts [--patients 20[,5]] [--slices 140] [--size 512] [--epochs 1]
//          [--no-train] [--no-build] [--data-only]
//   The dataset is written once to $TMPDIR/liverlab-load-<size>-<slices>/ and reused (same seed, same bytes).
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { startPreview } from './previewServer';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { generatePhantomPatient } from '../src/phantom/phantom';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const patientCounts = option('patients', '20').split(',').map(Number);
const slicesPerPatient = Number(option('slices', '140'));
const size = Number(option('size', '512'));
const epochs = Number(option('epochs', '1'));
const train = !flag('no-train');
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const MiB = (b: number | null) => (b === null ? null : round(b / 2 ** 20));

// ---------------------------------------------------------------------------------------------
// The dataset on disk

/** Writes (once) `count` phantom patients as `3Dircadb1.K/{PATIENT_DICOM,MASKS_DICOM/<organ>}/image_N`. */
function syntheticDataset(count: number): { root: string; files: number; bytes: number } {
  const dir = join(tmpdir(), `liverlab-load-${size}-${slicesPerPatient}`);
  let files = 0;
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const name = `3Dircadb1.${i}`;
    const done = join(dir, `.${name}.done`);
    if (existsSync(done)) {
      const [f, b] = readFileSync(done, 'utf8').split(' ').map(Number);
      files += f;
      bytes += b;
      continue;
    }
    const t0 = Date.now();
    const p = generatePhantomPatient({ name, size, slices: slicesPerPatient, seed: 7000 + i });
    let b = 0;
    for (const f of p.files) {
      mkdirSync(join(dir, dirname(f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.bytes);
      b += f.bytes.length;
    }
    writeFileSync(done, `${p.files.length} ${b}`);
    files += p.files.length;
    bytes += b;
    log(`wrote ${name}: ${p.files.length} DICOM files, ${MiB(b)} MiB, liver slices ${p.liverRange?.join('–')} (${Date.now() - t0} ms)`);
  }
  // Only the first `count` patients are dropped: a folder holding exactly them, hard links to the files
  // (a file input does not follow symbolic links to folders).
  const view = join(dir, `view-${count}`); // not hidden: the app skips dot-folders, as it should
  if (!existsSync(`${view}.complete`)) {
    rmSync(view, { recursive: true, force: true });
    const link = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const e of readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) link(join(from, e.name), join(to, e.name));
        else linkSync(join(from, e.name), join(to, e.name));
      }
    };
    for (let i = 1; i <= count; i++) link(join(dir, `3Dircadb1.${i}`), join(view, `3Dircadb1.${i}`));
    writeFileSync(`${view}.complete`, '');
  }
  return { root: view, files, bytes };
}

// ---------------------------------------------------------------------------------------------
// The app, built and served

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * Installed before the app's scripts: every main-thread task over 50 ms, with its start time; and when
 * each `change` event of a file input started (the task that delivers a picked folder's FileList is
 * mostly Chromium building the File objects, before the app's handler runs).
 */
function installLongTaskObserver() {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __changes: number[] };
  w.__longTasks = [];
  w.__changes = [];
  window.addEventListener('change', () => w.__changes.push(performance.now()), true);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Proportional set size (bytes) of every process of the browser started with `profile`. */
function browserPss(profile: string): number | null {
  return browserPssByProcess(profile)?.total ?? null;
}

/** PSS of the browser's processes in bytes: in all, and by kind (`browser`, or Chromium's `--type=`: renderer, gpu-process, utility…). */
function browserPssByProcess(profile: string): { total: number; byKind: Record<string, number> } | null {
  try {
    const stat = new Map<number, number>();
    let rootPid = -1;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const s = readFileSync(`/proc/${name}/stat`, 'utf8');
        stat.set(Number(name), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
        if (rootPid < 0 && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) {
          const ppid = stat.get(Number(name))!;
          // The browser process is the one whose parent is not itself a Chromium of this profile.
          if (!readFileSync(`/proc/${ppid}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) rootPid = Number(name);
        }
      } catch {
        /* gone */
      }
    }
    if (rootPid < 0) return null;
    const tree = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of stat)
        if (!tree.has(pid) && tree.has(ppid)) {
          tree.add(pid);
          grew = true;
        }
    }
    let total = 0;
    const byKind: Record<string, number> = {};
    for (const pid of tree) {
      try {
        const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        if (!m) continue;
        const kind = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? (pid === rootPid ? 'browser' : 'other');
        total += Number(m[1]) * 1024;
        byKind[kind] = (byKind[kind] ?? 0) + Number(m[1]) * 1024;
      } catch {
        /* gone */
      }
    }
    return { total, byKind };
  } catch {
    return null;
  }
}

interface Peaks {
  pageHeapUsed: number;
  pageHeapTotal: number;
  workerHeapUsed: number | null;
  browserPss: number | null;
  /** The browser's PSS by process kind when it was at its peak. */
  browserPssByKind: Record<string, number> | null;
  samples: number;
}

/** Samples the page's heap (CDP), the workers' heaps and the browser's PSS every `everyMs` until stopped. */
function sampler(cdp: CDPSession, page: Page, profile: string, everyMs = 1000) {
  const peaks: Peaks = { pageHeapUsed: 0, pageHeapTotal: 0, workerHeapUsed: null, browserPss: null, browserPssByKind: null, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      try {
        const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
        const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
        peaks.pageHeapUsed = Math.max(peaks.pageHeapUsed, get('JSHeapUsedSize'));
        peaks.pageHeapTotal = Math.max(peaks.pageHeapTotal, get('JSHeapTotalSize'));
      } catch {
        /* page busy or navigating */
      }
      let workers = 0;
      let reachable = false;
      for (const w of page.workers()) {
        const used = await Promise.race([
          w.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null).catch(() => null),
          new Promise<null>((r) => setTimeout(() => r(null), 500)),
        ]);
        if (used !== null) {
          reachable = true;
          workers += used;
        }
      }
      if (reachable) peaks.workerHeapUsed = Math.max(peaks.workerHeapUsed ?? 0, workers);
      const pss = browserPssByProcess(profile);
      if (pss !== null && pss.total > (peaks.browserPss ?? 0)) {
        peaks.browserPss = pss.total;
        peaks.browserPssByKind = pss.byKind;
      }
      peaks.samples++;
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t0))));
    }
  })();
  return {
    async stop(): Promise<Peaks> {
      running = false;
      await loop;
      return { ...peaks };
    },
  };
}

async function storage(page: Page): Promise<{ usage: number; indexedDB: number | null; caches: number | null }> {
  return page.evaluate(async () => {
    const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
    return { usage: e.usage ?? 0, indexedDB: e.usageDetails?.indexedDB ?? null, caches: e.usageDetails?.caches ?? null };
  });
}

interface TaskFigures {
  longestMs: number;
  over200: number;
  count: number;
  /** The long task in which a file input's `change` event fired, if any: its length and how much of it came before the event. */
  pickerTask: { ms: number; beforeChangeMs: number } | null;
  /** The longest task other than that one. */
  longestOtherMs: number;
}

async function longestTask(page: Page, from: number, to: number): Promise<TaskFigures> {
  return page.evaluate(
    ([a, b]) => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __changes: number[] };
      const tasks = w.__longTasks.filter((t) => t.start >= a && t.start <= b);
      const picker = tasks.find((t) => w.__changes.some((c) => c >= t.start && c <= t.start + t.duration));
      const change = picker ? w.__changes.find((c) => c >= picker.start && c <= picker.start + picker.duration)! : 0;
      const others = tasks.filter((t) => t !== picker);
      return {
        longestMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))),
        over200: tasks.filter((t) => t.duration > 200).length,
        count: tasks.length,
        pickerTask: picker ? { ms: Math.round(picker.duration), beforeChangeMs: Math.round(change - picker.start) } : null,
        longestOtherMs: Math.round(Math.max(0, ...others.map((t) => t.duration))),
      };
    },
    [from, to] as const,
  );
}

const now = (page: Page) => page.evaluate(() => performance.now());

// ---------------------------------------------------------------------------------------------

interface PhaseResult {
  wallMs: number;
  peakPageHeapMiB: number;
  peakPageHeapTotalMiB: number;
  peakWorkersHeapMiB: number | null;
  /** The browser's PSS when the phase began, and at its peak in the phase (in all, and by process kind). */
  startBrowserPssMiB: number | null;
  peakBrowserPssMiB: number | null;
  peakBrowserPssByKindMiB: Record<string, number> | null;
  longestTaskMs: number;
  /** The task delivering a picked folder (Chromium's File objects, then the app's change handler), when there was one. */
  pickerTask: { ms: number; beforeChangeMs: number } | null;
  /** The longest task other than the picker's: all the app's own. */
  longestOtherTaskMs: number;
  longTasks: number;
  longTasksOver200ms: number;
}

interface RunResult {
  patients: number;
  slicesOnDisk: number;
  dicomFiles: number;
  datasetMiB: number;
  keptSlices: number | null;
  phases: Record<string, PhaseResult>;
  indexedDbMiB: number | null;
  storageUsageMiB: number;
  cacheStorageMiB: number | null;
  trainSteps: number | null;
  backend: string | null;
  loadAverage: number[];
}

async function phase(page: Page, cdp: CDPSession, profile: string, name: string, body: () => Promise<void>): Promise<PhaseResult> {
  const startPss = browserPss(profile);
  const s = sampler(cdp, page, profile);
  const p0 = await now(page);
  const t0 = Date.now();
  let peaks: Peaks;
  try {
    await body();
  } finally {
    peaks = await s.stop();
  }
  const wallMs = Date.now() - t0;
  const tasks = await longestTask(page, p0, await now(page));
  const r: PhaseResult = {
    wallMs,
    peakPageHeapMiB: MiB(peaks.pageHeapUsed)!,
    peakPageHeapTotalMiB: MiB(peaks.pageHeapTotal)!,
    peakWorkersHeapMiB: MiB(peaks.workerHeapUsed),
    startBrowserPssMiB: MiB(startPss),
    peakBrowserPssMiB: MiB(peaks.browserPss),
    peakBrowserPssByKindMiB: peaks.browserPssByKind && Object.fromEntries(Object.entries(peaks.browserPssByKind).map(([k, v]) => [k, MiB(v)!])),
    longestTaskMs: tasks.longestMs,
    pickerTask: tasks.pickerTask,
    longestOtherTaskMs: tasks.longestOtherMs,
    longTasks: tasks.count,
    longTasksOver200ms: tasks.over200,
  };
  log(`${name}: ${JSON.stringify(r)}`);
  return r;
}

async function runOnce(url: string, count: number): Promise<RunResult> {
  const data = syntheticDataset(count);
  log(`dataset: ${count} patients × ${slicesPerPatient} slices at ${size}², ${data.files} files, ${MiB(data.bytes)} MiB in ${data.root}`);
  // A real (persistent) profile on disk, as a user's browser: IndexedDB on disk with the disk's quota.
  const profile = mkdtempSync(join(tmpdir(), 'liverlab-load-profile-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    await context.addInitScript(installLongTaskObserver);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => log(`[pageerror] ${err.message}`));
    const foreign: string[] = [];
    context.on('request', (r) => {
      if (/^https?:/.test(r.url()) && new URL(r.url()).origin !== new URL(url).origin) foreign.push(r.url());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    const phases: Record<string, PhaseResult> = {};

    phases.scan = await phase(page, cdp, profile, 'scan (drop → patient list)', async () => {
      await page.getByTestId('folder-input').setInputFiles(data.root);
      await page.getByTestId('patient-row').nth(count - 1).waitFor({ timeout: 3_600_000 });
    });
    phases.preprocess = await phase(page, cdp, profile, 'preprocess & cache', async () => {
      await page.getByRole('button', { name: new RegExp(`Preprocess and cache ${count} patients?`) }).click();
      const status = page.getByTestId('preprocess-status');
      const until = Date.now() + 6 * 3_600_000;
      let lastLog = Date.now();
      while (!/Done|Failed|Cancelled/i.test((await status.textContent().catch(() => '')) ?? '')) {
        if (Date.now() > until) throw new Error('preprocessing did not finish in 6 h');
        await page.waitForTimeout(5000);
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          const done = await page.locator('[data-testid=preprocess-patient][data-stage=done]').count();
          log(`  preprocess: ${done}/${count} patients done`);
        }
      }
      const failed = await page.locator('[data-testid=preprocess-patient][data-stage=failed]').count();
      if (failed) throw new Error(`${failed} patients failed to preprocess: ${await status.textContent()}`);
    });
    const afterCache = await storage(page);
    const keptSlices = await page.evaluate(
      () =>
        new Promise<number>((ok, fail) => {
          const o = indexedDB.open('liverlab');
          o.onsuccess = () => {
            // A record is a run of `count` slices (or one slice, in caches written before runs).
            let n = 0;
            const r = o.result.transaction('slices').objectStore('slices').openCursor();
            r.onsuccess = () => {
              const c = r.result;
              if (!c) return ok(n);
              n += (c.value as { count?: number }).count ?? 1;
              c.continue();
            };
            r.onerror = () => fail(r.error);
          };
          o.onerror = () => fail(o.error);
        }),
    );

    let trainSteps: number | null = null;
    let backend: string | null = null;
    if (train) {
      phases.train = await phase(page, cdp, profile, `train ${epochs} epoch(s), Laptop preset`, async () => {
        await page.getByRole('tab', { name: 'Train' }).click();
        await page.getByLabel('Preset').selectOption('laptop');
        await page.getByLabel('Epochs').fill(String(epochs));
        await page.getByRole('button', { name: 'Start training' }).click();
        const status = page.getByTestId('run-status');
        const until = Date.now() + 12 * 3_600_000;
        let lastLog = 0;
        while (!/finished|failed|stopped/.test((await status.textContent().catch(() => '')) ?? '')) {
          if (Date.now() > until) throw new Error('training did not finish in 12 h');
          await page.waitForTimeout(2000);
          if (Date.now() - lastLog > 30_000) {
            lastLog = Date.now();
            const stats = await page.locator('.live-run .stats').textContent().catch(() => '');
            log(`  train: ${await page.getByTestId('epoch-progress').textContent().catch(() => '?')}; ${stats}`);
          }
        }
        if ((await status.textContent()) !== 'finished') throw new Error(`training ended ${await status.textContent()}: ${await page.getByTestId('run-message').textContent().catch(() => '')}`);
        backend = await page.getByTestId('backend').textContent();
        trainSteps = await page.evaluate(
          () =>
            new Promise<number | null>((ok) => {
              const o = indexedDB.open('liverlab');
              o.onsuccess = () => {
                const r = o.result.transaction('runs').objectStore('runs').getAll();
                r.onsuccess = () => {
                  const last = (r.result as { state?: { steps?: { step: number }[] } }[])[0]?.state?.steps?.at(-1);
                  ok(last ? last.step + 1 : null);
                };
                r.onerror = () => ok(null);
              };
              o.onerror = () => ok(null);
            }),
        );
      });
    }
    const end = await storage(page);
    if (foreign.length) throw new Error(`requests to other origins: ${foreign.join(', ')}`);
    return {
      patients: count,
      slicesOnDisk: count * slicesPerPatient,
      dicomFiles: data.files,
      datasetMiB: MiB(data.bytes)!,
      keptSlices,
      phases,
      indexedDbMiB: MiB(afterCache.indexedDB ?? null),
      storageUsageMiB: MiB(end.usage)!,
      cacheStorageMiB: MiB(end.caches ?? null),
      trainSteps,
      backend,
      loadAverage: loadavg().map((x) => round(x, 2)),
    };
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

function table(results: RunResult[]): string {
  const lines = [
    '| patients | kept slices | phase | wall | peak page heap (used/total) | peak workers heap | browser PSS at start → peak | longest main-thread task | of which the picker\'s (before its change event) | longest other | long tasks (>200 ms) |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results)
    for (const [name, p] of Object.entries(r.phases))
      lines.push(
        `| ${r.patients} | ${r.keptSlices ?? '?'} | ${name} | ${round(p.wallMs / 1000)} s | ${p.peakPageHeapMiB} / ${p.peakPageHeapTotalMiB} MiB | ${p.peakWorkersHeapMiB ?? 'n/a'} MiB | ${p.startBrowserPssMiB ?? 'n/a'} → ${p.peakBrowserPssMiB ?? 'n/a'} MiB | ${p.longestTaskMs} ms | ${p.pickerTask ? `${p.pickerTask.ms} ms (${p.pickerTask.beforeChangeMs} ms)` : '—'} | ${p.longestOtherTaskMs} ms | ${p.longTasks} (${p.longTasksOver200ms}) |`,
      );
  lines.push('', '| patients | DICOM on disk | IndexedDB after caching | all storage at the end (incl. service-worker cache) | train steps | backend |', '|---:|---:|---:|---:|---:|---|');
  for (const r of results)
    lines.push(`| ${r.patients} | ${r.dicomFiles} files, ${r.datasetMiB} MiB | ${r.indexedDbMiB ?? '?'} MiB | ${r.storageUsageMiB} MiB (cache ${r.cacheStorageMiB ?? '?'} MiB) | ${r.trainSteps ?? '—'} | ${r.backend ?? '—'} |`);
  return lines.join('\n');
}

function writeReport(results: RunResult[], loadBefore: number[]) {
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((x) => round(x, 2)) },
    settings: { slicesPerPatient, size, epochs, preset: 'laptop (base 8, 128², batch 8)', train },
    results,
  };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/load.json'), JSON.stringify(report, null, 2) + '\n');
  return report;
}

async function main() {
  const loadBefore = loadavg().map((x) => round(x, 2));
  log(`load average before: ${loadBefore.join(', ')}; patients ${patientCounts.join(', ')} × ${slicesPerPatient} slices at ${size}²; train ${train ? `${epochs} epoch(s)` : 'skipped'}`);
  if (flag('data-only')) {
    for (const count of patientCounts) syntheticDataset(count);
    return;
  }
  const outDir = '.e2e-dist/bench-load';
  if (!flag('no-build') || !existsSync(join(root, outDir, 'index.html'))) {
    log(`vite build --outDir ${outDir}`);
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  }
  const server = await startPreview(root, ['--outDir', outDir]);
  const url = server.url;
  const results: RunResult[] = [];
  try {
    for (const count of patientCounts) {
      results.push(await runOnce(url, count));
      writeReport(results, loadBefore); // after each run: a long run stopped later keeps what it measured
    }
  } finally {
    server.stop();
  }
  const report = writeReport(results, loadBefore);
  console.log(table(results));
  if (results.length > 1) {
    const [a, b] = [results[0], results.at(-1)!];
    const peak = (r: RunResult, k: keyof PhaseResult) => Math.max(...Object.values(r.phases).map((p) => Number(p[k] ?? 0)));
    console.log(
      `\nmemory vs patient count (${a.patients} → ${b.patients}): peak page heap ${peak(a, 'peakPageHeapMiB')} → ${peak(b, 'peakPageHeapMiB')} MiB, ` +
        `peak browser PSS ${peak(a, 'peakBrowserPssMiB')} → ${peak(b, 'peakBrowserPssMiB')} MiB, IndexedDB ${a.indexedDbMiB} → ${b.indexedDbMiB} MiB`,
    );
  }
  console.log(`load average before ${loadBefore.join(', ')}, after ${report.machine.loadAverageAfter.join(', ')}; written to bench-results/load.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
