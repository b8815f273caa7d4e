// Export and import of models as files (tfjs layers format), between IndexedDB and the user's
// disk: downloads are made in the page, nothing is uploaded anywhere.
import { openCache } from '../storage/schema';
import { getModel, getRun, putModel } from '../storage/runs';
import { fromModelFiles, modelInputSize, toModelFiles } from '../model/modelFiles';
import { downloadBlob } from '../workers/exportClient';

export async function exportModelFiles(id: string): Promise<void> {
  const stored = await getModel(await openCache(), id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  const base = stored.name.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 60) || 'liverlab-unet';
  // A run's best model carries how it was trained (seed, settings, split, every epoch) in model.json.
  const run = stored.runId ? await getRun(await openCache(), stored.runId) : undefined;
  const training = run && {
    run: run.name, seed: run.settings.seed, settings: run.settings, train: run.train.map((p) => p.name), val: run.val.map((p) => p.name),
    bestEpoch: run.state.bestEpoch, history: run.state.history,
  };
  const files = toModelFiles(stored.model, base, training);
  downloadBlob(new Blob([files.modelJson], { type: 'application/json' }), `${base}.json`);
  downloadBlob(new Blob([files.weights], { type: 'application/octet-stream' }), files.weightsName);
}

/** Imports model.json + its .bin files; throws with a clear message when they do not fit. */
export async function importModelFiles(files: File[]): Promise<string> {
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!json) throw new Error('choose the model.json file together with its .bin weights file(s)');
  const bins = new Map<string, ArrayBuffer>();
  for (const f of files) if (f !== json) bins.set(f.name, await f.arrayBuffer());
  const snapshot = fromModelFiles(await json.text(), bins);
  const fit = modelInputSize(snapshot);
  if (!fit.ok) throw new Error(`${json.name}: ${fit.message}`);
  const id = `import:${Date.now().toString(36)}`;
  await putModel(await openCache(), {
    id,
    name: json.name.replace(/\.json$/i, ''),
    createdAt: Date.now(),
    source: 'import',
    size: fit.size,
    baseFilters: null,
    valDice: null,
    model: snapshot,
  });
  return id;
}
