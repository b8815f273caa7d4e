// Training runs, their checkpoints and the models kept for the viewer, in IndexedDB. Everything an
// epoch changes (the run's state and status, its checkpoints, the best model) is written in one
// transaction, so after a crash or reload the run, its weights and its model always agree — and the
// last epoch's write also says 'finished', so a run whose every epoch was saved is never left
// reading 'running'. Thin: no training here; runs in the page and in workers.
import type { Db, Checkpoint, StoredModel, TrainingRun } from './schema';
import { describeStorageError } from './quota';

export async function putRun(db: Db, run: TrainingRun): Promise<void> {
  await db.put('runs', run);
}

export async function getRun(db: Db, id: string): Promise<TrainingRun | undefined> {
  return db.get('runs', id);
}

export async function listRuns(db: Db): Promise<TrainingRun[]> {
  return (await db.getAll('runs')).sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * Saves the run (state and status) with its `last` checkpoint, and `best` and the kept model when the
 * epoch improved, atomically: a reload or a killed worker leaves either all of them or none.
 */
export async function saveEpoch(db: Db, run: TrainingRun, last: Checkpoint, best: Checkpoint | null, model: StoredModel | null): Promise<void> {
  const tx = db.transaction(['runs', 'checkpoints', 'models'], 'readwrite');
  try {
    const writes: Promise<unknown>[] = [tx.objectStore('runs').put(run), tx.objectStore('checkpoints').put(last)];
    if (best) writes.push(tx.objectStore('checkpoints').put(best));
    if (model) writes.push(tx.objectStore('models').put(model));
    await Promise.all([...writes, tx.done]);
  } catch (e) {
    throw new Error(describeStorageError(e, last.model.weightData.byteLength * 3, `the checkpoint of epoch ${last.epoch}`), { cause: e });
  }
}

export async function getCheckpoint(db: Db, runId: string, kind: 'last' | 'best'): Promise<Checkpoint | undefined> {
  return db.get('checkpoints', [runId, kind]);
}

export async function deleteRun(db: Db, id: string): Promise<void> {
  const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
  await Promise.all([
    tx.objectStore('runs').delete(id),
    tx.objectStore('checkpoints').delete([id, 'last']),
    tx.objectStore('checkpoints').delete([id, 'best']),
    tx.done,
  ]);
}

export async function putModel(db: Db, model: StoredModel): Promise<void> {
  await db.put('models', model);
}

export async function getModel(db: Db, id: string): Promise<StoredModel | undefined> {
  return db.get('models', id);
}

/** A stored model as lists show it: no weights; an ONNX model is marked `format: 'onnx'`, with its sidecar's threshold. */
export type ModelListing = Omit<StoredModel, 'model' | 'onnx'> & { format?: 'onnx'; threshold?: number };

export async function listModels(db: Db): Promise<ModelListing[]> {
  const all = await db.getAll('models');
  return all.sort((a, b) => b.createdAt - a.createdAt).map(({ model: _model, onnx, ...meta }) => ({ ...meta, ...(onnx ? { format: 'onnx' as const, threshold: onnx.sidecar.threshold } : {}) }));
}

export async function deleteModel(db: Db, id: string): Promise<void> {
  await db.delete('models', id);
}
