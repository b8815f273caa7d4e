// What an ONNX model expects, from its sidecar `<name>.liverlab.json` (an ONNX file says its tensor
// shapes, not how CT was turned into its input): input size, CT window, CLAHE, scale, whether it
// outputs probabilities or logits, the threshold, and NCHW or NHWC. Read and checked here, and
// checked against the model's own input and output shapes, each problem said in words that name the
// file and the field — a model that does not fit is refused before anything is stored.
// Pure: strings and numbers; no DOM, no Node APIs.
import type { Result } from '../common/types';
import { failure } from '../common/problems';
import type { ModelPreprocessing } from './segmentationModel';

export interface OnnxSidecar extends ModelPreprocessing {
  inputSize: number;
  output: 'probability' | 'logits';
  threshold: number;
  layout: 'NCHW' | 'NHWC';
}

/** `model.onnx` → `model.liverlab.json`. */
export function sidecarNameOf(onnxName: string): string {
  return `${onnxName.replace(/\.onnx$/i, '')}.liverlab.json`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The sidecar's settings, or what is wrong with them (naming `file` and the field). */
export function checkSidecar(value: unknown, file: string): Result<OnnxSidecar> {
  const bad = (message: string) => failure(file, message);
  if (!isObject(value)) return bad('a sidecar is a JSON object with inputSize, window, clahe, scale, output, threshold and layout');
  const { inputSize, window, clahe, scale, output, threshold, layout } = value;
  if (!Number.isInteger(inputSize) || (inputSize as number) < 16 || (inputSize as number) > 1024) return bad(`inputSize must be a whole number of pixels from 16 to 1024 (got ${JSON.stringify(inputSize)})`);
  if (window !== null && !(isObject(window) && finite(window.width) && window.width > 0 && finite(window.center))) return bad(`window must be {"width": >0, "center": HU} or null (got ${JSON.stringify(window)})`);
  if (clahe !== null) {
    const tiles = isObject(clahe) ? clahe.tiles : undefined;
    if (!(isObject(clahe) && finite(clahe.clipLimit) && Array.isArray(tiles) && tiles.length === 2 && tiles.every((t) => Number.isInteger(t) && t >= 1 && t <= 64))) {
      return bad(`clahe must be {"clipLimit": number, "tiles": [x, y]} or null (got ${JSON.stringify(clahe)})`);
    }
    if (window === null) return bad('clahe needs a window: CLAHE equalises the windowed 8-bit slice, and without a window the input is HU');
  }
  if (!finite(scale) || scale === 0) return bad(`scale must be a non-zero number, e.g. 0.00392156862745098 for 1/255 (got ${JSON.stringify(scale)})`);
  if (output !== 'probability' && output !== 'logits') return bad(`output must be "probability" or "logits" (got ${JSON.stringify(output)})`);
  if (!finite(threshold) || threshold < 0 || threshold > 1) return bad(`threshold must be a probability from 0 to 1 (got ${JSON.stringify(threshold)})`);
  if (layout !== 'NCHW' && layout !== 'NHWC') return bad(`layout must be "NCHW" or "NHWC" (got ${JSON.stringify(layout)})`);
  return {
    ok: true,
    value: {
      inputSize: inputSize as number,
      window: window === null ? null : { width: (window as { width: number }).width, center: (window as { center: number }).center },
      clahe: clahe === null ? null : { clipLimit: (clahe as { clipLimit: number }).clipLimit, tiles: [...((clahe as { tiles: number[] }).tiles)] as [number, number] },
      scale: scale as number,
      output,
      threshold: threshold as number,
      layout,
    },
  };
}

/** Parses the sidecar's text and checks it. */
export function parseSidecar(text: string, file: string): Result<OnnxSidecar> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return failure(file, `not valid JSON (${(e as Error).message})`);
  }
  return checkSidecar(value, file);
}

/** A tensor's shape as ONNX Runtime reports it: numbers, or names for dynamic axes. */
export type TensorShape = readonly (number | string)[];

export interface OnnxShapes {
  input: { name: string; shape: TensorShape | null };
  output: { name: string; shape: TensorShape | null };
  inputs: number;
  outputs: number;
}

/** Whether the model's tensors fit the sidecar and LiverLab (one CT channel in, one mask channel out), or why not. */
export function checkModelFitsSidecar(shapes: OnnxShapes, sidecar: OnnxSidecar, modelFile: string, sidecarFile: string): Result<{ batch: number | null }> {
  const bad = (message: string) => failure(modelFile, message);
  if (shapes.inputs !== 1) return bad(`the model has ${shapes.inputs} inputs; LiverLab feeds one (a batch of CT slices)`);
  const input = shapes.input.shape;
  if (input) {
    if (input.length !== 4) return bad(`the model's input "${shapes.input.name}" has rank ${input.length} (${describe(input)}); LiverLab needs rank 4: [batch, 1, size, size] (NCHW) or [batch, size, size, 1] (NHWC)`);
    const [channels, h, w] = sidecar.layout === 'NCHW' ? [input[1], input[2], input[3]] : [input[3], input[1], input[2]];
    if (typeof channels === 'number' && channels !== 1) return bad(`the model's input "${shapes.input.name}" takes ${channels} channels (${describe(input)}, ${sidecar.layout} as ${sidecarFile} says); CT slices have 1`);
    for (const d of [h, w]) {
      if (typeof d === 'number' && d !== sidecar.inputSize) return failure(sidecarFile, `inputSize ${sidecar.inputSize} does not fit the model's input ${describe(input)} (${sidecar.layout})`);
    }
  }
  const output = shapes.output.shape;
  if (output) {
    const channels = output.length === 4 ? (sidecar.layout === 'NCHW' ? output[1] : output[3]) : output.length === 3 ? 1 : null;
    if (channels === null) return bad(`the model's output "${shapes.output.name}" has rank ${output.length} (${describe(output)}); a mask of rank 4 (or 3) is needed`);
    if (typeof channels === 'number' && channels !== 1) return bad(`the model's output "${shapes.output.name}" has ${channels} channels (${describe(output)}); one mask channel is needed (for softmax over background/organ, export the organ's channel)`);
  }
  const batch = input && typeof input[0] === 'number' ? input[0] : null;
  if (batch !== null && batch !== 1) return bad(`the model's batch is fixed at ${batch} (${describe(input!)}); export it with a dynamic batch axis or a batch of 1`);
  return { ok: true, value: { batch } };
}

function describe(shape: TensorShape): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : d || '?')).join(', ')}]`;
}
