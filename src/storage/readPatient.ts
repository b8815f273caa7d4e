// Reads one cached patient back as contiguous volumes (kept × H × W), for export and the viewer; and
// cached patients as a training / evaluation slice set at the model's size, streamed a few slices at
// a time. Thin over storage/datasets.ts.
import type { Db, CachedPatient } from './schema';
import { readSlices } from './datasets';
import { buildSliceSetStreaming, type SliceSet } from '../model/sliceSet';

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

/**
 * Cached patients at the model's input size (training and evaluation). Streamed: never more than a
 * chunk of slices at the cached size in memory, whatever the number of patients — reading every
 * volume first held the whole dataset at full resolution (kept × 512² × 2 bytes per patient).
 */
export function readSliceSet(db: Db, metas: CachedPatient[], size: number): Promise<SliceSet> {
  return buildSliceSetStreaming(
    metas.map((m) => ({ name: m.name, width: m.width, height: m.height, kept: m.kept, read: (from: number, to: number) => readSlices(db, m.key, from, to) })),
    size,
  );
}
