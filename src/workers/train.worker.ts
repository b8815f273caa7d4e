// Worker: one training run, off the page's thread. Picks the backend (WebGPU → WebGL via
// OffscreenCanvas → WASM → CPU), reads the run and its cached slices from IndexedDB, trains with
// model/trainer, and after every epoch writes the checkpoint (and the best model) to IndexedDB
// before telling the page. The page only draws what this worker reports. A failure while
// training (a kernel throwing, a lost WebGPU device) ends this worker's run as 'failed in
// training' without writing anything from the failed backend; the page (state/trainingStore)
// then starts a new worker on the next backend, which resumes from the last checkpoint.
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, setWasmPaths, type BackendName, type SkippedBackend } from '../model/backends';
import { offlineAugmentedSet } from '../model/batches';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer } from '../model/checkpoint';
import type { SliceSet } from '../model/sliceSet';
import { TrainerControl } from './trainerControl';
import { Trainer, emptyTrainerState, inlineBatchSource, type BatchSource, type EpochRecord, type StepInfo, type TrainerState } from '../model/trainer';
import { unet } from '../model/unet';
import { openCache, type StoredModel, type TrainingRun } from '../storage/schema';
import { listPatients } from '../storage/datasets';
import { readSliceSet } from '../storage/readPatient';
import { getCheckpoint, getRun, putRun, saveEpoch } from '../storage/runs';
import { AugmentWorkers } from './augmentWorkers';
import { TFJS_WASM_PATHS } from './wasmAssets';
import { installTrainTestHooks } from './trainTestHooks';
import { deliveredEvents } from './deliveredEvents';
import type { RunOutcome } from '../model/backendFallback';
import { startTrainingThreads, type TrainingThreads, type TrainingThreadsInfo } from './trainingThreads';

export interface TrainEvents {
  backend(choice: { backend: BackendName; skipped: SkippedBackend[] }): void;
  status(message: string): void;
  /** Threads each step is split over (workers/trainingThreads.ts), and why only one when so. */
  threads(info: TrainingThreadsInfo): void;
  step(info: StepInfo): void;
  epoch(record: EpochRecord, state: TrainerState): void;
}

export type TrainOutcome = RunOutcome;

/** Which backend to train on: `preferred` (a software GPU allowed), or the automatic choice from `startAt` on. */
export interface TrainRequest {
  preferred?: BackendName;
  startAt?: BackendName;
  /** Install the e2e test hooks (workers/trainTestHooks.ts): only when the page runs under automation. */
  testHooks?: boolean;
}

/** The run's pause / resume / stop, kept while it starts (workers/trainerControl.ts). */
const control = new TrainerControl();
/** Set once the WebGPU device is lost: from then on nothing this backend computes is trusted or saved. */
let lostReason: string | null = null;
/** Resolves when the watched device is lost (never for other backends). */
let deviceLost: Promise<unknown> = new Promise(() => {});

/**
 * A lost WebGPU device (a GPU reset, a driver crash, device.destroy()) stops the run after the
 * current step; the run then fails 'in training' and the page continues on the next backend.
 */
