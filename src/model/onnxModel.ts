// An ONNX model (trained elsewhere: PyTorch, MONAI, nnU-Net…) as a SegmentationModel: ONNX Runtime
// runs it — onnxruntime-web in the browser (WebGPU or WASM), onnxruntime-node in the CLI — and the
// caller passes the runtime in, so this module works with either and imports neither. Slices are
// scaled as the sidecar says and fed batch by batch (one slice at a time when the model's batch is
// fixed at 1); NCHW and NHWC with one channel hold the same bytes, only the shape differs; logits go
// through a sigmoid. Pure: typed arrays; no DOM, no Node APIs.
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { SegmentationModel } from './segmentationModel';
import { checkModelFitsSidecar, type OnnxShapes, type OnnxSidecar, type TensorShape } from './onnxSidecar';
import type { Result } from '../common/types';

/** What the caller's ONNX Runtime gives: a session factory and the Tensor class (onnxruntime-web or -node). */
export interface OnnxRuntime {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

/** The session's input and output names and shapes, as checkModelFitsSidecar wants them. */
export function sessionShapes(session: InferenceSession): OnnxShapes {
  const meta = (list: readonly InferenceSession.ValueMetadata[], names: readonly string[]) => {
    const first = list[0];
    const shape = first && first.isTensor ? (first.shape as TensorShape) : null;
    return { name: first?.name ?? names[0] ?? '?', shape };
  };
  return { input: meta(session.inputMetadata, session.inputNames), output: meta(session.outputMetadata, session.outputNames), inputs: session.inputNames.length, outputs: session.outputNames.length };
}

/** Opens the model in `runtime` on these execution providers and checks it against its sidecar. */
export async function openOnnxModel(
  runtime: OnnxRuntime,
  bytes: Uint8Array,
  sidecar: OnnxSidecar,
  files: { model: string; sidecar: string },
  executionProviders: InferenceSession.SessionOptions['executionProviders'],
): Promise<Result<SegmentationModel>> {
  let session: InferenceSession;
  try {
    session = await runtime.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all' });
  } catch (e) {
    return { ok: false, problem: { file: files.model, message: `ONNX Runtime cannot load it: ${(e as Error).message}`, severity: 'error' } };
  }
  const fit = checkModelFitsSidecar(sessionShapes(session), sidecar, files.model, files.sidecar);
  if (!fit.ok) {
    await session.release();
    return fit;
  }
  return { ok: true, value: onnxSegmentationModel(runtime, session, sidecar, fit.value.batch) };
}

/** The model behind the SegmentationModel interface; `fixedBatch` is 1 when the model takes one slice at a time, null when its batch is dynamic. */
export function onnxSegmentationModel(runtime: OnnxRuntime, session: InferenceSession, sidecar: OnnxSidecar, fixedBatch: number | null): SegmentationModel {
  const size = sidecar.inputSize;
  const px = size * size;
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const shapeOf = (n: number) => (sidecar.layout === 'NCHW' ? [n, 1, size, size] : [n, size, size, 1]);
  const run = async (x: Float32Array, n: number, into: Float32Array, at: number) => {
    const result = await session.run({ [inputName]: new runtime.Tensor('float32', x, shapeOf(n)) });
    const y = result[outputName];
    try {
      const data = y.data as Float32Array;
      if (data.length !== n * px) throw new Error(`the model gave ${data.length} values for ${n} slices of ${size}²; expected ${n * px}`);
      if (sidecar.output === 'logits') for (let i = 0; i < data.length; i++) into[at + i] = 1 / (1 + Math.exp(-data[i]));
      else into.set(data, at);
    } finally {
      for (const t of Object.values(result)) t.dispose();
    }
  };
  return {
    kind: 'onnx',
    inputSize: size,
    preprocessing: { window: sidecar.window, clahe: sidecar.clahe, scale: sidecar.scale },
    threshold: sidecar.threshold,
    async predict(slices, n) {
      const x = new Float32Array(n * px);
      for (let i = 0; i < x.length; i++) x[i] = slices[i] * sidecar.scale;
      const out = new Float32Array(n * px);
      const step = fixedBatch === 1 ? 1 : n;
      for (let k = 0; k < n; k += step) await run(step === n ? x : x.slice(k * px, (k + step) * px), step, out, k * px);
      return out;
    },
    dispose: () => void session.release(),
  };
}
