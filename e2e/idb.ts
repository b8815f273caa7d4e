// Reads the app's IndexedDB from inside the page, so tests check what is really stored.
import type { Page } from '@playwright/test';

export interface StoredSummary {
  datasets: { id: string; name: string; slices: number; patientKeys: string[]; patientNames: string[] }[];
  patients: { key: string; name: string; kept: number; start: number; end: number; keptFrom: number; keptTo: number }[];
  sliceCount: number;
}

export function storedSummary(page: Page): Promise<StoredSummary> {
  return page.evaluate(
    () =>
      new Promise<StoredSummary>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['datasets', 'patients', 'slices'], 'readonly');
          const d = tx.objectStore('datasets').getAll();
          const p = tx.objectStore('patients').getAll();
          const n = tx.objectStore('slices').count();
          tx.oncomplete = () => {
            db.close();
            resolve({ datasets: d.result, patients: p.result, sliceCount: n.result });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** SHA-256 (hex) of each stored image and mask slice of one patient, in slice order. */
export function storedSliceHashes(page: Page, patientKey: string): Promise<{ images: string[]; masks: string[] }> {
  return page.evaluate(async (key) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const o = indexedDB.open('liverlab');
      o.onsuccess = () => resolve(o.result);
      o.onerror = () => reject(o.error);
    });
    const rows = await new Promise<{ index: number; image: Uint8Array; mask: Uint8Array }[]>((resolve, reject) => {
      const r = db.transaction('slices').objectStore('slices').getAll(IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    const hex = async (b: Uint8Array) =>
      Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>)), (x) => x.toString(16).padStart(2, '0')).join('');
    rows.sort((a, b) => a.index - b.index);
    return { images: await Promise.all(rows.map((r) => hex(r.image))), masks: await Promise.all(rows.map((r) => hex(r.mask))) };
  }, patientKey);
}

export interface StoredCheckpointSummary {
  runId: string;
  kind: string;
  epoch: number;
  /** Bytes of weight data stored, and the bytes its weight specs call for (equal unless half-written). */
  weightBytes: number;
  specBytes: number;
  optimizerTensors: number;
}

/** Every checkpoint record (all runs), summarised: enough to spot a duplicate or half-written one. */
export function storedCheckpoints(page: Page): Promise<StoredCheckpointSummary[]> {
  return page.evaluate(
    () =>
      new Promise<StoredCheckpointSummary[]>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const r = db.transaction('checkpoints').objectStore('checkpoints').getAll();
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            db.close();
            type Row = { runId: string; kind: string; epoch: number; model: { weightData: ArrayBuffer; weightSpecs: { shape: number[]; dtype: string }[] }; optimizer: unknown[] };
            resolve(
              (r.result as Row[]).map((c) => ({
                runId: c.runId,
                kind: c.kind,
                epoch: c.epoch,
                weightBytes: c.model.weightData.byteLength,
                specBytes: c.model.weightSpecs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0),
                optimizerTensors: c.optimizer.length,
              })),
            );
          };
        };
      }),
  );
}
