// Main-thread side of patient discovery: fans a drop out over the scan worker pool (one group of
// files per patient folder) and merges the results. Only orchestration; no parsing here.
//
// A drop can hold thousands of files: nothing here touches them all in one task. Once the browser has
// registered them (whenFilesRegistered), each group's Files have their snapshot (size, modification
// time) captured in short slices before the group is posted (captureFileSnapshots: otherwise the
// structured clone does it, synchronously, in one long task), the next group while the workers read
// the previous ones; progress reaches the store at most every PROGRESS_MS.
import { proxy } from 'comlink';
import type { PatientScan } from '../discovery/types';
import type { Problem } from '../common/types';
import type { DroppedFile } from '../common/blobSource';
import { WorkerPool } from './pool';
import { PatientGrouper } from '../discovery/scanGroups';
import { captureFileSnapshots, forEachSliced, whenFilesRegistered } from '../common/timeSlice';
import type { ScanApi, DemoOptions } from './scan.worker';

let pool: WorkerPool<ScanApi> | null = null;
function scanPool(): WorkerPool<ScanApi> {
  pool ??= new WorkerPool<ScanApi>(() => new Worker(new URL('./scan.worker.ts', import.meta.url), { type: 'module', name: 'scan' }));
  return pool;
}

const PROGRESS_MS = 100;

/** `onProgress(doneBytes, totalBytes)`: the total once every file's size is known (null until then). */
export async function scanDrop(
  files: DroppedFile[],
  onProgress: (done: number, total: number | null) => void,
  checkOrgans?: string[],
): Promise<{ patients: PatientScan[]; problems: Problem[] }> {
  const grouper = new PatientGrouper();
  await forEachSliced(files, (f) => grouper.add(f), { checkEvery: 256 });
  const groups = grouper.groups();
  const done = new Array<number>(groups.length).fill(0);
  let total: number | null = null;
  let last = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    pending = null;
    last = performance.now();
    onProgress(done.reduce((a, b) => a + b, 0), total);
  };
  const report = () => {
    if (pending !== null) return;
    const wait = last + PROGRESS_MS - performance.now();
    if (wait <= 0) flush();
    else pending = setTimeout(flush, wait);
  };
  // Snapshots captured one group after the other, in the order the pool takes the groups, once the
  // browser has registered the whole drop (the last file of the last group).
  let chain: Promise<number> = whenFilesRegistered(files).then(() => 0);
  const captured = groups.map((g) => (chain = chain.then(() => captureFileSnapshots(g))));
  void Promise.all(captured).then(
    (sizes) => {
      total = sizes.reduce((a, b) => a + b, 0);
      report();
    },
    () => undefined,
  );
  try {
    const results = await Promise.all(
      groups.map((g, i) =>
        scanPool().use(async (api) => {
          await captured[i];
          return api.scan(
            g,
            proxy((n: number) => {
              done[i] = n;
              report();
            }),
            checkOrgans,
          );
        }),
      ),
    );
    return {
      patients: results.flatMap((r) => r.patients),
      problems: results.flatMap((r) => r.problems),
    };
  } finally {
    if (pending !== null) clearTimeout(pending);
  }
}

export async function demoFiles(opts: DemoOptions): Promise<DroppedFile[]> {
  return scanPool().use((api) => api.demoFiles(opts));
}
