// Main-thread side of training: one dedicated worker per run, its controls, and the events it
// reports. If the worker itself dies (a crashed GPU process, a lost device) the run fails with a
// message and the store decides whether to fall back to the next backend.
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { BackendName } from '../model/backends';
import type { TrainApi, TrainEvents, TrainOutcome } from './train.worker';

export interface TrainSession {
  done: Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  stop(): void;
  terminate(): void;
}

export function startTrainingWorker(runId: string, backend: BackendName | undefined, events: TrainEvents): TrainSession {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' });
  const api: Remote<TrainApi> = wrap<TrainApi>(worker);
  let crash: (o: TrainOutcome) => void = () => {};
  const crashed = new Promise<TrainOutcome>((resolve) => (crash = resolve));
  worker.onerror = (e) => crash({ status: 'failed', backend: backend ?? null, message: `the training worker crashed: ${e.message || 'unknown error'}` });
  const done = Promise.race([api.run(runId, backend, proxy(events)), crashed]).finally(() => {
    api[releaseProxy]();
    worker.terminate();
  });
  return {
    done,
    pause: () => void api.pause(),
    resume: () => void api.resume(),
    stop: () => void api.stop(),
    terminate: () => worker.terminate(),
  };
}
