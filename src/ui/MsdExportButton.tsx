// "Export for nnU-Net / MONAI": patients' CT (HU) and one organ's masks as a Medical Segmentation
// Decathlon zip (state/msdExportStore.ts), with its progress and outcome; beside a cached dataset
// and beside the dropped patients. Says up front when the originals it needs are not loaded.
import { useIngestStore } from '../state/ingestStore';
import { useMsdExportStore } from '../state/msdExportStore';

interface Props {
  /** Which list this button belongs to (a dataset id, or 'dropped'). */
  owner: string;
  patients: string[];
  organ: string;
  name: string;
}

export function MsdExportButton({ owner, patients, organ, name }: Props) {
  const { running, progress, message, failed, exportPatients } = useMsdExportStore();
  const loaded = useIngestStore((s) => s.patients);
  const missing = patients.filter((p) => !loaded.some((l) => l.name === p));
  const mine = useMsdExportStore((s) => s.owner === owner);
  return (
    <span className="msd-export">
      <button
        onClick={() => void exportPatients(owner, patients, organ, name)}
        disabled={running || patients.length === 0}
        title={missing.length > 0 ? `needs the original DICOM of ${missing.join(', ')} (not loaded: drop them again)` : `${organ} labels, CT in HU, for nnU-Net v2 / MONAI`}
      >
        Export for nnU-Net / MONAI
      </button>
      {missing.length > 0 && !mine && <span className="muted" data-testid="msd-needs-originals"> originals not loaded: {missing.join(', ')}</span>}
      {mine && running && progress && (
        <span className="muted" role="status" data-testid="msd-progress">
          {' '}
          {progress.patient} ({progress.patientIndex + 1}/{progress.patients}): slice {progress.slice}/{progress.slices}, {(progress.bytes / 1048576).toFixed(1)} MiB
        </span>
      )}
      {mine && message && !(running && progress) && (
        <span className={failed ? 'error' : 'muted'} role="status" data-testid="msd-message">
          {' '}
          {message}
        </span>
      )}
    </span>
  );
}
