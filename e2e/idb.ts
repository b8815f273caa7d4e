// Reads the app's IndexedDB from inside the page, so tests check what is really stored.
import type { Page } from '@playwright/test';

/**
 * Installs in the page (once per load) the tests' own reader of a stored run's images, as
 * `globalThis.__storedRunImages(run)`: count·W·H raw bytes, unpacking PackBits-packed runs (records
 * with `packedEnds`, src/storage/schema.ts) with a decoder written here, not the app's.
 */
export async function installStoredImageReader(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Run = { count?: number; image: Blob | Uint8Array; pixels?: number; packedEnds?: Uint32Array };
    const g = globalThis as unknown as { __storedRunImages?: (run: Run) => Promise<Uint8Array> };
    g.__storedRunImages ??= async (run) => {
      const data = run.image instanceof Blob ? new Uint8Array(await run.image.arrayBuffer()) : run.image;
      if (!run.packedEnds) return data;
      const px = run.pixels!;
      const out = new Uint8Array(run.packedEnds.length * px);
      let o = 0;
      for (let s = 0, i = 0; s < run.packedEnds.length; s++) {
        for (const end = run.packedEnds[s]; i < end; ) {
          const header = data[i] > 127 ? data[i] - 256 : data[i];
          i++;
          if (header >= 0) {
            out.set(data.subarray(i, i + header + 1), o);
            o += header + 1;
            i += header + 1;
          } else if (header > -128) {
            out.fill(data[i], o, o + 1 - header);
            o += 1 - header;
            i++;
          }
        }
        if (o !== (s + 1) * px) throw new Error(`stored slice ${s} of a run unpacks to ${o - s * px} bytes, not ${px}`);
      }
      return out;
    };
  });
}

export interface StoredSummary {
  datasets: { id: string; name: string; slices: number; patientKeys: string[]; patientNames: string[] }[];
  patients: { key: string; name: string; kept: number; start: number; end: number; keptFrom: number; keptTo: number; width: number; height: number; bytes: number; groundTruth?: false }[];
  sliceCount: number;
  /** What each patient's slice records hold: packed images and where each ends, plus the masks' runs (or bytes, older caches). */
  storedBytes: Record<string, number>;
}

