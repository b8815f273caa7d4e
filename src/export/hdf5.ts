// HDF5 export in the reference Keras tutorial's layout, the way out to Keras/TensorFlow:
// datasets `images` and `masks`, float32, shape (N, H, W, 1), images /255, masks 0/1.
// Uses h5wasm (the HDF5 C library compiled to WASM); the caller passes the loaded module so the
// same code writes to the real file system in Node and to MEMFS in the browser.
import type * as H5 from 'h5wasm';
import type { PatientVolumeLike } from '../model/sliceSet';
import { toBinaryFloats, toUnitFloats } from './trainingFloats';

/** A patient's kept slices: kept × H × W uint8 images after CLAHE (before /255) and 0/1 masks. */
export type Hdf5Patient = PatientVolumeLike;

type H5Module = Pick<typeof H5, 'File'>;

/** Slices converted to float32 and handed to HDF5 at a time: 16 MB of floats at 512², not the whole patient. */
const SLICES_PER_WRITE = 8;

/**
 * Writes patients one after another into `path`, appending along N a few slices at a time (the
 * float32 copies of only SLICES_PER_WRITE slices are in memory, here and in HDF5's heap). Returns
 * the number of slices written.
 */
export async function writeReferenceHdf5(h5: H5Module, path: string, patients: AsyncIterable<Hdf5Patient> | Iterable<Hdf5Patient>): Promise<{ slices: number; patients: string[] }> {
  const file = new h5.File(path, 'w');
  let images: H5.Dataset | null = null;
  let masks: H5.Dataset | null = null;
  let n = 0;
  let size: [number, number] | null = null;
  const names: string[] = [];
  let img = new Float32Array(0);
  let msk = new Float32Array(0);
  try {
    for await (const p of patients) {
      if (!size) size = [p.height, p.width];
      else if (size[0] !== p.height || size[1] !== p.width) {
        throw new Error(`${p.name}: ${p.width}×${p.height} differs from the first patient's ${size[1]}×${size[0]}; HDF5 needs one size`);
      }
      const px = p.width * p.height;
      if (img.length !== SLICES_PER_WRITE * px) {
        img = new Float32Array(SLICES_PER_WRITE * px);
        msk = new Float32Array(SLICES_PER_WRITE * px);
      }
      // A first patient with no kept slice still creates the datasets (N = 0), as h5py readers expect them.
      for (let first = 0; first < p.kept || (!images && first === 0); first += SLICES_PER_WRITE) {
        const count = Math.min(SLICES_PER_WRITE, p.kept - first);
        const imgPart = img.subarray(0, count * px);
        const mskPart = msk.subarray(0, count * px);
        toUnitFloats(p.images.subarray(first * px, (first + count) * px), imgPart);
        toBinaryFloats(p.masks.subarray(first * px, (first + count) * px), mskPart);
        if (!images || !masks) {
          const common = { shape: [count, p.height, p.width, 1], dtype: '<f4', maxshape: [null, p.height, p.width, 1], chunks: [1, p.height, p.width, 1] };
          images = file.create_dataset({ name: 'images', data: imgPart, ...common });
          masks = file.create_dataset({ name: 'masks', data: mskPart, ...common });
        } else {
          const ranges: [number, number][] = [[n, n + count], [0, p.height], [0, p.width], [0, 1]];
          images.resize([n + count, p.height, p.width, 1]);
          masks.resize([n + count, p.height, p.width, 1]);
          images.write_slice(ranges, imgPart);
          masks.write_slice(ranges, mskPart);
        }
        n += count;
      }
      names.push(p.name);
    }
    file.create_attribute('patients', names.join(','));
    file.create_attribute('layout', 'images /255 and masks 0/1, float32 (N, H, W, 1): the reference Keras tutorial');
  } finally {
    file.close();
  }
  return { slices: n, patients: names };
}
