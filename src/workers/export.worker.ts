// Worker: writes a cached dataset as the reference HDF5 (images /255, masks 0/1, float32,
// (N, H, W, 1)) with h5wasm in memory, and hands the file back as a transferable buffer.
import { expose, transfer } from 'comlink';
import * as h5 from 'h5wasm';
import { openCache } from '../storage/schema';
import { getDataset, listPatients } from '../storage/datasets';
import { readPatientVolume } from '../storage/readPatient';
import { writeReferenceHdf5, type Hdf5Patient } from '../export/hdf5';

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
};

export type ExportApi = typeof exportApi;
expose(exportApi);