export async function storedSummary(page: Page): Promise<StoredSummary> {
  const summary = await page.evaluate(
    () =>
      new Promise<{ datasets: StoredSummary['datasets']; patients: StoredSummary['patients']; runCounts: number[]; storedBytes: Record<string, number> }>((resolve, reject) => {
        const open = indexedDB.open('liverlab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['datasets', 'patients', 'slices'], 'readonly');
          const d = tx.objectStore('datasets').getAll();
          const p = tx.objectStore('patients').getAll();
          const s = tx.objectStore('slices').getAll();
          tx.oncomplete = () => {
            db.close();
            type Run = { patientKey: string; count?: number; image: Blob | Uint8Array; packedEnds?: Uint32Array; mask?: Blob | Uint8Array; maskRuns?: Uint32Array };
            const size = (b: Blob | Uint8Array | undefined) => (b === undefined ? 0 : b instanceof Blob ? b.size : b.byteLength);
            const storedBytes: Record<string, number> = {};
            for (const r of s.result as Run[]) {
              const bytes = size(r.image) + (r.packedEnds?.byteLength ?? 0) + (r.maskRuns?.byteLength ?? size(r.mask));
              storedBytes[r.patientKey] = (storedBytes[r.patientKey] ?? 0) + bytes;
            }
            resolve({ datasets: d.result, patients: p.result, runCounts: (s.result as Run[]).map((r) => r.count ?? 1), storedBytes });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  // The store holds runs of slices (src/storage/schema.ts StoredSliceRun): count slices, not records.
  return { datasets: summary.datasets, patients: summary.patients, sliceCount: summary.runCounts.reduce((a, b) => a + b, 0), storedBytes: summary.storedBytes };
}

/** One stored slice as the page sees it: sizes, SHA-256 of image and mask, or the mask's values. */
export interface StoredSliceInfo {
  patientKey: string;
  index: number;
  imageBytes: number;
  maskBytes: number;
  imageHash?: string;
  maskHash?: string;
  mask?: Uint8Array;
  /** The stored grey levels (with `images`). */
  image?: Uint8Array;
}

/**
 * Every stored slice (of one patient, or of all with `patientKey` null), in (patient, index) order,
 * read from IndexedDB in the page: runs of slices are split back into slices, whatever their format.
 */
export async function storedSlices(page: Page, patientKey: string | null, want: { hashes?: boolean; masks?: boolean; images?: boolean; only?: number[] } = {}): Promise<StoredSliceInfo[]> {
  await installStoredImageReader(page);
  // Pixels cross from the page as base64: a real patient's masks as arrays of numbers took minutes to serialise.
  const fromBase64 = (b64: string | undefined) => (b64 === undefined ? undefined : new Uint8Array(Buffer.from(b64, 'base64')));
  const slices = await page.evaluate(
    async ({ key, hashes, masks, images, only }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const o = indexedDB.open('liverlab');
        o.onsuccess = () => resolve(o.result);
        o.onerror = () => reject(o.error);
      });
      type Run = { patientKey: string; index: number; count?: number; image: Blob | Uint8Array; pixels?: number; packedEnds?: Uint32Array; mask?: Blob | Uint8Array; maskRuns?: Uint32Array };
      const imagesOf = (globalThis as unknown as { __storedRunImages: (run: Run) => Promise<Uint8Array> }).__storedRunImages;
      const rows = await new Promise<Run[]>((resolve, reject) => {
        const range = key === null ? undefined : IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);
        const r = db.transaction('slices').objectStore('slices').getAll(range);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      db.close();
      const bytes = async (b: Blob | Uint8Array) => (b instanceof Blob ? new Uint8Array(await b.arrayBuffer()) : b);
      const hex = async (b: Uint8Array) =>
        Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)), (x) => x.toString(16).padStart(2, '0')).join('');
      const base64 = (b: Uint8Array) => {
        let text = '';
        for (let i = 0; i < b.length; i += 0x8000) text += String.fromCharCode(...b.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const out: (Omit<StoredSliceInfo, 'mask' | 'image'> & { mask?: string; image?: string })[] = [];
      for (const run of rows) {
        const count = run.count ?? 1;
        const image = await imagesOf(run);
        const px = image.length / count;
        // Masks are stored as foreground runs [start, length, …] over the run's pixels (older: bytes).
        const mask = run.maskRuns ? new Uint8Array(image.length) : await bytes(run.mask!);
        for (let r = 0; run.maskRuns && r < run.maskRuns.length; r += 2) mask.fill(1, run.maskRuns[r], run.maskRuns[r] + run.maskRuns[r + 1]);
        const maskPx = mask.length / count;
        for (let i = 0; i < count; i++) {
          if (only && !only.includes(run.index + i)) continue;
          const img = image.subarray(i * px, (i + 1) * px);
          const msk = mask.subarray(i * maskPx, (i + 1) * maskPx);
          out.push({
            patientKey: run.patientKey,
            index: run.index + i,
            imageBytes: img.length,
            maskBytes: msk.length,
            ...(hashes ? { imageHash: await hex(img), maskHash: await hex(msk) } : {}),
            ...(masks ? { mask: base64(msk) } : {}),
            ...(images ? { image: base64(img) } : {}),
          });
        }
      }
      return out;
    },
    { key: patientKey, hashes: want.hashes === true, masks: want.masks === true, images: want.images === true, only: want.only ?? null },
  );
  return slices.map(({ mask, image, ...rest }) => ({ ...rest, ...(mask === undefined ? {} : { mask: fromBase64(mask) }), ...(image === undefined ? {} : { image: fromBase64(image) }) }));
}

/** SHA-256 (hex) of each stored image and mask slice of one patient, in slice order. */
export async function storedSliceHashes(page: Page, patientKey: string): Promise<{ images: string[]; masks: string[] }> {
  const slices = (await storedSlices(page, patientKey, { hashes: true })).sort((a, b) => a.index - b.index);
  return { images: slices.map((s) => s.imageHash as string), masks: slices.map((s) => s.maskHash as string) };
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
