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
// Its parts live in scripts/bench-load/: settings (the flags), dataset, memory and longTasks (the
// measures), phase, run (one patient count), report.
import { startPreview } from './previewServer';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { syntheticDataset } from './bench-load/dataset';
import type { PhaseResult } from './bench-load/phase';
import { table, writeReport } from './bench-load/report';
import { runOnce, type RunResult } from './bench-load/run';
import { epochs, flag, log, patientCounts, root, round, size, slicesPerPatient, train } from './bench-load/settings';

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