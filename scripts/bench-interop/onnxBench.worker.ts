// One ONNX inference measurement in a worker, as the app's infer worker runs a model: the app's own
// onnxruntime-web loader (its .wasm served by this page), the model opened on one execution provider
// ('wasm', or 'webgpu' even on a software adapter, labelled so), a warm-up batch, then slices of
// 512² resized to the model's input, ms per slice.
import { openOnnxModel } from '../../src/model/onnxModel';
import type { OnnxSidecar } from '../../src/model/onnxSidecar';
import { timeSegmentation } from '../bench-shared/timeSegmentation';
import { onnxWebRuntime } from '../../src/workers/onnxRuntimeWeb';

export interface OnnxBenchRequest {
  provider: 'wasm' | 'webgpu';
  model: Uint8Array;
  sidecar: OnnxSidecar;
  slices: number;
}

export type OnnxBenchReply = { provider: string; warmUpMs: number; msPerSlice: number; slices: number } | { skipped: string };

const post = (reply: OnnxBenchReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = async (e: MessageEvent<OnnxBenchRequest>) => {
  const { provider, model: bytes, sidecar, slices } = e.data;
  try {
    const { runtime, skipped } = await onnxWebRuntime(true);
    if (provider === 'webgpu' && skipped) return post({ skipped });
    const opened = await openOnnxModel(runtime, bytes, sidecar, { model: 'model.onnx', sidecar: 'model.liverlab.json' }, [provider]);
    if (!opened.ok) return post({ skipped: opened.problem.message });
    const model = opened.value;
    const timing = await timeSegmentation(model, 512, slices);
    model.dispose();
    post({ provider, ...timing });
  } catch (error) {
    post({ skipped: `failed: ${error instanceof Error ? error.message : String(error)}` });
  }
};
