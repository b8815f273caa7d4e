// The CLI's training threads: Node worker threads running cli/replicaThread.ts, for
// model/dataParallel's steps. From the compiled CLI (dist-cli) the entry is the bundled
// replica-thread.mjs beside liverlab.mjs; from TypeScript sources (tests, tsx scripts) it is loaded
// through tsx's loader, which a worker thread does not inherit.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tfl from '@tensorflow/tfjs-layers';
import { startDataParallel, trainingThreadCount, type DataParallel, type SpawnReplica } from '../model/dataParallel';

/** Threads for a step on this machine (model/dataParallel's trainingThreadCount). */
export function defaultTrainingThreads(batchSize: number): number {
  return trainingThreadCount(availableParallelism(), batchSize);
}

function replicaWorker(init: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./replicaThread.ts', here).href;
    const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(source, { eval: true, workerData: init });
  }
  // esbuild puts this module in dist-cli/chunks/ (or in liverlab.mjs itself).
  return new Worker(new URL(here.includes('/chunks/') ? '../replica-thread.mjs' : './replica-thread.mjs', here), { workerData: init });
}

const spawnNodeReplica: SpawnReplica = (init, failed) => {
  const worker = replicaWorker(init);
  worker.on('error', failed);
  worker.on('exit', (code) => {
    if (code !== 0) failed(new Error(`a training thread exited with code ${code}`));
  });
  worker.unref();
  return { terminate: () => void worker.terminate() };
};

/** Starts `threads` − 1 worker threads for models shaped like `model`'s; null when threads ≤ 1. */
export async function startTrainingThreads(model: tfl.LayersModel, threads: number, maxBatch: number): Promise<DataParallel | null> {
  if (threads <= 1) return null;
  return startDataParallel(model, { threads, maxBatch, spawn: spawnNodeReplica });
}
