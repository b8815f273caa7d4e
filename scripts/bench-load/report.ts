// What the load bench prints and writes: a table of its runs' phases, and bench-results/load.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from './run';
import { epochs, root, round, size, slicesPerPatient, train } from './settings';

export function table(results: RunResult[]): string {
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

export function writeReport(results: RunResult[], loadBefore: number[]) {
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
