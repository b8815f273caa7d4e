// Store: training runs (past and live), the models kept for the viewer, and the controls of the
// live run. The training itself happens in a worker (workers/train.worker.ts); this store turns
// its events into state, falls back to the next backend when one fails mid-run (a new worker that
// resumes from the last checkpoint: see model/backendFallback), and resumes interrupted runs after
// a reload. A run trains in one tab at a time (storage/tabSync's run lock); other tabs are told
// when a run's records change and show it as training elsewhere until its lock goes. "Repeat with
// 3 seeds" (startRepeat) trains the same recipe once per seed, one run after another.
import { create } from 'zustand';
import type { BackendName, SkippedBackend } from '../model/backends';
import { describeFallback, fallbackStart, type BackendFallback } from '../model/backendFallback';
import type { EpochRecord, StepInfo, StepRecord, TrainerSettings } from '../model/trainer';
import { emptyTrainerState, MAX_STEPS_KEPT } from '../model/trainer';
import { checkPatientSplit } from '../model/patientSplit';
import { checkTrainerSettings } from '../model/presets';
import { openCache, type RunStatus, type TrainingRun } from '../storage/schema';
import { deleteModel, deleteRun, getRun, listModels, listRuns, putRun, type ModelListing } from '../storage/runs';
import { startTrainingWorker, type TrainSession } from '../workers/trainClient';
import type { TrainingThreadsInfo } from '../workers/trainingThreads';
import type { TrainRequest } from '../workers/train.worker';
import { automated } from '../workers/trainTestHooks';
import { announce, onOtherTabChange, runLockReleased, runsTrainingNow, withRunLock } from '../storage/tabSync';
import { ensureStarterModel } from './starterModel';

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
  /** Backends that failed mid-run, in order, and where the run continued. */
  fallbacks: BackendFallback[];
  /** Threads each step is split over, once known, and why only one when so. */
  threads: TrainingThreadsInfo | null;
}

export interface StartRequest {
  name: string;
  datasetId: string;
  train: { key: string; name: string }[];
  val: { key: string; name: string }[];
  settings: TrainerSettings;
  repeat?: TrainingRun['repeat'];
}

export interface TrainingState {
  runs: TrainingRun[];
  /** Ids of runs another tab is training now (they cannot be resumed here). */
  trainingElsewhere: string[];
  models: ModelListing[];
  live: LiveRun | null;
  backendChoice: BackendName | 'auto';
  error: string | null;
  refresh(): Promise<void>;
  setBackendChoice(b: BackendName | 'auto'): void;
  start(req: StartRequest): Promise<void>;
  /** The same recipe once per seed, one run after another; stops at the first run that does not finish. */
  startRepeat(req: StartRequest, seeds: number[]): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  removeRun(id: string): Promise<void>;
  removeModel(id: string): Promise<void>;
}

