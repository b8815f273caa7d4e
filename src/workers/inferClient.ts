// Main-thread side of inference: one long-lived worker keeps the loaded model between requests.
import { wrap, type Remote } from 'comlink';
import type { InferApi } from './infer.worker';

let api: Remote<InferApi> | null = null;

export function inferWorker(): Remote<InferApi> {
  api ??= wrap<InferApi>(new Worker(new URL('./infer.worker.ts', import.meta.url), { type: 'module', name: 'infer' }));
  return api;
}
