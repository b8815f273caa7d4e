// "Open segmentation…": a DICOM SEG or NIfTI file the user drops back or picks is checked against
// the patient on screen (shape, spacing, and — when the original CT files are loaded — the series
// and slice UIDs) and, if it matches, shown as the prediction overlay (with its Dice against the
// truth). A file that does not match only produces a message naming it: nothing shown is replaced.
import { openSegmentation, type SegmentationTarget } from '../export/segmentationFile';
import { blobSource } from '../common/blobSource';
import { loadPatientSeries } from '../discovery/index';
import { patientSourceFiles } from '../discovery/patientSources';
import type { ViewerVolume } from '../viewer';
import { openCache } from '../storage/schema';
import { findPatient } from '../storage/datasets';
import { useViewerStore } from './viewerStore';
import { useCacheStore } from './cacheStore';
import { useIngestStore } from './ingestStore';

export async function openSegmentationFile(file: File): Promise<void> {
  const { volume, datasetId, patientKey, source } = useViewerStore.getState();
  const report = (ok: boolean, message: string) => useViewerStore.setState({ opened: { file: file.name, ok, message } });
  if (!volume || !datasetId || !patientKey) return report(false, `${file.name}: open a patient first`);
  try {
    const target = await targetOf(volume, datasetId, patientKey, source);
    const opened = openSegmentation(file.name, new Uint8Array(await file.arrayBuffer()), target);
    const now = useViewerStore.getState();
    if (now.volume !== volume) return; // another patient meanwhile: this file was for the previous one
    if (!opened.ok) return report(false, opened.message);
    now.setPrediction(opened.labels);
    if (!now.overlays.prediction.visible) now.setOverlay('prediction', { visible: true });
    let voxels = 0;
    for (const v of opened.labels) voxels += v;
    report(true, `${file.name}: ${opened.format} shown as the prediction (${voxels} voxels; ${opened.note})`);
  } catch (e) {
    report(false, `${file.name}: ${e instanceof Error ? e.message : String(e)}; nothing was changed`);
  }
}

/** The slices on screen: cached (kept slices) or the originals (the whole series), with UIDs when the originals are loaded. */
async function targetOf(volume: ViewerVolume, datasetId: string, patientKey: string, source: 'cache' | 'files'): Promise<SegmentationTarget> {
  const base = { patient: volume.name, width: volume.width, height: volume.height, slices: volume.slices, spacing: volume.spacing, seriesInstanceUid: null, sopInstanceUids: null };
  const dataset = useCacheStore.getState().datasets.find((d) => d.id === datasetId);
  const { patients, sources } = useIngestStore.getState();
  const scan = patients.find((p) => p.name === volume.name);
  if (!dataset || !scan) return base;
  const series = await loadPatientSeries(patientSourceFiles(sources, scan).map(blobSource), volume.name, dataset.params.organ);
  if (!series.ok) return base;
  let ct = series.value.ct;
  if (source === 'cache') {
    const cached = await findPatient(await openCache(), patientKey);
    if (!cached) return base;
    ct = ct.slice(cached.keptFrom, cached.keptTo + 1);
  }
  if (ct.length !== volume.slices || ct.some((s) => !s.sopInstanceUid)) return base;
  return { ...base, seriesInstanceUid: ct[0].seriesInstanceUid ?? null, sopInstanceUids: ct.map((s) => s.sopInstanceUid!) };
}
