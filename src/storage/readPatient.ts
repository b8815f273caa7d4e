// Reads one cached patient back as contiguous volumes (kept × H × W): for export, training and
// the viewer. Thin over storage/datasets.ts.
import type { Db, CachedPatient } from './schema';
import { readSlices } from './datasets';

export interface PatientVolume {
  meta: CachedPatient;
  images: Uint8Array;
  masks: Uint8Array;
}

export async function readPatientVolume(db: Db, meta: CachedPatient): Promise<PatientVolume> {
  const px = meta.width * meta.height;
  const images = new Uint8Array(meta.kept * px);
  const masks = new Uint8Array(meta.kept * px);
  const slices = await readSlices(db, meta.key);
  if (slices.length !== meta.kept) throw new Error(`${meta.name}: ${slices.length} cached slices, expected ${meta.kept}`);
  for (const s of slices) {
    images.set(s.image, s.index * px);
    masks.set(s.mask, s.index * px);
  }
  return { meta, images, masks };
}
