// Builds a ViewerVolume from one cached patient: the kept slices as stored (uint8 after window
// and CLAHE) and their 0/1 masks as ground truth. Reads IndexedDB; never writes it, and never
// imports Cornerstone (the volume is plain typed arrays).
import type { Db } from '../storage/schema';
import { findPatient, getDataset } from '../storage/datasets';
import { readPatientVolume } from '../storage/readPatient';
import type { ViewerVolume } from './types';

export async function volumeFromCache(db: Db, datasetId: string, patientKey: string): Promise<ViewerVolume> {
  const dataset = await getDataset(db, datasetId);
  if (!dataset) throw new Error(`no cached dataset ${datasetId}`);
  if (!dataset.patientKeys.includes(patientKey)) throw new Error(`patient ${patientKey.slice(0, 12)} is not in dataset ${dataset.name}`);
  const meta = await findPatient(db, patientKey);
  if (!meta) throw new Error(`patient ${patientKey.slice(0, 12)} is not in the cache`);
  const { images, masks } = await readPatientVolume(db, meta);
  return {
    name: meta.name,
    width: meta.width,
    height: meta.height,
    slices: meta.kept,
    spacing: meta.spacing ?? [1, 1, 1],
    kind: 'processed',
    pixels: images,
    truth: masks,
  };
}