function watchDevice(backend: BackendName, onLost: () => void): void {
  if (backend !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return;
  deviceLost = device.lost;
  void device.lost.then((info) => {
    lostReason = `the WebGPU device was lost: ${info.reason ?? 'unknown reason'}${info.message ? ` (${info.message})` : ''}`;
    onLost();
  });
}

/** Throws when the device was lost: results read back from a lost device are not the model's. */
function checkDevice(): void {
  if (lostReason) throw new Error(lostReason);
}

async function loadSet(db: Awaited<ReturnType<typeof openCache>>, keys: string[], size: number): Promise<SliceSet> {
  const metas = await listPatients(db, keys);
  if (metas.length !== keys.length) throw new Error(`${keys.length - metas.length} patient(s) of this run are no longer in the cache`);
  return readSliceSet(db, metas, size);
}

const trainApi = {
  /** Trains the run; returns once the page has handled every event this run sent (deliveredEvents.ts). */
  async run(runId: string, request: TrainRequest, remoteEvents: TrainEvents): Promise<TrainOutcome> {
    const reporter = deliveredEvents(remoteEvents);
    try {
      return await trainRun(runId, request, reporter.events);
    } finally {
      await reporter.delivered();
    }
  },
  pause(): void {
    control.pause();
  },
  resume(): void {
    control.resume();
  },
  stop(): void {
    control.stop();
  },
};

async function trainRun(runId: string, request: TrainRequest, events: TrainEvents): Promise<TrainOutcome> {
  let backend: BackendName | null = null;
  let phase: 'data' | 'training' = 'data';
  let augmenters: AugmentWorkers | null = null;
  let threads: TrainingThreads | null = null;
  const db = await openCache();
  let run = await getRun(db, runId);
  if (!run) return { status: 'failed', backend, message: `run ${runId} is not in the cache` };
  try {
    setWasmPaths(TFJS_WASM_PATHS);
    if (request.testHooks) installTrainTestHooks();
    const choice = await chooseBackend(request.preferred, request.startAt);
    backend = choice.backend;
    events.backend(choice);
    watchDevice(backend, () => control.stop());
    run = { ...run, backend, status: 'running', updatedAt: Date.now(), message: undefined };
    await putRun(db, run);

    const s = run.settings;
    events.status('reading the cached slices…');
    let train = await loadSet(db, run.train.map((p) => p.key), s.size);
    const val = run.val.length ? await loadSet(db, run.val.map((p) => p.key), s.size) : null;
    if (s.augment.mode === 'offline') train = offlineAugmentedSet(train, s.seed, s.augment.ranges);

    const last = run.state.epoch > 0 ? await getCheckpoint(db, run.id, 'last') : undefined;
    const model = last ? await restoreModel(last.model) : unet({ baseFilters: s.baseFilters, size: s.size, seed: s.seed });
    const optimizer = tf.train.adam(s.learningRate);
    if (last) await restoreOptimizer(optimizer, last.optimizer);
    const state = last ? run.state : emptyTrainerState();
    events.status(last ? `resumed from the checkpoint of epoch ${last.epoch}` : 'training');

    let batches: BatchSource;
    const workers = Math.max(1, Math.min(3, (navigator.hardwareConcurrency || 2) - 1));
    if (s.augment.mode === 'online' && typeof Worker !== 'undefined') {
      try {
        augmenters = await AugmentWorkers.start(train, workers, s.seed, s.augment);
        batches = augmenters;
      } catch {
        batches = inlineBatchSource(train, s);
      }
    } else batches = inlineBatchSource(train, s);

    threads = await startTrainingThreads(model, backend, s.batchSize);
    events.threads({ threads: threads.threads, note: threads.note });
    const trainer = new Trainer(model, optimizer, train, val, s, batches, state, threads.parallel?.step);
    control.attach(trainer);
    phase = 'training';
    const current = run;
    const { stopped } = await trainer.fit({
      onStep: (info) => events.step(info),
      onEpochEnd: async (record, st, improved) => {
        checkDevice();
        const [snapshot, opt] = await Promise.all([snapshotModel(model), snapshotOptimizer(optimizer)]);
        // The device may have been lost while the weights were read back: then they are not saved.
        checkDevice();
        const base = { runId: current.id, epoch: record.epoch, valDice: record.valDice, model: snapshot, optimizer: opt, savedAt: Date.now() };
        // The last epoch's write says 'finished' itself: a reload (or a busy machine's slow teardown
        // of this worker) between it and a later status write would leave every epoch saved and the
        // run reading 'running' — neither resumable nor finished.
        const status = record.epoch >= s.epochs ? 'finished' : control.isPaused ? 'paused' : 'running';
        const updated: TrainingRun = { ...current, state: st, updatedAt: Date.now(), status };
        const kept: StoredModel | null =
          improved || record.valDice === null
            ? {
                id: `run:${current.id}`,
                name: `${current.name} (best, epoch ${record.epoch})`,
                createdAt: current.createdAt,
                source: 'run',
                runId: current.id,
                size: s.size,
                baseFilters: s.baseFilters,
                valDice: record.valDice,
                model: snapshot,
              }
            : null;
        await saveEpoch(db, updated, { ...base, kind: 'last' }, improved ? { ...base, kind: 'best' } : null, kept);
        events.epoch(record, st);
      },
    });
    checkDevice();
    // Stopped during the last epoch's validation is still every epoch done: finished.
    const status = stopped && trainer.state.epoch < s.epochs ? 'stopped' : 'finished';
    await putRun(db, { ...current, state: trainer.state, status, updatedAt: Date.now() });
    model.dispose();
    optimizer.dispose();
    return { status, backend };
  } catch (e) {
    // A lost device often shows first as a failed read (mapAsync rejected) a moment before
    // device.lost resolves: give it that moment, so the message names the real cause.
    if (backend === 'webgpu' && !lostReason) await Promise.race([deviceLost, new Promise((r) => setTimeout(r, 2000))]);
    const message = lostReason ?? (e instanceof Error ? e.message : String(e));
    const latest = (await getRun(db, runId)) ?? run;
    await putRun(db, { ...latest, status: 'failed', message, updatedAt: Date.now() }).catch(() => undefined);
    // A lost device is the backend's failure whenever it happens.
    return { status: 'failed', backend, message, failedIn: lostReason ? 'training' : phase };
  } finally {
    augmenters?.terminate();
    threads?.parallel?.close();
    control.detach();
  }
}

export type TrainApi = typeof trainApi;
expose(trainApi);
