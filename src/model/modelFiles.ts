// Models as files, in the tfjs layers format (model.json + one weights .bin), the format
// `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras` turns into a
// Keras .h5; and back, checking that an imported model takes one-channel square slices and gives
// a one-channel mask. Pure: strings and ArrayBuffers only.
import type { ModelSnapshot } from './checkpoint';
import { snapshotShape } from './checkpoint';

export interface ModelFiles {
  modelJson: string;
  weightsName: string;
  weights: ArrayBuffer;
}

/**
 * `training` (how the model was trained: seed, settings, split, history) goes in model.json's
 * `userDefinedMetadata.liverlab`, the tfjs field for such notes, which loaders ignore.
 */
export function toModelFiles(snapshot: ModelSnapshot, baseName: string, training?: object): ModelFiles {
  const weightsName = `${baseName}.weights.bin`;
  const json = {
    format: 'layers-model',
    generatedBy: 'LiverLab',
    convertedBy: null,
    modelTopology: snapshot.modelTopology,
    weightsManifest: [{ paths: [`./${weightsName}`], weights: snapshot.weightSpecs }],
    ...(training ? { userDefinedMetadata: { liverlab: training } } : {}),
  };
  return { modelJson: JSON.stringify(json), weightsName, weights: snapshot.weightData };
}

interface ManifestGroup {
  paths: string[];
  weights: ModelSnapshot['weightSpecs'];
}

/** Builds a snapshot from model.json text and the .bin files it names (matched by file name). */
export function fromModelFiles(modelJson: string, binaries: Map<string, ArrayBuffer>): ModelSnapshot {
  let parsed: { modelTopology?: object; weightsManifest?: ManifestGroup[] };
  try {
    parsed = JSON.parse(modelJson);
  } catch {
    throw new Error('model.json is not valid JSON');
  }
  if (!parsed.modelTopology || !Array.isArray(parsed.weightsManifest)) {
    throw new Error('model.json is not a tfjs layers model (no modelTopology / weightsManifest); graph models cannot be trained or imported here');
  }
  const parts: ArrayBuffer[] = [];
  const specs: ModelSnapshot['weightSpecs'] = [];
  for (const group of parsed.weightsManifest) {
    for (const p of group.paths) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      const data = binaries.get(name);
      if (!data) throw new Error(`model.json needs the weights file ${name}: choose it together with model.json`);
      parts.push(data);
    }
    specs.push(...group.weights);
  }
  const total = parts.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of parts) {
    weightData.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1), 0);
  if (expected !== total) throw new Error(`the weights files hold ${total} bytes but model.json describes ${expected}`);
  return { modelTopology: parsed.modelTopology, weightSpecs: specs, weightData: weightData.buffer };
}

/** The square input size of a model that fits LiverLab (1 channel in, 1 out), or why it does not fit. */
export function modelInputSize(snapshot: ModelSnapshot): { ok: true; size: number } | { ok: false; message: string } {
  const { inputShape, outputChannels } = snapshotShape(snapshot);
  if (!inputShape || inputShape.length !== 4) return { ok: false, message: `the model's input is ${JSON.stringify(inputShape)}, expected [batch, size, size, 1]` };
  const [, h, w, c] = inputShape;
  if (c !== 1) return { ok: false, message: `the model takes ${c} channels; CT slices have 1` };
  if (h === null || w === null || h !== w) return { ok: false, message: `the model takes ${h}×${w} inputs; LiverLab needs a fixed square size` };
  if (h < 64 || h > 512) return { ok: false, message: `the model takes ${h}×${w} inputs; sizes from 64 to 512 are supported` };
  if (outputChannels !== null && outputChannels !== 1) return { ok: false, message: `the model outputs ${outputChannels} channels; a one-channel mask is needed` };
  return { ok: true, size: h };
}
