// Putting a patient on screen: the one action that changes which patient (or image source) the
// viewer shows. It sets the selection in the viewer store, tells the segment and compare stores
// that their predictions were made for another patient (so they drop them: a prediction, its
// metrics, status and export message never outlive the patient they belong to), then loads the
// volume (currentPatient.ts) — the latest call wins. Its own module so that the stores it drives
// need not import one another, nor this.
import { useViewerStore, type VolumeSource } from './viewerStore';
import { volumeOf } from './currentPatient';
import { useSegmentStore } from './segmentStore';
import { useCompareStore } from './compareStore';

let loadToken = 0;

/** Shows this cached patient (none: patientKey null) from the cache or from its dropped originals; `source` defaults to the current one. */
export async function showPatient(datasetId: string | null, patientKey: string | null, source: VolumeSource = useViewerStore.getState().source): Promise<void> {
  const token = ++loadToken;
  const before = useViewerStore.getState();
  const changed = before.datasetId !== datasetId || before.patientKey !== patientKey || before.source !== source;
  useViewerStore.getState().selected(datasetId, patientKey, source);
  if (changed) {
    useSegmentStore.getState().patientChanged({ datasetId, patientKey, source });
    useCompareStore.getState().forget();
  }
  if (!datasetId || !patientKey) return;
  try {
    const volume = await volumeOf(datasetId, patientKey, source);
    if (token !== loadToken) return;
    useViewerStore.getState().volumeLoaded(volume);
    useSegmentStore.getState().volumeShown();
  } catch (e) {
    if (token === loadToken) useViewerStore.getState().loadFailed(e instanceof Error ? e.message : String(e));
  }
}
