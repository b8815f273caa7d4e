// Main-thread side of training: one dedicated worker per run (and per backend, after a fallback),
// its controls, and the events it reports. If the worker itself dies (a crashed GPU process, an
// out-of-memory abort) the run fails 'in training' on the backend it had reported, and the store
// decides whether to fall back to the next backend.
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { BackendName } from '../model/backends';
import type { TrainApi, TrainEvents, TrainOutcome, TrainRequest } from './train.worker';

export interface TrainSession {
  done: Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  stop(): void;
  terminate(): void;
}

export function startTrainingWorker(runId: string, request: TrainRequest, events: TrainEvents): TrainSession {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' });
  const api: Remote<TrainApi> = wrap<TrainApi>(worker);
  let reported: BackendName | null = null;
  const tracked: TrainEvents = {
    ...events,
    backend: (choice) => {
      reported = choice.backend;
      events.backend(choice);
    },
  };
  let crash: (o: TrainOutcome) => void = () => {};
  const crashed = new Promise<TrainOutcome>((resolve) => (crash = resolve));
  worker.onerror = (e) =>
    crash({ status: 'failed', backend: reported, message: `the training worker crashed: ${e.message || 'unknown error'}`, failedIn: reported ? 'training' : 'data' });
  const done = Promise.race([api.run(runId, request, proxy(tracked)), crashed]).finally(() => {
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
