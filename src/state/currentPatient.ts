// The one place that answers "which patient is on screen, and what do we hold of it": its cached
// dataset entry (name, organ), its IndexedDB record and volume, and the original files the user
// dropped for it (still held by the ingest store, so HU images, SEG references and NIfTI positions
// are possible). Questions only, no state of its own: the selection is plain data in the viewer
// store, the cache listing in the cache store, the drop in the ingest store. Putting a patient on
// screen is showPatient.ts's job.
import { volumeFromCache, volumeFromSources, type ViewerVolume } from '../viewer';
import { openCache, type CachedPatient } from '../storage/schema';
import { findPatient } from '../storage/datasets';
import { blobSource, type DroppedFile } from '../common/blobSource';
import type { PatientFiles, PatientScan } from '../discovery/types';
import { patientFilesOf, patientSourceFiles } from '../discovery/patientSources';
import { useViewerStore, type VolumeSource } from './viewerStore';
import { useCacheStore } from './cacheStore';
import { useIngestStore } from './ingestStore';

export interface PatientOnScreen {
  datasetId: string;
  patientKey: string;
  source: VolumeSource;
  /** From the cache listing; null when the dataset is not (or no longer) listed. */
  name: string | null;
  organ: string | null;
}

/** The patient selected in the viewer (its volume may still be loading), or null when none is. */
export function patientOnScreen(): PatientOnScreen | null {
  const { datasetId, patientKey, source } = useViewerStore.getState();
  if (!datasetId || !patientKey) return null;
  const cached = cachedEntryOf(datasetId, patientKey);
  return { datasetId, patientKey, source, name: cached?.name ?? null, organ: cached?.organ ?? null };
}

/** True when this patient (and image source) is the one selected in the viewer. */
export function isOnScreen(datasetId: string, patientKey: string, source?: VolumeSource): boolean {
  const shown = patientOnScreen();
  return shown !== null && shown.datasetId === datasetId && shown.patientKey === patientKey && (source === undefined || shown.source === source);
}

/** A cached patient's name and its dataset's organ, from the cache listing; null when not listed. */
export function cachedEntryOf(datasetId: string, patientKey: string): { name: string; organ: string } | null {
  const dataset = useCacheStore.getState().datasets.find((d) => d.id === datasetId);
  const index = dataset?.patientKeys.indexOf(patientKey) ?? -1;
  return dataset && index >= 0 ? { name: dataset.patientNames[index], organ: dataset.params.organ } : null;
}

/** A cached patient's IndexedDB record (kept slice range, spacing, …); null when not stored. */
export async function cachedPatientOf(patientKey: string): Promise<CachedPatient | null> {
  return (await findPatient(await openCache(), patientKey)) ?? null;
}

/** The dropped originals of the patient named so, when still loaded (HU view, SEG references, NIfTI positions). */
export function originalFilesOf(name: string): DroppedFile[] | null {
  const scan = scanOf(name);
  return scan ? patientSourceFiles(useIngestStore.getState().sources, scan) : null;
}

/** The dropped originals of the patient named so and which of them are its CT and masks, when still loaded. */
export function originalsOf(name: string): { files: DroppedFile[]; patient: PatientFiles } | null {
  const files = originalFilesOf(name);
  const patient = patientFilesNamed(name);
  return files && patient && files.length > 0 ? { files, patient } : null;
}

/** Which of those files are its CT and masks (as the scan grouped them), when still loaded. */
export function patientFilesNamed(name: string): PatientFiles | null {
  const scan = scanOf(name);
  return scan ? patientFilesOf(scan) : null;
}

/**
 * True when the dropped originals of this cached patient are at hand (HU view possible). `patients`
 * is the ingest store's list, passed by a component's selector so it re-renders when it changes.
 */
export function hasOriginalFiles(datasetId: string | null, patientKey: string | null, patients = useIngestStore.getState().patients): boolean {
  if (!datasetId || !patientKey) return false;
  const cached = cachedEntryOf(datasetId, patientKey);
  return cached !== null && scanOf(cached.name, patients) !== null;
}

/** A cached patient's volume: the cached (windowed, kept) slices, or the full series in HU from its dropped originals. */
export async function volumeOf(datasetId: string, patientKey: string, source: VolumeSource): Promise<ViewerVolume> {
  if (source === 'cache') return volumeFromCache(await openCache(), datasetId, patientKey);
  const cached = cachedEntryOf(datasetId, patientKey);
  const files = cached && originalFilesOf(cached.name);
  const patient = cached && patientFilesNamed(cached.name);
  if (!cached || !files || !patient) throw new Error('the original files of this patient are not loaded: drop them again to see HU images');
  return volumeFromSources(files.map(blobSource), patient, cached.organ);
}

function scanOf(name: string, patients = useIngestStore.getState().patients): PatientScan | null {
  return patients.find((p) => p.name === name) ?? null;
}
