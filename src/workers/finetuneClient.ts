// Main-thread side of a fine-tune: one dedicated worker per run, its stop control, and its outcome
// (a crash of the worker itself is a failure with its message).
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { FinetuneApi, FinetuneEvents, FinetuneRequest } from './finetune.worker';

export type FinetuneOutcome = Awaited<ReturnType<FinetuneApi['run']>>;

export interface FinetuneSession {
  done: Promise<FinetuneOutcome>;
  stop(): void;
}

export function startFinetuneWorker(request: FinetuneRequest, events: FinetuneEvents): FinetuneSession {
  const worker = new Worker(new URL('./finetune.worker.ts', import.meta.url), { type: 'module', name: 'finetune' });
  const api: Remote<FinetuneApi> = wrap<FinetuneApi>(worker);
  const crashed = new Promise<never>((_, reject) => (worker.onerror = (e) => reject(new Error(`the fine-tuning worker crashed: ${e.message || 'unknown error'}`))));
  const done = Promise.race([api.run(request, proxy(events)), crashed]).finally(() => {
    api[releaseProxy]();
    worker.terminate();
  }) as Promise<FinetuneOutcome>;
  return { done, stop: () => void api.stop() };
}
