/// <reference types="vite/client" />
// Worker of the inference bench (scripts/bench-viewer.ts): one tfjs backend set up like the app's
// infer worker (app-served WASM binaries, single-threaded WASM), the reference UNet with seeded
// weights, and `predictProbabilities` — the viewer's own per-patient inference — over a stack of
// slices; ms per slice after one warm-up batch (shader compiles and WASM start-up apart).
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, setWasmPaths, type BackendName } from '../../src/model/backends';
import { timeSegmentation } from '../bench-shared/timeSegmentation';
import { unet } from '../../src/model/unet';
import { tfjsSegmentationModel } from '../../src/model/segmentationModel';
import { TFJS_WASM_PATHS } from '../../src/workers/wasmAssets';

export interface InferBenchRequest {
  backend: BackendName;
  baseFilters: number;
  size: number;
  /** Slice size of the stack (resized to `size` as the app does). */
  slice: number;
  slices: number;
}

export type InferBenchReply =
  | { backend: BackendName; warmUpMs: number; msPerSlice: number; slices: number; numTensorsAfter: number }
  | { skipped: string };

const post = (reply: InferBenchReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = async (e: MessageEvent<InferBenchRequest>) => {
  const { backend, baseFilters, size, slice, slices } = e.data;
  try {
    setWasmPaths(TFJS_WASM_PATHS);
    const choice = await chooseBackend(backend);
    if (choice.backend !== backend) return post({ skipped: choice.skipped.find((s) => s.backend === backend)?.reason ?? `${backend} unavailable` });
    const model = tfjsSegmentationModel(unet({ baseFilters, size, seed: 1 }), size);
    const timing = await timeSegmentation(model, slice, slices);
    model.dispose();
    post({ backend, ...timing, numTensorsAfter: tf.memory().numTensors });
  } catch (error) {
    post({ skipped: `failed: ${error instanceof Error ? error.message : String(error)}` });
  }
};
