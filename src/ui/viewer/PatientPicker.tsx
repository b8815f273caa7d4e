// Chooses what the viewer shows: a cached dataset, one of its patients, and whether to show the
// cached images (windowed + CLAHE) or the dropped originals in HU when they are still loaded.
import { useCacheStore } from '../../state/cacheStore';
import { useIngestStore } from '../../state/ingestStore';
import { useViewerStore, type VolumeSource } from '../../state/viewerStore';
import { hasOriginalFiles } from '../../state/currentPatient';
import { showPatient } from '../../state/showPatient';
import { shortName } from '../format';

export function PatientPicker() {
  const datasets = useCacheStore((s) => s.datasets);
  const datasetId = useViewerStore((s) => s.datasetId);
  const patientKey = useViewerStore((s) => s.patientKey);
  const source = useViewerStore((s) => s.source);
  const dataset = datasets.find((d) => d.id === datasetId) ?? datasets[0];
  const originalsLoaded = useIngestStore((s) => hasOriginalFiles(dataset?.id ?? null, patientKey, s.patients));
  if (!dataset) return <span className="muted">Preprocess a dataset to view it here.</span>;
  return (
    <div className="patient-picker">
      <label>
        Dataset
        <select aria-label="Dataset" value={dataset.id} title={dataset.name} onChange={(e) => void showPatient(e.target.value, null)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id} title={d.name}>
              {shortName(d.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Patient
        <select aria-label="Patient" data-next-target="view" value={patientKey ?? ''} onChange={(e) => void showPatient(dataset.id, e.target.value || null, 'cache')}>
          <option value="">Choose a patient…</option>
          {dataset.patientKeys.map((key, i) => (
            <option key={key} value={key}>
              {dataset.patientNames[i]}
              {dataset.withoutTruth?.includes(key) ? ' (no ground truth)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Images
        <select aria-label="Images" value={source} disabled={!patientKey} onChange={(e) => void showPatient(dataset.id, patientKey, e.target.value as VolumeSource)}>
          <option value="cache" title="windowed + CLAHE, the kept slices">
            Cached (windowed + CLAHE)
          </option>
          <option value="files" disabled={!originalsLoaded} title={originalsLoaded ? 'HU, every slice' : 'drop the original files again to enable'}>
            Original files (HU){originalsLoaded ? '' : ' — drop to enable'}
          </option>
        </select>
      </label>
    </div>
  );
}
