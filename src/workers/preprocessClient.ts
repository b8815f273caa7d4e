// Main-thread side of preprocessing: one job per patient over the worker pool, cancellable at
// any moment (the workers are terminated; an interrupted IndexedDB transaction writes nothing).
import { proxy } from 'comlink';
import { WorkerPool } from './pool';
import type { PreprocessApi, PreprocessRequest } from './preprocess.worker';
import type { PreprocessOutcome, ProgressFn } from './preprocessPatientJob';

let pool: WorkerPool<PreprocessApi> | null = null;

function preprocessPool(): WorkerPool<PreprocessApi> {
  pool ??= new WorkerPool<PreprocessApi>(() => new Worker(new URL('./preprocess.worker.ts', import.meta.url), { type: 'module', name: 'preprocess' }));
  return pool;
}

export function preprocessOnPool(req: PreprocessRequest, onProgress: ProgressFn): Promise<PreprocessOutcome> {
  return preprocessPool().use<PreprocessOutcome>((api) => api.preprocess(req, proxy(onProgress)));
}

export function cancelPreprocessing(): void {
  pool?.terminate();
  pool = null;
}
