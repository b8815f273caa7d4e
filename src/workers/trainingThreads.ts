// The tab's training threads: Web Workers (workers/replica.worker.ts) started from the training or
// fine-tune worker, for model/dataParallel's steps on WASM. They share memory with it, which a page
// may only do when cross-origin isolated (the app is served with COOP/COEP headers: vite.config.ts);
// elsewhere a run trains on one thread and says why.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BackendName } from '../model/backends';
import { canShareMemory, startDataParallel, trainingThreadCount, type DataParallel, type SpawnReplica } from '../model/dataParallel';

export interface TrainingThreadsInfo {
  threads: number;
  /** Why the run trains on one thread, when it does (null: the backend is not WASM, or it does not). */
  note: string | null;
}

export interface TrainingThreads extends TrainingThreadsInfo {
  parallel: DataParallel | null;
}

const spawnWebReplica: SpawnReplica = (init, failed) => {
  const worker = new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module', name: `training-thread-${init.rank}` });
  worker.onerror = (e) => failed(new Error(`training thread ${init.rank}: ${e.message || 'its script did not load'}`));
  worker.postMessage(init);
  return { terminate: () => worker.terminate() };
};

/**
 * Starts the threads a run on `backend` gets here (`wanted`, or one a core); one thread (and the
 * reason) when it gets no more.
 */
export async function startTrainingThreads(model: tfl.LayersModel, backend: BackendName, batchSize: number, wanted?: number): Promise<TrainingThreads> {
  const cores = navigator.hardwareConcurrency || 1;
  const threads = wanted ?? trainingThreadCount(cores, batchSize);
  const one = (note: string | null): TrainingThreads => ({ parallel: null, threads: 1, note });
  if (backend !== 'wasm') return one(null);
  if (threads < 2) return one(cores < 2 ? 'one core' : 'a batch of one slice');
  if (!canShareMemory()) return one('this page is not cross-origin isolated, so its threads cannot share memory');
  try {
    return { parallel: await startDataParallel(model, { threads, maxBatch: batchSize, spawn: spawnWebReplica }), threads, note: null };
  } catch (error) {
    return one(error instanceof Error ? error.message : String(error));
  }
}