let session: TrainSession | null = null;
/** Set by stop(): a run the user stopped does not fall back to another backend. */
let stopRequested = false;
/** The run whose lock this tab holds (also between the workers of a fallback). */
let heldRunId: string | null = null;
/** Runs another tab trains whose lock this tab waits on, to list them again once that tab is done or gone. */
const watchedElsewhere = new Set<string>();

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const useTrainingStore = create<TrainingState>((set, get) => {
  const patchLive = (patch: Partial<LiveRun>) => {
    const live = get().live;
    if (live) set({ live: { ...live, ...patch } });
  };

  /**
   * Trains the stored run in a worker on `backend` (or the automatic choice); when the backend
   * fails mid-run, starts a new worker on the next one from the last checkpoint, until the run
   * finishes, stops, or fails in a way no backend helps with.
   */
  const trainWithFallback = async (run: TrainingRun, backend: BackendName | undefined): Promise<void> => {
    const fallbacks: BackendFallback[] = [];
    const failed: BackendName[] = [];
    const testHooks = automated();
    let request: TrainRequest = { preferred: backend, testHooks };
    let from = run;
    stopRequested = false;
    announce({ kind: 'runs', runId: run.id }); // the other tabs now see it training here
    set({
      error: null,
      live: {
        runId: run.id, name: run.name, status: 'starting', backend: null, skipped: [], message: null, settings: run.settings,
        history: run.state.history, steps: run.state.steps, last: null, updatedAt: performance.now(), startedAt: performance.now(), startEpoch: run.state.epoch,
        fallbacks, threads: null,
      },
    });
    for (;;) {
      session = startTrainingWorker(from.id, request, {
        backend: ({ backend: b, skipped }) => {
          const last = fallbacks.at(-1);
          if (last && last.to === null) fallbacks[fallbacks.length - 1] = { ...last, to: b };
          patchLive({ backend: b, skipped, status: 'running', fallbacks: [...fallbacks] });
        },
        status: (message) => patchLive({ message }),
        threads: (threads) => patchLive({ threads }),
        step: (info) => {
          const live = get().live;
          if (!live) return;
          const steps = live.steps.length >= MAX_STEPS_KEPT ? [...live.steps.slice(1), info.step] : [...live.steps, info.step];
          // A step never reopens a run that has ended (its result may be handled before its last steps).
          const status = live.status === 'starting' ? 'running' : live.status;
          set({ live: { ...live, steps, last: info, updatedAt: performance.now(), status } });
        },
        epoch: (record) => {
          const live = get().live;
          if (live) set({ live: { ...live, history: [...live.history, record] } });
          announce({ kind: 'runs', runId: run.id });
          void get().refresh();
        },
      });
      const outcome = await session.done;
      session = null;
      const start = stopRequested ? null : fallbackStart(outcome, failed);
      const db = await openCache();
      const stored = start ? await getRun(db, run.id) : undefined;
      if (start && stored && outcome.backend) {
        // Continue from what the last checkpoint saved: its epochs and history, nothing of the failed epoch.
        failed.push(outcome.backend);
        fallbacks.push({ from: outcome.backend, reason: outcome.message ?? 'unknown error', resumedFromEpoch: stored.state.epoch, to: null });
        from = { ...stored, status: 'running', message: undefined, updatedAt: Date.now() };
        await putRun(db, from);
        patchLive({
          status: 'starting', backend: null, skipped: [], threads: null, message: describeFallback(fallbacks.at(-1)!), fallbacks: [...fallbacks],
          history: stored.state.history, steps: stored.state.steps, last: null, startEpoch: stored.state.epoch, startedAt: performance.now(), updatedAt: performance.now(),
        });
        request = { startAt: start, testHooks };
        continue;
      }
      const live = get().live;
      if (live) patchLive({ status: outcome.status, message: outcome.message ?? (outcome.status === 'finished' ? 'finished' : live.message) });
      return;
    }
  };

  /** Trains `run` in this tab unless another tab is training it (then says so and leaves it alone). */
  const runInWorker = async (run: TrainingRun, backend: BackendName | undefined): Promise<void> => {
    const locked = await withRunLock(run.id, async () => {
      heldRunId = run.id;
      try {
        await trainWithFallback(run, backend);
      } finally {
        heldRunId = null;
      }
    });
    if (!locked.held) set({ error: `${run.name} is training in another LiverLab tab: stop it there to continue it here` });
    // Announced once the run's lock is released, so the other tabs see the run as free.
    else announce({ kind: 'runs', runId: run.id });
    await get().refresh();
  };

  /** Stores a new run and trains it in this tab; resolves with how it ended (null: not started). */
  const startRun = async (req: StartRequest): Promise<RunStatus | 'starting' | null> => {
    if (session) {
      set({ error: 'a run is already training in this tab: stop it first' });
      return null;
    }
    const problem = checkTrainerSettings(req.settings) ?? checkPatientSplit({ train: req.train.map((p) => p.name), val: req.val.map((p) => p.name) });
    if (problem) {
      set({ error: problem });
      return null;
    }
    const run: TrainingRun = {
      id: newRunId(), name: req.name, createdAt: Date.now(), updatedAt: Date.now(), status: 'running', datasetId: req.datasetId,
      train: req.train, val: req.val, settings: req.settings, backend: null, state: emptyTrainerState(), ...(req.repeat ? { repeat: req.repeat } : {}),
    };
    await putRun(await openCache(), run);
    await get().refresh();
    const choice = get().backendChoice;
    await runInWorker(run, choice === 'auto' ? undefined : choice);
    const live = get().live;
    return live?.runId === run.id ? live.status : null;
  };

  return {
    runs: [],
    trainingElsewhere: [],
    models: [],
    live: null,
    backendChoice: 'auto',
    error: null,

    async refresh() {
      await ensureStarterModel();
      const db = await openCache();
      const [runs, models, training] = await Promise.all([listRuns(db), listModels(db), runsTrainingNow()]);
      const trainingElsewhere = [...training].filter((id) => id !== heldRunId);
      set({ runs, models, trainingElsewhere });
      // A tab that closes or reloads mid-run announces nothing: its lock going is the only sign.
      for (const id of trainingElsewhere.filter((id) => !watchedElsewhere.has(id))) {
        watchedElsewhere.add(id);
        void runLockReleased(id).then(() => {
          watchedElsewhere.delete(id);
          void get().refresh();
        });
      }
    },

    setBackendChoice(b) {
      set({ backendChoice: b });
    },

    async start(req) {
      await startRun(req);
    },

    async startRepeat(req, seeds) {
      const repeat = { group: newRunId(), seeds };
      for (const seed of seeds) {
        const status = await startRun({ ...req, name: `${req.name} · seed ${seed}`, settings: { ...req.settings, seed }, repeat });
        if (status !== 'finished') return;
      }
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
      stopRequested = true;
      session?.stop();
      patchLive({ message: 'stopping after this step…' });
    },

    async removeRun(id) {
      if (get().live?.runId === id && session) return set({ error: 'stop the run before deleting it' });
      if (get().trainingElsewhere.includes(id)) return set({ error: 'this run is training in another LiverLab tab: stop it there before deleting it' });
      await deleteRun(await openCache(), id);
      if (get().live?.runId === id) set({ live: null });
      announce({ kind: 'runs', runId: id });
      await get().refresh();
    },

    async removeModel(id) {
      await deleteModel(await openCache(), id);
      announce({ kind: 'models' });
      await get().refresh();
    },
  };
});

// Another tab saved an epoch, finished, or deleted a run, or stored or deleted a model: show the records as they are now.
onOtherTabChange((change) => {
  if (change.kind === 'runs' || change.kind === 'models') void useTrainingStore.getState().refresh();
});
