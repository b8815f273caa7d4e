// Page side of the browser training bench: runs one (backend, UNet config) measurement in a fresh
// worker, as the app trains (src/workers/train.worker.ts), and stops the worker when a step runs
// past its cap (a software GPU or the CPU backend can take minutes per step).
import type { TrainBenchRequest, TrainBenchReply, TrainBenchResult } from './trainBench.worker';

export type TrainBenchOutcome = TrainBenchResult | { skipped: string } | { capped: string; firstStepMs?: number };

declare global {
  interface Window {
    runTrainBench(req: TrainBenchRequest & { firstStepCapMs: number; totalCapMs: number }): Promise<TrainBenchOutcome>;
  }
}

window.runTrainBench = (req) =>
  new Promise((resolve) => {
    const worker = new Worker(new URL('./trainBench.worker.ts', import.meta.url), { type: 'module', name: 'train-bench' });
    let firstStepMs: number | undefined;
    const finish = (outcome: TrainBenchOutcome) => {
      clearTimeout(firstCap);
      clearTimeout(totalCap);
      worker.terminate();
      resolve(outcome);
    };
    const firstCap = setTimeout(() => finish({ capped: `first step over ${req.firstStepCapMs / 1000} s` }), req.firstStepCapMs);
    const totalCap = setTimeout(() => finish({ capped: `not done in ${req.totalCapMs / 1000} s`, firstStepMs }), req.totalCapMs);
    worker.onmessage = (e: MessageEvent<TrainBenchReply>) => {
      const reply = e.data;
      if ('firstStepMs' in reply && !('msPerStep' in reply)) {
        firstStepMs = reply.firstStepMs;
        clearTimeout(firstCap);
      } else finish(reply as TrainBenchOutcome);
    };
    worker.onerror = (e) => finish({ skipped: `worker error: ${e.message}` });
    const { firstStepCapMs: _a, totalCapMs: _b, ...work } = req;
    worker.postMessage(work);
  });

document.getElementById('status')!.textContent = 'ready';
