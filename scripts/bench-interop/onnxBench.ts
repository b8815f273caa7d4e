// Page side of the ONNX bench: one execution provider per fresh worker, with the model's bytes and
// sidecar handed in by the driver (scripts/bench-interop.ts), stopped at a cap.
import type { OnnxBenchReply, OnnxBenchRequest } from './onnxBench.worker';

declare global {
  interface Window {
    runOnnxBench(req: Omit<OnnxBenchRequest, 'model'> & { modelBase64: string; capMs: number }): Promise<OnnxBenchReply | { capped: string }>;
  }
}

window.runOnnxBench = ({ capMs, modelBase64, ...req }) =>
  new Promise((resolve) => {
    const worker = new Worker(new URL('./onnxBench.worker.ts', import.meta.url), { type: 'module', name: 'onnx-bench' });
    const finish = (outcome: OnnxBenchReply | { capped: string }) => {
      clearTimeout(cap);
      worker.terminate();
      resolve(outcome);
    };
    const cap = setTimeout(() => finish({ capped: `not done in ${capMs / 1000} s` }), capMs);
    worker.onmessage = (e: MessageEvent<OnnxBenchReply>) => finish(e.data);
    worker.onerror = (e) => finish({ skipped: `worker error: ${e.message}` });
    const model = Uint8Array.from(atob(modelBase64), (c) => c.charCodeAt(0));
    worker.postMessage({ ...req, model }, [model.buffer]);
  });

document.getElementById('status')!.textContent = 'ready';
