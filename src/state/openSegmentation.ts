// "Open segmentation…": a DICOM SEG or NIfTI file the user drops back or picks is checked against
// the patient on screen (shape, spacing, and — when the original CT files are loaded — the series
// and slice UIDs) and, if it matches, shown as the prediction overlay (with its Dice against the
// truth), which "Correct the prediction" (labelStore.ts) then edits as a label opened from that file.
// A file that does not match only produces a message naming it: nothing shown is replaced.
// What is known of the patient on screen (cache entry, record, original files): currentPatient.ts.
import { openSegmentation, type OpenedSegmentation, type SegmentationTarget } from '../export/segmentationFile';
import { blobSource } from '../common/blobSource';
import { loadCtSeries } from '../discovery/loadPatientSeries';
import type { ViewerVolume } from '../viewer';
import { useViewerStore } from './viewerStore';
import { cachedPatientOf, originalFilesOf, patientFilesNamed, patientOnScreen, type PatientOnScreen } from './currentPatient';

export async function openSegmentationFile(file: File): Promise<void> {
  const { volume } = useViewerStore.getState();
  const shown = patientOnScreen();
  const report = (ok: boolean, message: string) => useViewerStore.setState({ opened: { file: file.name, ok, message } });
  if (!volume || !shown) return report(false, `${file.name}: open a patient first`);
  const opened = await readSegmentationFile(file, volume, shown);
  const now = useViewerStore.getState();
  if (now.volume !== volume) return; // another patient meanwhile: this file was for the previous one
  if (!opened.ok) return report(false, opened.message);
  now.setPrediction(opened.labels);
  useViewerStore.setState({ predictionFile: file.name });
  now.showComparison();
  let voxels = 0;
  for (const v of opened.labels) voxels += v;
  report(true, `${file.name}: ${opened.format} shown as the prediction (${voxels} voxels; ${opened.note})`);
}

/**
 * A DICOM SEG or NIfTI file read and checked against the slices on screen: the 0/1 mask of their
 * shape, or a message naming the file and the problem (also the "Open a label file…" path, labelFiles.ts).
 */
export async function readSegmentationFile(file: File, volume: ViewerVolume, shown: PatientOnScreen): Promise<OpenedSegmentation> {
  try {
    return openSegmentation(file.name, new Uint8Array(await file.arrayBuffer()), await targetOf(volume, shown));
  } catch (e) {
    return { ok: false, message: `${file.name}: ${e instanceof Error ? e.message : String(e)}; nothing was changed` };
  }
}

/** The slices on screen: cached (kept slices) or the originals (the whole series), with UIDs when the originals are loaded. */
async function targetOf(volume: ViewerVolume, { patientKey, source, organ }: PatientOnScreen): Promise<SegmentationTarget> {
  const base = { patient: volume.name, width: volume.width, height: volume.height, slices: volume.slices, spacing: volume.spacing, seriesInstanceUid: null, sopInstanceUids: null };
  const files = originalFilesOf(volume.name);
  const patient = patientFilesNamed(volume.name);
  if (organ === null || !files || !patient) return base;
  const series = await loadCtSeries(files.map(blobSource), patient, null);
  if (!series.ok) return base;
  let ct = series.value.ct;
  if (source === 'cache') {
    const cached = await cachedPatientOf(patientKey);
    if (!cached) return base;
    ct = ct.slice(cached.keptFrom, cached.keptTo + 1);
  }
  if (ct.length !== volume.slices || ct.some((s) => !s.sopInstanceUid)) return base;
  return { ...base, seriesInstanceUid: ct[0].seriesInstanceUid ?? null, sopInstanceUids: ct.map((s) => s.sopInstanceUid!) };
}
