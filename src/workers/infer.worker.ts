// Worker: runs a stored model over cached patients (evaluation now; whole-patient segmentation for
// the viewer builds on the same loading). The model, backend and pixels stay in this worker.
import { expose } from 'comlink';
import type * as tfl from '@tensorflow/tfjs-layers';
import { chooseBackend, setWasmPaths, type BackendName } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { evaluate, type Evaluation } from '../model/evaluate';
import { modelInputSize } from '../model/modelFiles';
import { buildSliceSet } from '../model/sliceSet';
import { openCache } from '../storage/schema';
import { listPatients } from '../storage/datasets';
import { readPatientVolume } from '../storage/readPatient';
import { getModel } from '../storage/runs';
import { TFJS_WASM_PATHS } from './wasmAssets';

let loaded: { id: string; model: tfl.LayersModel; size: number } | null = null;
let backend: BackendName | null = null;

async function modelById(id: string) {
  if (loaded?.id === id) return loaded;
  if (!backend) {
    setWasmPaths(TFJS_WASM_PATHS);
    backend = (await chooseBackend()).backend;
  }
  const db = await openCache();
  const stored = await getModel(db, id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  const fit = modelInputSize(stored.model);
  if (!fit.ok) throw new Error(fit.message);
  loaded?.model.dispose();
  loaded = { id, model: await restoreModel(stored.model), size: fit.size };
  return loaded;
}

const inferApi = {
  /** Volume Dice of the model on each of the given cached patients (resized to the model's input). */
  async evaluate(modelId: string, patientKeys: string[], threshold = 0.5): Promise<Evaluation & { backend: BackendName; size: number }> {
    const { model, size } = await modelById(modelId);
    const db = await openCache();
    const metas = await listPatients(db, patientKeys);
    const volumes = [];
    for (const m of metas) {
      const v = await readPatientVolume(db, m);
      volumes.push({ name: m.name, width: m.width, height: m.height, kept: m.kept, images: v.images, masks: v.masks });
    }
    const result = await evaluate(model, buildSliceSet(volumes, size), 4, threshold);
    return { ...result, backend: backend!, size };
  },
};

export type InferApi = typeof inferApi;
expose(inferApi);
