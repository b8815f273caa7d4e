// HDF5 export in the reference Keras tutorial's layout, the way out to Keras/TensorFlow:
// datasets `images` and `masks`, float32, shape (N, H, W, 1), images /255, masks 0/1.
// Uses h5wasm (the HDF5 C library compiled to WASM); the caller passes the loaded module so the
// same code writes to the real file system in Node and to MEMFS in the browser.
import type * as H5 from 'h5wasm';
import type { PatientVolumeLike } from '../model/sliceSet';

/** A patient's kept slices: kept × H × W uint8 images after CLAHE (before /255) and 0/1 masks. */
export type Hdf5Patient = PatientVolumeLike;

type H5Module = Pick<typeof H5, 'File'>;

/**
 * Writes patients one after another into `path` (appending along N, so only one patient's float32
 * copy is in memory at a time). Returns the number of slices written.
 */
export async function writeReferenceHdf5(h5: H5Module, path: string, patients: AsyncIterable<Hdf5Patient> | Iterable<Hdf5Patient>): Promise<{ slices: number; patients: string[] }> {
  const file = new h5.File(path, 'w');
  let images: H5.Dataset | null = null;
  let masks: H5.Dataset | null = null;
  let n = 0;
  let size: [number, number] | null = null;
  const names: string[] = [];
  try {
    for await (const p of patients) {
      if (!size) size = [p.height, p.width];
      else if (size[0] !== p.height || size[1] !== p.width) {
        throw new Error(`${p.name}: ${p.width}×${p.height} differs from the first patient's ${size[1]}×${size[0]}; HDF5 needs one size`);
      }
      const px = p.width * p.height;
      const img = new Float32Array(p.kept * px);
      for (let i = 0; i < img.length; i++) img[i] = p.images[i] / 255;
      const msk = new Float32Array(p.kept * px);
      for (let i = 0; i < msk.length; i++) msk[i] = p.masks[i] > 0 ? 1 : 0;
      const shape = [p.kept, p.height, p.width, 1];
      if (!images || !masks) {
        const common = { maxshape: [null, p.height, p.width, 1], chunks: [1, p.height, p.width, 1] };
        images = file.create_dataset({ name: 'images', data: img, shape, dtype: '<f4', ...common });
        masks = file.create_dataset({ name: 'masks', data: msk, shape, dtype: '<f4', ...common });
      } else if (p.kept > 0) {
        const ranges: [number, number][] = [[n, n + p.kept], [0, p.height], [0, p.width], [0, 1]];
        images.resize([n + p.kept, p.height, p.width, 1]);
        masks.resize([n + p.kept, p.height, p.width, 1]);
        images.write_slice(ranges, img);
        masks.write_slice(ranges, msk);
      }
      n += p.kept;
      names.push(p.name);
    }
    file.create_attribute('patients', names.join(','));
    file.create_attribute('layout', 'images /255 and masks 0/1, float32 (N, H, W, 1): the reference Keras tutorial');
  } finally {
    file.close();
  }
  return { slices: n, patients: names };
}
