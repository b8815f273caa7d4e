// Builds a ViewerVolume in Hounsfield units from the files the user dropped: the full CT series
// (not only the kept slices) through the same toHounsfield as the pipeline, and the organ's mask
// (> 0) as ground truth when the patient has one. Never imports Cornerstone; a problem with the files
// comes back as an Error naming the file.
import { loadCtSeries, type PatientRef } from '../discovery/loadPatientSeries';
import type { DropSources } from '../discovery/walkDrop';
import type { DicomSlice } from '../dicom/types';
import { toHounsfield } from '../pipeline/hounsfield';
import type { ViewerVolume } from './types';

export async function volumeFromSources(sources: DropSources, patient: PatientRef, organ: string): Promise<ViewerVolume> {
  const name = typeof patient === 'string' ? patient : patient.name;
  const loaded = await loadCtSeries(sources, patient, organ);
  if (!loaded.ok) throw new Error(`${loaded.problem.file}: ${loaded.problem.message}`);
  const { ct, masks } = loaded.value;
  if (ct.length === 0) throw new Error(`${name}: no CT slice`);
  const { rows: height, columns: width } = ct[0];
  const px = width * height;
  const pixels = new Int16Array(ct.length * px);
  const truth = masks ? new Uint8Array(ct.length * px) : undefined;
  ct.forEach((slice, s) => {
    toHounsfield(slice.pixels, slice.rescaleSlope, slice.rescaleIntercept, pixels.subarray(s * px, (s + 1) * px));
    const mask = masks?.[s]?.pixels;
    if (truth && mask && mask.length === px) for (let i = 0; i < px; i++) truth[s * px + i] = mask[i] > 0 ? 1 : 0;
  });
  return { name, width, height, slices: ct.length, spacing: seriesSpacing(ct), kind: 'hu', pixels, ...(truth ? { truth } : {}) };
}

/** [row, column, slice] mm: PixelSpacing, and the median gap between positions (else SliceThickness, else 1). */
function seriesSpacing(ct: DicomSlice[]): [number, number, number] {
  const [row, col] = ct[0].pixelSpacing ?? [1, 1];
  const gaps: number[] = [];
  for (let i = 1; i < ct.length; i++) {
    const a = ct[i - 1].imagePositionPatient;
    const b = ct[i].imagePositionPatient;
    if (a && b) gaps.push(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]));
  }
  const sorted = gaps.filter((g) => g > 1e-6).sort((x, y) => x - y);
  const slice = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : (ct[0].sliceThickness ?? 1);
  return [row, col, slice];
}
