// Reading and writing the processed-data cache. Atomic by construction: a patient (metadata and
// every slice) is one IndexedDB transaction, so a crash, reload or quota error leaves either all
// of it or none; a dataset record is written last, so a dataset is visible only when complete;
// patients no dataset refers to are swept (never while another tab is still writing them).
import type { Db, CachedDataset, CachedPatient, CachedSlice, StoredSliceRun } from './schema';
import { describeStorageError } from './quota';
import { foregroundRuns } from '../common/maskRuns';
import { readRunSlices, sliceRecords, type SliceMaskRuns } from './sliceRecords';

export type { SliceMaskRuns } from './sliceRecords';

const INGEST_LOCK = 'liverlab-ingest';

/** Runs `work` while holding the shared ingest lock, so no sweep deletes what it writes. */
export async function whileIngesting<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !navigator.locks) return work();
  return navigator.locks.request(INGEST_LOCK, { mode: 'shared' }, work);
}

export async function findPatient(db: Db, key: string): Promise<CachedPatient | undefined> {
  return db.get('patients', key);
}

/**
 * Writes one processed patient, metadata and slices, in a single transaction. Returns the record
 * written: `meta` with `bytes` set to what its slices take in the cache.
 */
export async function putPatient(db: Db, meta: CachedPatient, images: Uint8Array, masks: Uint8Array): Promise<CachedPatient> {
  const px = meta.width * meta.height;
  if (images.length !== meta.kept * px || masks.length !== meta.kept * px) {
    throw new Error(`${meta.name}: ${meta.kept} slices of ${meta.width}×${meta.height} expected, got ${images.length} image and ${masks.length} mask bytes`);
  }
  const perSlice = Array.from({ length: meta.kept }, (_, i) => foregroundRuns(masks.subarray(i * px, (i + 1) * px)));
  const { records, bytes } = sliceRecords(meta.key, 0, px, images, perSlice);
  const record: CachedPatient = { ...meta, bytes };
  const tx = db.transaction(['patients', 'slices'], 'readwrite');
  try {
    const slices = tx.objectStore('slices');
    await Promise.all([...records.map((r) => slices.put(r)), tx.objectStore('patients').put(record), tx.done]);
    return record;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already aborted */
    }
    throw new Error(describeStorageError(e, bytes, `caching ${meta.name}`), { cause: e });
  }
}

/**
 * Writes some of a patient's kept slices (from `offset`), in one transaction, without its patient
 * record: invisible until `commitPatient`, swept as an orphan if that never comes. Lets the workers of
 * the pool each store the slices they processed, as they go. Returns the bytes the slices take in the
 * cache. `images` is copied (into Blobs) before this returns its promise: the caller may reuse it at
 * once. `wholeImageBytes`: the unpacked image bytes of everything the caller is writing this way (these
 * slices by default); a quota error estimates what that needs from how well these slices packed.
 */
export function putSlices(db: Db, patientKey: string, name: string, offset: number, px: number, images: Uint8Array, masks: SliceMaskRuns, wholeImageBytes?: number): Promise<number> {
  const count = images.length / px;
  if (!Number.isInteger(count) || masks.length !== count) {
    return Promise.reject(new Error(`${name}: slices of ${px} pixels expected, got ${images.length} image bytes and masks for ${masks.length} slices`));
  }
  const { records, bytes } = sliceRecords(patientKey, offset, px, images, masks);
  const needed = wholeImageBytes === undefined || images.length === 0 ? bytes : Math.ceil((bytes * wholeImageBytes) / images.length);
  return writeSliceRecords(db, records, bytes, needed, name);
}

async function writeSliceRecords(db: Db, records: StoredSliceRun[], bytes: number, neededBytes: number, name: string): Promise<number> {
  const tx = db.transaction('slices', 'readwrite');
  try {
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
    return bytes;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already aborted */
    }
    throw new Error(describeStorageError(e, neededBytes, `caching ${name}`), { cause: e });
  }
}

/** Makes a patient whose slices were stored by `putSlices` visible, once every one of its slices is there. */
export async function commitPatient(db: Db, meta: CachedPatient): Promise<void> {
  const tx = db.transaction(['patients', 'slices'], 'readwrite');
  let stored = 0;
  let cursor = await tx.objectStore('slices').openCursor(IDBKeyRange.bound([meta.key, 0], [meta.key, meta.kept - 1]));
  while (cursor) {
    stored += cursor.value.count ?? 1;
    cursor = await cursor.continue();
  }
  if (stored !== meta.kept) {
    tx.abort();
    await tx.done.catch(() => {});
    throw new Error(`${meta.name}: ${stored} of ${meta.kept} slices reached the cache; nothing was kept`);
  }
  await tx.objectStore('patients').put(meta);
  await tx.done;
}

/** Removes slices written for a patient that will not be committed (a failed or cancelled share). */
export async function discardSlices(db: Db, patientKey: string): Promise<void> {
  const tx = db.transaction(['patients', 'slices'], 'readwrite');
  if (await tx.objectStore('patients').get(patientKey)) {
    await tx.done; // committed meanwhile (another tab made the same patient): keep it
    return;
  }
  await tx.objectStore('slices').delete(IDBKeyRange.bound([patientKey, 0], [patientKey, Number.MAX_SAFE_INTEGER]));
  await tx.done;
}

