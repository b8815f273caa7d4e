// Store: training runs (past and live), the models kept for the viewer, and the controls of the
// live run. The training itself happens in a worker (workers/train.worker.ts); this store turns
// its events into state, falls back to the next backend when one fails mid-run, and resumes
// interrupted runs after a reload.
import { create } from 'zustand';
import { BACKEND_ORDER, type BackendName, type SkippedBackend } from '../model/backends';
import type { EpochRecord, StepInfo, StepRecord, TrainerSettings } from '../model/trainer';
import { emptyTrainerState, MAX_STEPS_KEPT } from '../model/trainer';
import { checkPatientSplit } from '../model/patientSplit';
import { checkTrainerSettings } from '../model/presets';
import { openCache, type RunStatus, type StoredModel, type TrainingRun } from '../storage/schema';
import { deleteModel, deleteRun, getRun, listModels, listRuns, putRun } from '../storage/runs';
import { startTrainingWorker, type TrainSession } from '../workers/trainClient';

export interface LiveRun {
  runId: string;
  name: string;
  status: RunStatus | 'starting';
  backend: BackendName | null;
  skipped: SkippedBackend[];
  message: string | null;
  settings: TrainerSettings;
  history: EpochRecord[];
  steps: StepRecord[];
  last: StepInfo | null;
  /** performance.now() of the last step report, and of the run's start in this tab. */
  updatedAt: number;
  startedAt: number;
  /** Epoch the run had reached when this tab started it (for the ETA). */
  startEpoch: number;
}

export interface StartRequest {
  name: string;
  datasetId: string;
  train: { key: string; name: string }[];
  val: { key: string; name: string }[];
  settings: TrainerSettings;
}

export interface TrainingState {
  runs: TrainingRun[];
  models: Omit<StoredModel, 'model'>[];
  live: LiveRun | null;
  backendChoice: BackendName | 'auto';
  error: string | null;
  refresh(): Promise<void>;
  setBackendChoice(b: BackendName | 'auto'): void;
  start(req: StartRequest): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  removeRun(id: string): Promise<void>;
  removeModel(id: string): Promise<void>;
}

let session: TrainSession | null = null;

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const useTrainingStore = create<TrainingState>((set, get) => {
  const patchLive = (patch: Partial<LiveRun>) => {
    const live = get().live;
    if (live) set({ live: { ...live, ...patch } });
  };

  /** Runs the stored run `runId` in a worker on `backend`, falling back down the order if it fails mid-run. */
  const runInWorker = async (run: TrainingRun, backend: BackendName | undefined): Promise<void> => {
    set({
      error: null,
      live: {
        runId: run.id, name: run.name, status: 'starting', backend: null, skipped: [], message: null, settings: run.settings,
        history: run.state.history, steps: run.state.steps, last: null, updatedAt: performance.now(), startedAt: performance.now(), startEpoch: run.state.epoch,
      },
    });
    session = startTrainingWorker(run.id, backend, {
      backend: ({ backend: b, skipped }) => patchLive({ backend: b, skipped, status: 'running' }),
      status: (message) => patchLive({ message }),
      step: (info) => {
        const live = get().live;
        if (!live) return;
        const steps = live.steps.length >= MAX_STEPS_KEPT ? [...live.steps.slice(1), info.step] : [...live.steps, info.step];
        set({ live: { ...live, steps, last: info, updatedAt: performance.now(), status: live.status === 'paused' ? 'paused' : 'running' } });
      },
      epoch: (record) => {
        const live = get().live;
        if (live) set({ live: { ...live, history: [...live.history, record] } });
        void get().refresh();
      },
    });
    const outcome = await session.done;
    session = null;
    const live = get().live;
    if (outcome.status === 'failed' && outcome.failedIn === 'training' && outcome.backend && outcome.backend !== 'cpu') {
      const next = BACKEND_ORDER[BACKEND_ORDER.indexOf(outcome.backend) + 1];
      const stored = await getRun(await openCache(), run.id);
      if (stored && next) {
        await putRun(await openCache(), { ...stored, status: 'running', message: undefined });
        const note = `${outcome.backend} failed mid-run (${outcome.message}); continuing on ${next} from the checkpoint of epoch ${stored.state.epoch}`;
        await runInWorker(stored, next);
        patchLive({ message: note });
        return;
      }
    }
    if (live) patchLive({ status: outcome.status, message: outcome.message ?? (outcome.status === 'finished' ? 'finished' : live.message) });
    await get().refresh();
  };

  return {
    runs: [],
    models: [],
    live: null,
    backendChoice: 'auto',
    error: null,

    async refresh() {
      const db = await openCache();
      const [runs, models] = await Promise.all([listRuns(db), listModels(db)]);
      set({ runs, models });
    },

    setBackendChoice(b) {
      set({ backendChoice: b });
    },

    async start(req) {
      if (session) return set({ error: 'a run is already training in this tab: stop it first' });
      const problem = checkTrainerSettings(req.settings) ?? checkPatientSplit({ train: req.train.map((p) => p.name), val: req.val.map((p) => p.name) });
      if (problem) return set({ error: problem });
      const run: TrainingRun = {
        id: newRunId(), name: req.name, createdAt: Date.now(), updatedAt: Date.now(), status: 'running', datasetId: req.datasetId,
        train: req.train, val: req.val, settings: req.settings, backend: null, state: emptyTrainerState(),
      };
      await putRun(await openCache(), run);
      await get().refresh();
      const choice = get().backendChoice;
      await runInWorker(run, choice === 'auto' ? undefined : choice);
    },

    async resumeRun(runId) {
      if (session) return set({ error: 'a run is already training in this tab: stop it first' });
      const run = await getRun(await openCache(), runId);
      if (!run) return set({ error: `run ${runId} is no longer stored` });
      if (run.state.epoch >= run.settings.epochs) return set({ error: `${run.name} has finished all ${run.settings.epochs} epochs` });
      const choice = get().backendChoice;
      await runInWorker(run, choice === 'auto' ? undefined : choice);
    },

    pause() {
      session?.pause();
      patchLive({ status: 'paused' });
      const id = get().live?.runId;
      if (id) void openCache().then(async (db) => {
        const run = await getRun(db, id);
        if (run) await putRun(db, { ...run, status: 'paused' });
      });
    },

    resume() {
      session?.resume();
      patchLive({ status: 'running' });
    },

    stop() {
      session?.stop();
      patchLive({ message: 'stopping after this step…' });
    },

    async removeRun(id) {
      if (get().live?.runId === id && session) return set({ error: 'stop the run before deleting it' });
      await deleteRun(await openCache(), id);
      if (get().live?.runId === id) set({ live: null });
      await get().refresh();
    },

    async removeModel(id) {
      await deleteModel(await openCache(), id);
      await get().refresh();
    },
  };
});
