// Edited labels in IndexedDB (the `labels` store, schema version 3): add a new one, save edits to it,
// list a patient's, read, delete. A label is only ever written to its own record, so the expert's mask
// (the cached slices) and a model's prediction are never overwritten; `addLabel` refuses an id that
// exists, and `saveLabelEdits` refuses a label of another patient or shape, leaving what was stored.
// Thin: no pixel work beyond labelRecord.ts; runs in the page and in workers.
import type { Db } from './schema';
import { describeStorageError } from './quota';
import type { EditedLabel } from './labelRecord';

/** Stores a new label; fails (and stores nothing) when a label with its id exists. */
export async function addLabel(db: Db, label: EditedLabel): Promise<void> {
  try {
    await db.add('labels', label);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'ConstraintError') throw new Error(`a label with id ${label.id} already exists: nothing was saved`, { cause: e });
    throw new Error(describeStorageError(e, labelBytes(label), `saving label ${label.name}`), { cause: e });
  }
}

/**
 * Replaces a stored label by its edited version (labelRecord.withEdits), after checking it is the same
 * label of the same patient and shape; anything else is refused with the stored label unchanged.
 */
export async function saveLabelEdits(db: Db, label: EditedLabel): Promise<void> {
  const tx = db.transaction('labels', 'readwrite');
  const stored = await tx.store.get(label.id);
  const problem = !stored
    ? `label ${label.name} is not stored (save it as a new label)`
    : stored.patientKey !== label.patientKey
      ? `label ${label.name} belongs to ${stored.patientName}, not ${label.patientName}`
      : stored.width !== label.width || stored.height !== label.height || stored.slices !== label.slices
        ? `label ${label.name} is ${stored.width}×${stored.height}×${stored.slices}, the edits are ${label.width}×${label.height}×${label.slices}`
        : null;
  if (problem) {
    tx.abort();
    await tx.done.catch(() => {});
    throw new Error(`${problem}: nothing was saved`);
  }
  try {
    await Promise.all([tx.store.put(label), tx.done]);
  } catch (e) {
    throw new Error(describeStorageError(e, labelBytes(label), `saving label ${label.name}`), { cause: e });
  }
}

export async function getLabel(db: Db, id: string): Promise<EditedLabel | undefined> {
  return db.get('labels', id);
}

/** A patient's labels, newest first. */
export async function listLabels(db: Db, patientKey: string): Promise<EditedLabel[]> {
  return (await db.getAllFromIndex('labels', 'byPatient', patientKey)).sort((a, b) => b.updatedAt - a.updatedAt);
}

export async function deleteLabel(db: Db, id: string): Promise<void> {
  await db.delete('labels', id);
}

function labelBytes(label: EditedLabel): number {
  return label.sliceRuns.reduce((a, r) => a + (r?.byteLength ?? 0), 0) + 1024;
}
