// Store: the processed-data cache as the user sees it (datasets, storage use) and the running
// preprocessing job (per-patient progress, slices/s, time left, cancel). Work happens in workers
// (workers/preprocessClient.ts); the run's dataset record is made in jobs/preprocess/dataset.ts.
import { create } from 'zustand';
import type { PatientScan } from '../discovery/types';
import type { Problem } from '../common/types';
import type { DroppedFile } from '../common/blobSource';
import { patientSourceFiles } from '../discovery/patientSources';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../pipeline/params';
import { openCache, type CachedDataset } from '../storage/schema';
import { deleteDataset, listDatasets, renameDataset, sweepOrphans, whileIngesting } from '../storage/datasets';
import { requestPersistence, storageFigures, type StorageFigures } from '../storage/quota';
import { endPreprocessingWorkers, partsPerPatient, preprocessScannedPatient } from '../workers/preprocessClient';
import { commitPreprocessedDataset } from '../jobs/preprocess/dataset';
import type { StepTimes } from '../jobs/preprocess/types';
import { progressPacer } from './progressPacer';

/** Progress reaches the page at most this often while preprocessing (each update is a render and a frame). */
const PROGRESS_INTERVAL_MS = 250;

export interface PatientProgress {
  name: string;
  slices: number;
  stage: 'waiting' | 'hash' | 'read' | 'process' | 'store' | 'done' | 'failed' | 'cancelled';
  fraction: number;
  fromCache?: boolean;
  message?: string;
  /** Where the worker spent its time (ms), once done. */
  times?: StepTimes;
}

export interface PreprocessRun {
  running: boolean;
  startedAt: number;
  /** Last progress report (performance.now()), so the UI computes rates without reading the clock. */
  updatedAt: number;
  finishedAt: number | null;
  patients: PatientProgress[];
  datasetId: string | null;
  problems: Problem[];
  cancelled: boolean;
}

export interface CacheState {
  datasets: CachedDataset[];
  storage: StorageFigures;
  params: PipelineParams;
  run: PreprocessRun | null;
  error: string | null;
  refresh(): Promise<void>;
  setParams(p: Partial<PipelineParams>): void;
  preprocess(patients: PatientScan[], files: DroppedFile[], name?: string): Promise<void>;
  cancel(): void;
  /** Forgets a finished run's progress lines (the patient list was cleared); a running one stays. */
  clearRun(): void;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
}

export const useCacheStore = create<CacheState>((set, get) => ({
  datasets: [],
  storage: { usage: null, quota: null, persisted: null },
  params: { ...DEFAULT_PIPELINE_PARAMS },
  run: null,
  error: null,

  async refresh() {
    const db = await openCache();
    const [datasets, storage] = await Promise.all([listDatasets(db), storageFigures()]);
    set({ datasets, storage });
  },

  setParams(p) {
    set({ params: { ...get().params, ...p } });
  },

  async preprocess(patients, files, name) {
    const params = { ...get().params };
    const usable = patients.filter((p) => p.usable);
    if (usable.length === 0) return;
    const progress: PatientProgress[] = usable.map((p) => ({ name: p.name, slices: p.ct.length, stage: 'waiting', fraction: 0 }));
    const update = (i: number, patch: Partial<PatientProgress>) => {
      const run = get().run;
      if (!run) return;
      const list = run.patients.slice();
      list[i] = { ...list[i], ...patch };
      set({ run: { ...run, patients: list, updatedAt: performance.now() } });
    };
    // Progress arrives from workers on its own message channel and may land after the outcome:
    // a late 'process' must not turn a patient that is already done or failed back into a running one.
    // Reports are applied a few times a second, not as they come (progressPacer.ts).
    const startedAt = performance.now();
    const pacer = progressPacer<number, Pick<PatientProgress, 'stage' | 'fraction'>>((pending) => {
      const run = get().run;
      if (run?.startedAt !== startedAt) return; // a later run's, after a cancel
      const list = run.patients.slice();
      for (const [i, patch] of pending) {
        const current = list[i]?.stage;
        if (current === 'done' || current === 'failed' || current === 'cancelled') continue;
        list[i] = { ...list[i], ...patch };
      }
      set({ run: { ...run, patients: list, updatedAt: performance.now() } });
    }, PROGRESS_INTERVAL_MS);
    const progressOf = (i: number) => (stage: PatientProgress['stage'], fraction: number) => pacer.report(i, { stage, fraction });
    set({ error: null, run: { running: true, startedAt, updatedAt: startedAt, finishedAt: null, patients: progress, datasetId: null, problems: [], cancelled: false } });
    void requestPersistence();
    const db = await openCache();
    try {
      await whileIngesting(async () => {
        // Fewer patients than workers: each patient is split so that every worker has a share.
        const maxParts = partsPerPatient(usable.length);
        const outcomes = await Promise.all(
          usable.map((p, i) =>
            preprocessScannedPatient(p, patientSourceFiles(files, p), params, maxParts, progressOf(i)).then((o) => {
              if (o.ok) update(i, { stage: 'done', fraction: 1, fromCache: o.fromCache, times: o.times });
              else update(i, { stage: 'failed', message: o.problem.message, times: o.times });
              return o;
            }),
          ),
        );
        const { datasetId, problems } = await commitPreprocessedDataset(db, outcomes, {
          params,
          name,
          existing: (id) => get().datasets.find((d) => d.id === id),
        });
        const run = get().run!;
        set({ run: { ...run, running: false, finishedAt: performance.now(), datasetId, problems } });
      });
    } catch (e) {
      const run = get().run;
      if (run?.cancelled) return;
      set({ error: e instanceof Error ? e.message : String(e), run: run ? { ...run, running: false, finishedAt: performance.now() } : null });
    } finally {
      pacer.stop();
      await sweepOrphans(db).catch(() => -1);
      await get().refresh();
      if (!get().run?.running) endPreprocessingWorkers();
    }
  },

  cancel() {
    const run = get().run;
    if (!run?.running) return;
    endPreprocessingWorkers();
    set({
      run: {
        ...run,
        running: false,
        cancelled: true,
        finishedAt: performance.now(),
        patients: run.patients.map((p) => (p.stage === 'done' || p.stage === 'failed' ? p : { ...p, stage: 'cancelled' })),
      },
    });
  },

  clearRun() {
    if (!get().run?.running) set({ run: null, error: null });
  },
  async rename(id, name) {
    await renameDataset(await openCache(), id, name);
    await get().refresh();
  },

  async remove(id) {
    await deleteDataset(await openCache(), id);
    await get().refresh();
  },
}));
