// Page side of the inference bench: one backend per fresh worker, stopped at a cap (a software GPU
// or the CPU backend can be very slow).
import type { InferBenchReply, InferBenchRequest } from './inferBench.worker';

declare global {
  interface Window {
    runInferBench(req: InferBenchRequest & { capMs: number }): Promise<InferBenchReply | { capped: string }>;
  }
}

window.runInferBench = ({ capMs, ...req }) =>
  new Promise((resolve) => {
    const worker = new Worker(new URL('./inferBench.worker.ts', import.meta.url), { type: 'module', name: 'infer-bench' });
    const finish = (outcome: InferBenchReply | { capped: string }) => {
      clearTimeout(cap);
      worker.terminate();
      resolve(outcome);
    };
    const cap = setTimeout(() => finish({ capped: `not done in ${capMs / 1000} s` }), capMs);
    worker.onmessage = (e: MessageEvent<InferBenchReply>) => finish(e.data);
    worker.onerror = (e) => finish({ skipped: `worker error: ${e.message}` });
    worker.postMessage(req);
  });

document.getElementById('status')!.textContent = 'ready';
