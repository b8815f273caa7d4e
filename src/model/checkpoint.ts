// Checkpoints as plain data (ArrayBuffers and JSON) that IndexedDB, a download or a file can hold:
// the model (tfjs layers format: topology + weight specs + weight bytes) and the optimizer's state
// (Adam's step count and moments), so a run resumes exactly where it stopped.
// Pure tfjs: no DOM, no IndexedDB (storage/ stores these values).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ModelSnapshot {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: ArrayBuffer;
}

export async function snapshotModel(model: tfl.LayersModel): Promise<ModelSnapshot> {
  let snapshot: ModelSnapshot | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      snapshot = {
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!snapshot) throw new Error('the model could not be saved');
  return snapshot;
}

export async function restoreModel(snapshot: ModelSnapshot): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: snapshot.modelTopology, weightSpecs: snapshot.weightSpecs, weightData: snapshot.weightData }));
}

export async function snapshotOptimizer(optimizer: tf.Optimizer): Promise<SavedTensor[]> {
  const named = await optimizer.getWeights();
  try {
    return await Promise.all(
      named.map(async ({ name, tensor }) => {
        const values = await tensor.data();
        return { name, shape: tensor.shape.slice(), dtype: tensor.dtype as 'float32' | 'int32', data: (values as Float32Array | Int32Array).slice().buffer as ArrayBuffer };
      }),
    );
  } finally {
    // getWeights hands out the moment variables themselves, plus a fresh scalar for the step count: free only the latter.
    for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
}

export async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedTensor[]): Promise<void> {
  if (saved.length === 0) return;
  const named = saved.map((s) => ({
    name: s.name,
    tensor: s.dtype === 'int32' ? tf.tensor(new Int32Array(s.data), s.shape, 'int32') : tf.tensor(new Float32Array(s.data), s.shape, 'float32'),
  }));
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}

/** Input shape and output channels a snapshot's topology implies (functional or sequential), to check a model fits a dataset. */
export function snapshotShape(snapshot: ModelSnapshot): { inputShape: (number | null)[] | null; outputChannels: number | null } {
  type LayerJson = { class_name: string; config: Record<string, unknown> };
  const topology = snapshot.modelTopology as { model_config?: { config?: unknown }; config?: unknown };
  const config = (topology.model_config?.config ?? topology.config) as { layers?: LayerJson[] } | LayerJson[] | undefined;
  const layers: LayerJson[] = Array.isArray(config) ? config : (config?.layers ?? []);
  const input = layers.find((l) => l.class_name === 'InputLayer') ?? layers.find((l) => l.config.batch_input_shape ?? l.config.batchInputShape);
  const shape = (input?.config.batch_input_shape ?? input?.config.batchInputShape) as (number | null)[] | undefined;
  const last = layers[layers.length - 1];
  return { inputShape: shape ?? null, outputChannels: (last?.config.filters as number | undefined) ?? null };
}
