// "Segment this patient": the segment store's run, then, for a whole scan, the patient's own images in
// Hounsfield units — every slice of the series — put on screen (showPatient), so the prediction is
// drawn over them with the window presets, in stack and MPR. Its own module: it drives the segment
// store and the one action that changes what is on screen, and neither imports it.
import { useSegmentStore } from './segmentStore';
import { useViewerStore } from './viewerStore';
import { hasOriginalFiles } from './currentPatient';
import { showPatient } from './showPatient';

export async function segmentPatient(): Promise<void> {
  await useSegmentStore.getState().segmentCurrent();
  const { target } = useSegmentStore.getState();
  const viewer = useViewerStore.getState();
  if (!target || target.scope !== 'scan' || viewer.source !== 'cache') return;
  if (viewer.datasetId !== target.datasetId || viewer.patientKey !== target.patientKey || !hasOriginalFiles(target.datasetId, target.patientKey)) return;
  await showPatient(target.datasetId, target.patientKey, 'files');
}
