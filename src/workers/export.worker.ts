// Worker: the dataset exports. The reference HDF5 (images /255, masks 0/1, float32, (N, H, W, 1))
// written with h5wasm in memory and handed back as a transferable buffer; and the Medical
// Segmentation Decathlon zip for nnU-Net / MONAI (jobs/msdExport), read from the dropped original
// DICOM and written as a stream into the file the user picked, or into Blob parts (msdSinks.ts).
import { expose, transfer } from 'comlink';
import * as h5 from 'h5wasm';
import { openCache } from '../storage/schema';
import { getDataset, listPatients } from '../storage/datasets';
import { readPatientVolume } from '../storage/readPatient';
import { writeReferenceHdf5, type Hdf5Patient } from '../export/hdf5';
import { zipFileTree } from '../export/fileTree';
import { exportMsd, type MsdExportSummary, type MsdProgress } from '../jobs/msdExport/exportMsd';
import { blobSource, type DroppedFile } from '../common/blobSource';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';
import { blobSink, fileHandleSink } from './msdSinks';

const PROGRESS_MS = 100;

export type MsdZipOutcome = { ok: true; summary: MsdExportSummary; blob: Blob | null } | { ok: false; message: string };

const exportApi = {
  async datasetToHdf5(id: string): Promise<{ bytes: Uint8Array; slices: number }> {
    const db = await openCache();
    const dataset = await getDataset(db, id);
    if (!dataset) throw new Error(`dataset ${id} is not in the cache`);
    const withoutTruth = new Set(dataset.withoutTruth ?? []);
    const metas = await listPatients(db, dataset.patientKeys.filter((key) => !withoutTruth.has(key))); // training pairs only
    await h5.ready;
    const path = `/export-${id}.h5`;
    async function* volumes(): AsyncIterable<Hdf5Patient> {
      for (const m of metas) {
        const v = await readPatientVolume(db, m);
        yield { name: m.name, width: m.width, height: m.height, kept: m.kept, images: v.images, masks: v.masks };
      }
    }
    const { slices } = await writeReferenceHdf5(h5, path, volumes());
    const fs = h5.FS!;
    const bytes = fs.readFile(path) as Uint8Array;
    fs.unlink(path);
    return transfer({ bytes, slices }, [bytes.buffer]);
  },

  /**
   * The patients' CT (HU) and `organ` masks as an MSD zip, streamed into `target` (a picked file) or,
   * without one, into a Blob returned for download. A failure aborts the target and says why.
   */
  async patientsToMsdZip(files: DroppedFile[], patients: string[], organ: string, target: FileSystemFileHandle | null, onProgress?: (p: MsdProgress) => void): Promise<MsdZipOutcome> {
    await loadZlibWasm();
    let last = -Infinity;
    const throttled = (p: MsdProgress) => {
      if (performance.now() - last < PROGRESS_MS && p.slice !== p.slices) return;
      last = performance.now();
      onProgress?.(p);
    };
    const blobs = target ? null : blobSink();
    try {
      const sink = target ? await fileHandleSink(target) : blobs!;
      const result = await exportMsd(files.map(blobSource), patients, organ, zipFileTree(sink), { onProgress: throttled });
      if (!result.ok) return { ok: false, message: `${result.problem.file}: ${result.problem.message}` };
      return { ok: true, summary: result.value, blob: blobs ? blobs.blob() : null };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return { ok: false, message: `${target ? target.name : 'the download'}: ${reason}` };
    }
  },
};

export type ExportApi = typeof exportApi;
expose(exportApi);
