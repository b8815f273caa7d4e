// Export and import of models as files, between IndexedDB and the user's disk: tfjs layers models
// (model.json + .bin) and ONNX models with their sidecar (`<name>.onnx` + `<name>.liverlab.json`).
// An ONNX model and its sidecar are checked in the infer worker (ONNX Runtime reads the model's
// shapes) before anything is stored; a model that does not fit is refused, naming the file. Downloads
// are made in the page, nothing is uploaded anywhere.
import { openCache } from '../storage/schema';
import { getModel, getRun, putModel } from '../storage/runs';
import { announce } from '../storage/tabSync';
import { fromModelFiles, modelInputSize, toModelFiles } from '../model/modelFiles';
import { parseSidecar, sidecarNameOf, type OnnxShapes, type OnnxSidecar } from '../model/onnxSidecar';
import { downloadBlob } from '../workers/exportClient';
import { inferWorker } from '../workers/inferClient';

const fileBase = (name: string) => name.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 60) || 'liverlab-unet';

export async function exportModelFiles(id: string): Promise<void> {
  const stored = await getModel(await openCache(), id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  const base = fileBase(stored.name);
  if (stored.onnx) {
    downloadBlob(new Blob([stored.onnx.bytes], { type: 'application/octet-stream' }), `${base}.onnx`);
    downloadBlob(new Blob([`${JSON.stringify(stored.onnx.sidecar, null, 2)}\n`], { type: 'application/json' }), sidecarNameOf(`${base}.onnx`));
    return;
  }
  if (!stored.model) throw new Error(`model ${stored.name} has no weights stored`);
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

/** What an import needs next: done, or (an ONNX model without its sidecar) the sidecar, asked for with these shapes. */
export type ImportOutcome = { imported: string } | { needsSidecar: { file: File; shapes: OnnxShapes } };

/** Imports model.json + its .bin files, or a .onnx with its .liverlab.json; throws with a clear message when they do not fit. */
export async function importModelFiles(files: File[]): Promise<ImportOutcome> {
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (onnx) {
    const sidecarFile = files.find((f) => f.name.toLowerCase() === sidecarNameOf(onnx.name).toLowerCase()) ?? files.find((f) => f.name.toLowerCase().endsWith('.liverlab.json'));
    if (!sidecarFile) {
      const { shapes, problem } = await inferWorker().inspectOnnx(await onnx.arrayBuffer(), onnx.name, null);
      if (problem || !shapes) throw new Error(problem ?? `${onnx.name}: unreadable`);
      return { needsSidecar: { file: onnx, shapes } };
    }
    const sidecar = parseSidecar(await sidecarFile.text(), sidecarFile.name);
    if (!sidecar.ok) throw new Error(`${sidecar.problem.file}: ${sidecar.problem.message}`);
    return { imported: await importOnnxModel(onnx, sidecar.value) };
  }
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!json) throw new Error('choose the model.json file together with its .bin weights file(s), or a .onnx model with its .liverlab.json sidecar');
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
  announce({ kind: 'models' });
  return { imported: id };
}

/** Stores an ONNX model with its sidecar once the infer worker says they fit; nothing is stored otherwise. */
export async function importOnnxModel(file: File, sidecar: OnnxSidecar): Promise<string> {
  const bytes = await file.arrayBuffer();
  const { problem } = await inferWorker().inspectOnnx(bytes.slice(0), file.name, sidecar);
  if (problem) throw new Error(problem);
  const id = `import:${Date.now().toString(36)}`;
  await putModel(await openCache(), {
    id,
    name: file.name.replace(/\.onnx$/i, ''),
    createdAt: Date.now(),
    source: 'import',
    size: sidecar.inputSize,
    baseFilters: null,
    valDice: null,
    onnx: { fileName: file.name, bytes, sidecar },
  });
  announce({ kind: 'models' });
  return id;
}