/** Slices `from`..`to` (inclusive) of a cached patient, in order. */
export async function readSlices(db: Db, patientKey: string, from = 0, to = Infinity): Promise<CachedSlice[]> {
  const last = Math.min(to, Number.MAX_SAFE_INTEGER);
  const tx = db.transaction('slices');
  // The run holding `from` may start before it: begin at the last run starting at or before `from`.
  const before = await tx.store.openCursor(IDBKeyRange.bound([patientKey, 0], [patientKey, from]), 'prev');
  const runs = await tx.store.getAll(IDBKeyRange.bound([patientKey, before ? before.value.index : from], [patientKey, last]));
  const out: CachedSlice[] = [];
  for (const run of runs) {
    const count = run.count ?? 1;
    const lo = Math.max(from, run.index);
    const hi = Math.min(last, run.index + count - 1);
    if (lo > hi) continue;
    const { px, images, masks } = await readRunSlices(run, lo - run.index, hi - run.index);
    for (let i = lo; i <= hi; i++) {
      const at = (i - lo) * px;
      out.push({ patientKey, index: i, image: images.subarray(at, at + px), mask: masks.subarray(at, at + px) });
    }
  }
  return out;
}

export async function readSlice(db: Db, patientKey: string, index: number): Promise<CachedSlice | undefined> {
  return (await readSlices(db, patientKey, index, index))[0];
}

export async function commitDataset(db: Db, dataset: CachedDataset): Promise<void> {
  const tx = db.transaction(['datasets', 'patients'], 'readwrite');
  for (const key of dataset.patientKeys) {
    if (!(await tx.objectStore('patients').get(key))) {
      tx.abort();
      throw new Error(`dataset ${dataset.name}: patient ${key.slice(0, 12)} is not in the cache`);
    }
  }
  await tx.objectStore('datasets').put(dataset);
  await tx.done;
}

export async function listDatasets(db: Db): Promise<CachedDataset[]> {
  const all = await db.getAll('datasets');
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getDataset(db: Db, id: string): Promise<CachedDataset | undefined> {
  return db.get('datasets', id);
}

export async function listPatients(db: Db, keys: string[]): Promise<CachedPatient[]> {
  const out: CachedPatient[] = [];
  for (const k of keys) {
    const p = await db.get('patients', k);
    if (p) out.push(p);
  }
  return out;
}

export async function renameDataset(db: Db, id: string, name: string): Promise<void> {
  const tx = db.transaction('datasets', 'readwrite');
  const d = await tx.store.get(id);
  if (!d) throw new Error(`no dataset ${id}`);
  await tx.store.put({ ...d, name: name.trim() || d.name });
  await tx.done;
}

/** Deletes a dataset and every patient no other dataset uses, in one transaction. */
export async function deleteDataset(db: Db, id: string): Promise<void> {
  const tx = db.transaction(['datasets', 'patients', 'slices'], 'readwrite');
  const datasets = tx.objectStore('datasets');
  const gone = await datasets.get(id);
  if (!gone) return;
  await datasets.delete(id);
  const stillUsed = new Set((await datasets.getAll()).flatMap((d) => d.patientKeys));
  for (const key of gone.patientKeys) {
    if (stillUsed.has(key)) continue;
    await tx.objectStore('patients').delete(key);
    await tx.objectStore('slices').delete(IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]));
  }
  await tx.done;
}

/**
 * Removes patients that no dataset refers to (left by a cancelled or crashed ingest). Skipped,
 * returning -1, while any tab holds the ingest lock; `keep` protects this tab's own work.
 */
export async function sweepOrphans(db: Db, keep: ReadonlySet<string> = new Set()): Promise<number> {
  const sweep = async () => {
    const tx = db.transaction(['datasets', 'patients', 'slices'], 'readwrite');
    const used = new Set((await tx.objectStore('datasets').getAll()).flatMap((d) => d.patientKeys));
    let removed = 0;
    for (const key of await tx.objectStore('patients').getAllKeys()) {
      if (used.has(key) || keep.has(key)) continue;
      await tx.objectStore('patients').delete(key);
      await tx.objectStore('slices').delete(IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]));
      removed++;
    }
    // Slices whose patient record is missing cannot come from an atomic write, but sweep them too.
    let cursor = await tx.objectStore('slices').openKeyCursor();
    const known = new Set(await tx.objectStore('patients').getAllKeys());
    while (cursor) {
      const [pk] = cursor.key;
      if (!known.has(pk) && !keep.has(pk)) {
        await tx.objectStore('slices').delete(IDBKeyRange.bound([pk, 0], [pk, Number.MAX_SAFE_INTEGER]));
        cursor = await cursor.continue([pk, Number.MAX_SAFE_INTEGER]);
      } else cursor = await cursor.continue();
    }
    await tx.done;
    return removed;
  };
  if (typeof navigator === 'undefined' || !navigator.locks) return sweep();
  return navigator.locks.request(INGEST_LOCK, { mode: 'exclusive', ifAvailable: true }, (lock) => (lock ? sweep() : -1));
}
