// An ONNX model from disk for the CLI: `<name>.onnx` and its sidecar `<name>.liverlab.json` beside
// it (what the model's input must be: model/onnxSidecar.ts), opened with onnxruntime-node on the CPU
// and checked to fit. Every problem comes back as a sentence naming the file. Node only.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openOnnxModel, type OnnxRuntime } from '../model/onnxModel';
import { parseSidecar, sidecarNameOf } from '../model/onnxSidecar';
import type { SegmentationModel } from '../model/segmentationModel';

export async function loadOnnxModelFile(modelPath: string): Promise<SegmentationModel | string> {
  const bytes = await readFile(modelPath).catch(() => null);
  if (!bytes) return `no such model: ${modelPath}`;
  const sidecarPath = path.join(path.dirname(modelPath), sidecarNameOf(path.basename(modelPath)));
  const text = await readFile(sidecarPath, 'utf8').catch(() => null);
  if (text === null) return `${modelPath} needs its sidecar ${sidecarPath} beside it: {"inputSize", "window": {"width","center"}|null, "clahe": {"clipLimit","tiles":[x,y]}|null, "scale", "output": "probability"|"logits", "threshold", "layout": "NCHW"|"NHWC"}`;
  const sidecar = parseSidecar(text, sidecarPath);
  if (!sidecar.ok) return `${sidecar.problem.file}: ${sidecar.problem.message}`;
  const ort = (await import('onnxruntime-node')) as unknown as OnnxRuntime;
  const opened = await openOnnxModel(ort, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), sidecar.value, { model: modelPath, sidecar: sidecarPath }, ['cpu']);
  return opened.ok ? opened.value : `${opened.problem.file}: ${opened.problem.message}`;
}
