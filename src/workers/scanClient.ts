// Main-thread side of patient discovery: fans a drop out over the scan worker pool (one group of
// files per patient folder) and merges the results. Only orchestration; no parsing here.
import { proxy } from 'comlink';
import type { PatientScan, Problem } from '../dicom/types';
import type { DroppedFile } from '../dicom/blobSource';
import { WorkerPool } from './pool';
import { groupByPatient } from './scanGroups';
import type { ScanApi, DemoOptions } from './scan.worker';

let pool: WorkerPool<ScanApi> | null = null;
function scanPool(): WorkerPool<ScanApi> {
  pool ??= new WorkerPool<ScanApi>(() => new Worker(new URL('./scan.worker.ts', import.meta.url), { type: 'module', name: 'scan' }));
  return pool;
}

export async function scanDrop(
  files: DroppedFile[],
  onProgress: (done: number, total?: number) => void,
  checkOrgans?: string[],
): Promise<{ patients: PatientScan[]; problems: Problem[] }> {
  const groups = groupByPatient(files);
  const done = new Array<number>(groups.length).fill(0);
  const report = () => onProgress(done.reduce((a, b) => a + b, 0), undefined);
  const results = await Promise.all(
    groups.map((g, i) =>
      scanPool().use((api) =>
        api.scan(
          g,
          proxy((n: number) => {
            done[i] = n;
            report();
          }),
          checkOrgans,
        ),
      ),
    ),
  );
  return {
    patients: results.flatMap((r) => r.patients),
    problems: results.flatMap((r) => r.problems),
  };
}

export async function demoFiles(opts: DemoOptions): Promise<DroppedFile[]> {
  return scanPool().use((api) => api.demoFiles(opts));
}
