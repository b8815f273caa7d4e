// Worker: discovers patients in dropped files (unzip, DICOM headers, mask extents) off the main
// thread, and generates the demo phantom. Only a shell around dicom/ and phantom/.
import { expose, transfer } from 'comlink';
import { scanPatients } from '../discovery/scanPatients';
import { blobSource, type DroppedFile } from '../common/blobSource';
import { generatePhantomDataset } from '../phantom/phantom';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';

export interface DemoOptions {
  count: number;
  size: number;
  slices: number;
  seed: number;
}

const PROGRESS_MS = 100;
/** zlib's WASM build, loading from the worker's start (the scan inflates headers and masks). */
const zlibReady = loadZlibWasm();

const scanApi = {
  /** `checkOrgans`: organs whose mask pixels are read (their non-empty range); others and the CT: headers only. */
  async scan(files: DroppedFile[], onProgress?: (done: number, total?: number) => void, checkOrgans?: string[]) {
    // Progress is counted per file: at most one message to the page every PROGRESS_MS, and the last.
    const progress = { last: -Infinity, unsent: null as [number, number | undefined] | null };
    const throttled = onProgress
      ? (done: number, total?: number) => {
          progress.unsent = [done, total];
          if (performance.now() - progress.last < PROGRESS_MS && done !== total) return;
          progress.last = performance.now();
          progress.unsent = null;
          onProgress(done, total);
        }
      : undefined;
    await zlibReady;
    const result = await scanPatients(files.map(blobSource), { onProgress: throttled, ...(checkOrgans ? { checkOrgans } : {}) });
    if (onProgress && progress.unsent) onProgress(...progress.unsent);
    return result;
  },

  /** The demo dataset: phantom patients as DICOM files, handed back as Blobs to go through the normal ingest. */
  async demoFiles(opts: DemoOptions): Promise<DroppedFile[]> {
    const patients = generatePhantomDataset(opts);
    const out: DroppedFile[] = [];
    for (const p of patients) {
      for (const f of p.files) out.push({ path: f.path, file: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) });
    }
    return transfer(out, []);
  },
};

export type ScanApi = typeof scanApi;
expose(scanApi);
